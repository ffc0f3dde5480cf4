// Simulated Baton agents, run as a separate process (forked by bench/heartbeat.mjs) so the load
// generator's CPU is not the control plane's harness. Receives one job over IPC, sends
// heartbeats to 127.0.0.1 only over keep-alive connections, answers with the figures and exits.
// Modes: "warmup" (each member once), "1hz" (each member once a second, spread evenly),
// "max" (`concurrency` loops back-to-back, round-robin over members), and "ceiling" (the same
// loops sending GET /healthz, which touches neither D1 nor a coordinator: what the local runtime
// can do at all). All stop by themselves.
// Client: "http" (node:http, one keep-alive connection per loop in flight) or "undici" (a Pool
// of `connections` connections, `pipelining` requests in flight on each), to tell the load
// generator's own cost from the server's. Transport "ws": each member's heartbeats travel as
// messages on its own WebSocket (bench/lib/socket-agents.mjs), opened before the clock starts.
import { Agent, request } from "node:http";
import { setTimeout as sleep } from "node:timers/promises";
import { Pool } from "undici";
import { schedulingBetween, threads } from "./proc.mjs";
import { openSockets } from "./socket-agents.mjs";

/**
 * Calls `send(member)` for every member once a second from `startedAt` until `endAt`, member i
 * at i/N of each second; a slow answer delays only that member, as with a real agent, which
 * waits for one heartbeat before sending the next.
 */
export function everySecondSpread(members, startedAt, endAt, send) {
  return Promise.all(
    members.map(async (member, i) => {
      const offset = (i / members.length) * 1000;
      for (let k = 0; startedAt + offset + k * 1000 < endAt; k++) {
        const wait = startedAt + offset + k * 1000 - performance.now();
        if (wait > 0) await sleep(wait);
        await send(member);
      }
    }),
  );
}

const REQUEST_TIMEOUT_MS = 10_000;
const GiB = 1024 ** 3;

function heartbeatBody(member) {
  return JSON.stringify({
    hostname: member.hostname,
    agentVersion: "bench",
    services: { haproxy: { installed: true, activeState: "active" } },
    host: {
      cpuPercent: Math.round(Math.random() * 1000) / 10,
      memUsedBytes: Math.round((1 + Math.random() * 3) * GiB),
      memTotalBytes: 8 * GiB,
      load1: Math.round(Math.random() * 400) / 100,
    },
  });
}

/** One heartbeat (or GET /healthz); resolves (never rejects) with the status or the error code. */
function beat(agent, port, member, healthz = false, extraHeaders = {}) {
  const body = healthz ? "" : heartbeatBody(member);
  const startedAt = performance.now();
  return new Promise((resolve) => {
    const done = (status) => resolve({ status, ms: performance.now() - startedAt });
    const req = request(
      {
        host: "127.0.0.1",
        port,
        path: healthz ? "/healthz" : "/agent/v1/heartbeat",
        method: healthz ? "GET" : "POST",
        agent,
        timeout: REQUEST_TIMEOUT_MS,
        headers: {
          Authorization: `Bearer ${member.secret}`,
          "X-Baton-Protocol": "1",
          "User-Agent": "baton-agent/bench",
          "Content-Type": "application/json",
          "Content-Length": Buffer.byteLength(body),
          ...extraHeaders,
        },
      },
      (res) => {
        res.on("end", () => done(res.statusCode));
        res.on("error", (error) => done(error.code ?? "response_error"));
        res.resume();
      },
    );
    req.on("timeout", () => req.destroy(Object.assign(new Error("timeout"), { code: "timeout" })));
    req.on("error", (error) => done(error.code ?? "request_error"));
    req.end(body);
  });
}

