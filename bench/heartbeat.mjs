#!/usr/bin/env node
// `npm run bench:heartbeat [-- --members 300 --pool-size 3 --seconds 20 --concurrency 64
//   --runtime wrangler|workerd|workerd-direct --client http|undici --connections N --pipelining N
//   --transport http|ws --phases 1hz,max,ceiling --json]`
// --transport ws: each simulated agent heartbeats over its own WebSocket (decision 0023).
// Measures heartbeat handling of a local control plane: starts `wrangler dev` (or, with
// --runtime workerd, the same Worker in workerd without wrangler's dev proxy) on a fresh temp
// directory, enrolls members through the admin API, then drives them as simulated agents from a
// separate process (bench/lib/agents.mjs): first contact, then "1 Hz" and "max-rate" phases.
// Prints throughput, latency and D1 work per heartbeat (GET /api/v1/system/stats) next to the
// targets. A measurement, not a test: exits 0 when targets are missed, 1 when setup fails.
import { fork } from "node:child_process";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { adminApi, SetupError, startControlPlane, wasInterrupted } from "./lib/control-plane.mjs";
import { cpuPercentBetween, schedulingBetween, treeCpuSeconds, treeThreads } from "./lib/proc.mjs";
import { printPhase, printScheduling, TARGETS } from "./lib/report.mjs";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
/** Phases after first contact, in the order they run. */
const PHASES = ["1hz", "max", "ceiling"];

function options() {
  let values;
  try {
    ({ values } = parseArgs({
      options: {
        members: { type: "string", default: "300" },
        "pool-size": { type: "string", default: "3" },
        seconds: { type: "string", default: "20" },
        concurrency: { type: "string", default: "64" },
        runtime: { type: "string", default: "wrangler" },
        client: { type: "string", default: "http" },
        transport: { type: "string", default: "http" },
        connections: { type: "string" },
        pipelining: { type: "string", default: "1" },
        phases: { type: "string", default: PHASES.join(",") },
        json: { type: "boolean", default: false },
      },
    }));
  } catch (error) {
    throw new SetupError(error.message);
  }
  const oneOf = (name, allowed) => {
    if (!allowed.includes(values[name]))
      throw new SetupError(`--${name} must be ${allowed.join(" or ")}, not "${values[name]}"`);
    return values[name];
  };
  const phases = values.phases.split(",").filter(Boolean);
  for (const name of phases)
    if (!PHASES.includes(name))
      throw new SetupError(`--phases takes ${PHASES.join(",")} (any of them), not "${name}"`);
  const number = (name) => {
    const value = Number(values[name]);
    if (!Number.isInteger(value) || value < 1)
      throw new SetupError(`--${name} must be a whole number ≥ 1, not "${values[name]}"`);
    return value;
  };
  return {
    members: number("members"),
    poolSize: number("pool-size"),
    seconds: number("seconds"),
    concurrency: number("concurrency"),
    runtime: oneOf("runtime", ["wrangler", "workerd", "workerd-direct"]),
    client: oneOf("client", ["http", "undici"]),
    transport: oneOf("transport", ["http", "ws"]),
    // undici only: by default one connection per loop, as node:http opens.
    connections: values.connections === undefined ? number("concurrency") : number("connections"),
    pipelining: number("pipelining"),
    phases,
    json: values.json,
  };
}

/** Pools of `poolSize` members, each allowed from 127.0.0.1; returns every member's secret. */
async function enroll(plane, { members, poolSize }) {
  const pools = Math.ceil(members / poolSize);
  const enrolled = [];
  const enrollPool = async (p) => {
    const { pool } = await adminApi(plane, "POST", "/api/v1/pools", {
      name: `bench-pool-${p}`,
      failoverHostname: `lb-${p}.bench.example`,
    });
    for (let i = p * poolSize; i < Math.min(members, (p + 1) * poolSize); i++) {
      const hostname = `bench-${String(i).padStart(5, "0")}`;
      const body = { name: hostname, hostname, allowedIps: ["127.0.0.1"] };
      const { secret } = await adminApi(plane, "POST", `/api/v1/pools/${pool.id}/members`, body);
      enrolled[i] = { hostname, secret };
    }
  };
  let next = 0;
  const worker = async () => {
    while (next < pools) await enrollPool(next++);
  };
  await Promise.all(Array.from({ length: 8 }, worker));
  return { enrolled, pools };
}

/** Runs one phase in a separate Node process; resolves with its figures. */
function runAgents(job) {
  return new Promise((resolve, reject) => {
    const child = fork(join(root, "bench", "lib", "agents.mjs"), { stdio: "inherit" });
    // The agents stop by themselves (phase length + 10 s request timeout); this is a backstop.
    const watchdog = setTimeout(() => child.kill("SIGKILL"), (job.seconds + 30) * 1000);
    let answered = false;
    child.once("message", (message) => {
      answered = true;
      if (message.error) reject(new Error(`load generator failed: ${message.error}`));
      else resolve(message.result);
    });
    child.once("exit", (code, signal) => {
      clearTimeout(watchdog);
      if (!answered) reject(new Error(`load generator exited (${signal ?? `code ${code}`})`));
    });
    child.send(job);
  });
}

/** D1 work of request handling and of every pool coordinator, together. */
async function d1Totals(plane) {
  const { requests, coordinators } = await adminApi(plane, "GET", "/api/v1/system/stats");
  return {
    calls: requests.calls + coordinators.calls,
    statements: requests.statements + coordinators.statements,
    rowsWritten: requests.rowsWritten + coordinators.rowsWritten,
    coordinatorHeartbeats: coordinators.heartbeats,
  };
}

