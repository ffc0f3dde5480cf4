#!/usr/bin/env node
// `npm run bench:pickup [-- --jobs 100 --transport ws|http|both --json]`
// Job pickup on loopback (decision 0023): from an admin queuing a job to the agent's ack being
// accepted, p50/p99 over N jobs, for a simulated agent on a WebSocket (the job is pushed) and on
// HTTP heartbeats once a second (the job rides the next heartbeat's answer). Starts a local
// control plane; a measurement: exits 0 when targets are missed.
import { Agent, request } from "node:http";
import { dirname, join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { adminApi, SetupError, startControlPlane, wasInterrupted } from "./lib/control-plane.mjs";
import { openSocket } from "./lib/socket-agents.mjs";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const TARGET_P99_MS = 100;
const REPORT = { hostname: "", agentVersion: "bench" };

function post(agent, url, path, secret, body) {
  const text = JSON.stringify(body);
  return new Promise((resolve, reject) => {
    const req = request(`${url}${path}`, {
      method: "POST",
      agent,
      headers: {
        Authorization: `Bearer ${secret}`,
        "Content-Type": "application/json",
        "Content-Length": Buffer.byteLength(text),
      },
    });
    req.on("response", (res) => {
      let data = "";
      res.setEncoding("utf8").on("data", (chunk) => (data += chunk));
      res.on("end", () =>
        resolve({ status: res.statusCode, body: data ? JSON.parse(data) : null }),
      );
    });
    req.on("error", reject);
    req.end(text);
  });
}

const percentile = (sorted, p) =>
  sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];

/**
 * A simulated agent: on a job it acks at once and reports success; `acked(jobId)` resolves when
 * the control plane accepted the ack. Over "ws" jobs arrive pushed; over "http" in the answer
 * of a heartbeat sent every second.
 */
async function simulatedAgent(plane, member, transport) {
  // When each job's ack was accepted; a push may beat the admin call's answer to it.
  const ackedAt = new Map();
  const waiting = new Map();
  const ackAccepted = (jobId) => {
    ackedAt.set(jobId, performance.now());
    waiting.get(jobId)?.();
  };
  const acked = async (jobId) => {
    if (!ackedAt.has(jobId)) await new Promise((resolve) => waiting.set(jobId, resolve));
    return ackedAt.get(jobId);
  };
  const beat = {
    ...REPORT,
    hostname: member.hostname,
    services: { haproxy: { installed: true, activeState: "active" } },
  };
  const now = () => Date.now();
  if (transport === "ws") {
    let socket;
    const run = async (job) => {
      await socket.call({ type: "job.ack", jobId: job.id }, {});
      ackAccepted(job.id);
      await socket.call(
        { type: "job.result", jobId: job.id },
        { status: "succeeded", exitCode: 0, outputTail: "", startedAt: now(), finishedAt: now() },
      );
    };
    socket = await openSocket(plane.url, member, {}, (push) => {
      if (push.type === "jobs") for (const job of push.jobs) void run(job);
    });
    await socket.beat(JSON.stringify(beat));
    return { acked, stop: () => socket.close() };
  }
  const agent = new Agent({ keepAlive: true });
  let stopped = false;
  const loop = (async () => {
    while (!stopped) {
      const answer = await post(agent, plane.url, "/agent/v1/heartbeat", member.secret, beat);
      for (const job of answer.body?.jobs ?? []) {
        await post(agent, plane.url, `/agent/v1/jobs/${job.id}/ack`, member.secret, {});
        ackAccepted(job.id);
        await post(agent, plane.url, `/agent/v1/jobs/${job.id}/result`, member.secret, {
          status: "succeeded",
          exitCode: 0,
          outputTail: "",
          startedAt: now(),
          finishedAt: now(),
        });
      }
      await sleep(answer.body?.intervalMs ?? 1_000);
    }
  })();
  return {
    acked,
    stop: async () => {
      stopped = true;
      await loop;
      agent.destroy();
    },
  };
}

async function measure(plane, poolId, transport, jobs) {
  const hostname = `pickup-${transport}`;
  const enrolled = await adminApi(plane, "POST", `/api/v1/pools/${poolId}/members`, {
    name: hostname,
    hostname,
    allowedIps: ["127.0.0.1"],
  });
  const member = { hostname, secret: enrolled.secret };
  const agent = await simulatedAgent(plane, member, transport);
  await sleep(1_500); // heard, and the haproxy.* kinds allowed
  const pickups = [];
  for (let i = 0; i < jobs; i++) {
    const startedAt = performance.now();
    const queued = adminApi(plane, "POST", `/api/v1/members/${enrolled.member.id}/jobs`, {
      kind: "haproxy.reload",
    });
    const { job } = await queued;
    pickups.push((await agent.acked(job.id)) - startedAt);
    // Spread over the heartbeat cycle, so HTTP shows its whole range.
    await sleep(37 + Math.random() * 100);
  }
  await agent.stop();
  const sorted = Float64Array.from(pickups).sort();
  return {
    transport,
    jobs,
    p50: percentile(sorted, 50),
    p99: percentile(sorted, 99),
    max: sorted.at(-1),
  };
}

async function main() {
  const { values } = parseArgs({
    options: {
      jobs: { type: "string", default: "100" },
      transport: { type: "string", default: "both" },
      json: { type: "boolean", default: false },
    },
  });
  const jobs = Number(values.jobs);
  if (!Number.isInteger(jobs) || jobs < 1) throw new SetupError("--jobs must be ≥ 1");
  const transports = values.transport === "both" ? ["ws", "http"] : [values.transport];
  const print = values.json ? (line) => console.error(line) : (line) => console.log(line);
  print("Starting a local control plane ...");
  const plane = await startControlPlane(root);
  try {
    const { pool } = await adminApi(plane, "POST", "/api/v1/pools", {
      name: "pickup",
      failoverHostname: "lb-pickup.bench.example",
    });
    const results = [];
    for (const transport of transports) {
      const result = await measure(plane, pool.id, transport, jobs);
      results.push(result);
      const verdict = result.p99 <= TARGET_P99_MS ? "met" : "MISSED";
      print(
        `${transport.padEnd(4)} queued → ack accepted over ${jobs} jobs: p50 ${result.p50.toFixed(1)} ms, p99 ${result.p99.toFixed(1)} ms, max ${result.max.toFixed(1)} ms   target p99 ≤ ${TARGET_P99_MS}: ${verdict}`,
      );
    }
    if (values.json) console.log(JSON.stringify({ results }));
  } finally {
    await plane.stop();
  }
}

main().catch((error) => {
  if (wasInterrupted()) return;
  const reason = error instanceof SetupError ? `setup failed: ${error.message}` : error.message;
  console.error(`bench:pickup: ${reason.split("\n")[0]}`);
  process.exit(1);
});