/** The same request through an undici Pool; resolves (never rejects) like `beat`. */
async function beatUndici(pool, member, healthz = false, extraHeaders = {}) {
  const body = healthz ? undefined : heartbeatBody(member);
  const startedAt = performance.now();
  try {
    const res = await pool.request({
      path: healthz ? "/healthz" : "/agent/v1/heartbeat",
      method: healthz ? "GET" : "POST",
      headers: {
        authorization: `Bearer ${member.secret}`,
        "x-baton-protocol": "1",
        "user-agent": "baton-agent/bench",
        "content-type": "application/json",
        ...extraHeaders,
      },
      body,
    });
    await res.body.dump();
    return { status: res.statusCode, ms: performance.now() - startedAt };
  } catch (error) {
    return { status: error.code ?? "request_error", ms: performance.now() - startedAt };
  }
}

function percentile(sorted, p) {
  if (sorted.length === 0) return null;
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
}

async function run(job) {
  const { mode, url, members, seconds, concurrency } = job;
  const { client = "http", connections = concurrency, pipelining = 1 } = job;
  const port = Number(new URL(url).port);
  // Without Miniflare's entry worker nothing sets the caller's address: send it, as Cloudflare does.
  const extra = job.runtime === "workerd-direct" ? { "CF-Connecting-IP": "127.0.0.1" } : {};
  const agent = new Agent({ keepAlive: true, maxSockets: Number.POSITIVE_INFINITY });
  const pool =
    client === "undici"
      ? new Pool(url, {
          connections,
          pipelining,
          headersTimeout: REQUEST_TIMEOUT_MS,
          bodyTimeout: REQUEST_TIMEOUT_MS,
        })
      : null;
  const sockets =
    job.transport === "ws" && mode !== "ceiling" ? await openSockets(url, members, extra) : null;
  const latencies = [];
  const statuses = {};
  const send = async (member) => {
    const healthz = mode === "ceiling";
    const { status, ms } = sockets
      ? await sockets.get(member.hostname).beat(heartbeatBody(member))
      : pool
        ? await beatUndici(pool, member, healthz, extra)
        : await beat(agent, port, member, healthz, extra);
    latencies.push(ms);
    statuses[status] = (statuses[status] ?? 0) + 1;
  };

  const cpuBefore = process.cpuUsage();
  const threadsBefore = { self: threads(process.pid) };
  const startedAt = performance.now();
  const endAt = startedAt + seconds * 1000;
  if (mode === "warmup") {
    await Promise.all(members.map(send));
  } else if (mode === "1hz") {
    await everySecondSpread(members, startedAt, endAt, send);
  } else if (mode === "max" || mode === "ceiling") {
    let next = 0;
    const loop = async () => {
      while (performance.now() < endAt) await send(members[next++ % members.length]);
    };
    await Promise.all(Array.from({ length: concurrency }, loop));
  } else {
    throw new Error(`unknown mode ${mode}`);
  }
  const elapsedMs = performance.now() - startedAt;
  const cpu = process.cpuUsage(cpuBefore);
  const scheduling = schedulingBetween(
    threadsBefore,
    { self: threads(process.pid) },
    elapsedMs / 1000,
  ).self;
  agent.destroy();
  await pool?.destroy();
  for (const socket of sockets?.values() ?? []) socket.close();

  const sorted = Float64Array.from(latencies).sort();
  const ok = statuses[200] ?? 0;
  return {
    sent: latencies.length,
    ok,
    errors: latencies.length - ok,
    errorsByStatus: Object.fromEntries(Object.entries(statuses).filter(([s]) => s !== "200")),
    elapsedS: elapsedMs / 1000,
    perSecond: latencies.length / (elapsedMs / 1000),
    latencyMs: {
      p50: percentile(sorted, 50),
      p90: percentile(sorted, 90),
      p99: percentile(sorted, 99),
      max: percentile(sorted, 100),
    },
    loadGeneratorCpuPercent: ((cpu.user + cpu.system) / 1000 / elapsedMs) * 100,
    loadGeneratorScheduling: scheduling,
  };
}

process.on("disconnect", () => process.exit(0)); // the benchmark went away: stop too
process.once("message", async (job) => {
  try {
    process.send({ result: await run(job) }, () => process.exit(0));
  } catch (error) {
    process.send({ error: String(error?.stack ?? error) }, () => process.exit(1));
  }
});