async function phase(plane, job, statsCost) {
  const before = await d1Totals(plane);
  const cpuBefore = treeCpuSeconds(plane.wranglerPid, plane.port, plane.runtime);
  const threadsBefore = treeThreads(plane.wranglerPid, plane.port, plane.runtime);
  const result = await runAgents(job);
  const threadsAfter = treeThreads(plane.wranglerPid, plane.port, plane.runtime);
  const cpuAfter = treeCpuSeconds(plane.wranglerPid, plane.port, plane.runtime);
  const after = await d1Totals(plane);
  const per = (key) => (result.ok ? (after[key] - before[key] - statsCost[key]) / result.ok : null);
  return {
    ...result,
    d1PerHeartbeat: {
      roundTrips: per("calls"),
      statements: per("statements"),
      rowsWritten: per("rowsWritten"),
    },
    coordinatorHeartbeats: after.coordinatorHeartbeats - before.coordinatorHeartbeats,
    controlPlaneCpuPercent: cpuPercentBetween(cpuBefore, cpuAfter, result.elapsedS),
    controlPlaneScheduling: schedulingBetween(threadsBefore, threadsAfter, result.elapsedS),
  };
}

async function main() {
  const opts = options();
  // With --json, stdout carries only the JSON object; the readable report goes to stderr.
  const print = opts.json ? (line) => console.error(line) : (line) => console.log(line);
  const how = {
    wrangler: "wrangler dev",
    workerd: "workerd directly: Miniflare on wrangler's deploy bundle, no dev proxy",
    "workerd-direct":
      "workerd directly, the Worker's own socket: no dev proxy, no Miniflare entry worker; agents send CF-Connecting-IP",
  }[opts.runtime];
  print(
    `Starting a local control plane (runtime ${opts.runtime}: ${how}, on a temp directory) ...`,
  );
  const plane = await startControlPlane(root, { runtime: opts.runtime });
  try {
    print(`${plane.url}: enrolling ${opts.members} members in pools of ${opts.poolSize} ...`);
    const { enrolled, pools } = await enroll(plane, opts);
    // A stats read costs D1 work itself (it lists pools): measure it once, subtract it per phase.
    const [s0, s1] = [await d1Totals(plane), await d1Totals(plane)];
    const statsCost = Object.fromEntries(Object.keys(s0).map((key) => [key, s1[key] - s0[key]]));
    const job = { ...opts, url: plane.url, members: enrolled };
    const client =
      opts.client === "undici"
        ? `undici Pool, ${opts.connections} connections × pipelining ${opts.pipelining}`
        : "node:http, keep-alive, a connection per loop";
    const over = opts.transport === "ws" ? "a WebSocket per member" : client;
    print(`Runtime ${opts.runtime}; heartbeats over ${opts.transport}; load generator ${over}`);

    const firstContact = await phase(plane, { ...job, mode: "warmup" }, statsCost);
    printPhase(print, "First contact: each member once (unknown → online)", firstContact, {
      steady: false,
    });
    const wanted = (name) => opts.phases.includes(name);
    let oneHz = null;
    let maxRate = null;
    let ceiling = null;
    if (wanted("1hz")) {
      oneHz = await phase(plane, { ...job, mode: "1hz" }, statsCost);
      const oneHzTitle = `1 Hz: ${opts.members} members, one heartbeat/s each, ${opts.seconds} s`;
      printPhase(print, oneHzTitle, oneHz);
    }
    if (wanted("max")) {
      maxRate = await phase(plane, { ...job, mode: "max" }, statsCost);
      const maxTitle = `Max rate: ${opts.concurrency} loops back-to-back over ${opts.members} members, ${opts.seconds} s`;
      printPhase(print, maxTitle, maxRate, { maxRate: true });
    }
    if (wanted("ceiling")) {
      ceiling = await phase(plane, { ...job, mode: "ceiling" }, statsCost);
      const { p50, p99 } = ceiling.latencyMs;
      const cpu = Object.entries(ceiling.controlPlaneCpuPercent)
        .map(([name, pct]) => `${name} ${pct.toFixed(0)}%`)
        .join(", ");
      print(`\nRuntime ceiling: GET /healthz (no D1, no coordinator), ${opts.concurrency} loops`);
      print(
        `  sustained       ${ceiling.perSecond.toFixed(1)} requests/s, p50 ${p50.toFixed(1)} ms, p99 ${p99.toFixed(1)} ms, ${ceiling.errors} errors`,
      );
      print(
        `  CPU, % of core  ${cpu || "-"}; load generator ${ceiling.loadGeneratorCpuPercent.toFixed(0)}%`,
      );
      printScheduling(print, ceiling);
    }

    if (opts.json) {
      const { members, poolSize, seconds, concurrency, runtime, client, connections, pipelining } =
        opts;
      const loadGenerator = client === "undici" ? { client, connections, pipelining } : { client };
      const transport = opts.transport;
      const config = {
        members,
        poolSize,
        pools,
        seconds,
        concurrency,
        runtime,
        transport,
        loadGenerator,
      };
      console.log(
        JSON.stringify({ config, targets: TARGETS, firstContact, oneHz, maxRate, ceiling }),
      );
    }
  } finally {
    await plane.stop();
  }
}

main().catch((error) => {
  if (wasInterrupted()) return; // the signal handler stops the control plane and exits
  const reason = error instanceof SetupError ? `setup failed: ${error.message}` : error.message;
  console.error(`bench:heartbeat: ${reason.split("\n")[0]}`);
  process.exit(1);
});
