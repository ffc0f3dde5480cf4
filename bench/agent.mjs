#!/usr/bin/env node
// `npm run bench:agent [-- --seconds 60 --warmup 5 --node /usr/bin/node --bundle <prebuilt .mjs>
//   --node-flags "<flags>" --baseline --heap --no-haproxy --runtime wrangler|workerd --json]`
// --node-flags is repeatable, written --node-flags="--a --b": one run per value (default: the
// flags install.sh runs the agent with; --node-flags="" for none); NAME=value words set
// environment variables, e.g. --node-flags="MALLOC_ARENA_MAX=2 --max-semi-space-size=1".
// The agent's own footprint: builds the bundle (scripts/build-agent.mjs), starts a local control
// plane (test/harness/control-plane.mjs), enrolls a member allowed from 127.0.0.1, starts a real
// HAProxy (when installed) for the agent's HAProxy probe, then runs the bundled agent under the
// system Node at 1 Hz and samples the agent process alone every second from /proc: RSS average
// and maximum, VmHWM, CPU as % of one core over the window after --warmup, and heartbeats the
// control plane accepted. --baseline also samples an idle `node -e setInterval(…)` under the same
// flags: what Node costs before the agent does anything. A measurement: exits 0 when targets
// are missed, 1 when setup fails.
import { execFile, execFileSync, spawn } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, relative, resolve } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { fileURLToPath, pathToFileURL } from "node:url";
import { parseArgs, promisify } from "node:util";
import { signalGroup, stopGroup } from "../test/harness/process-group.mjs";
import { sampleProcess, summarise } from "./lib/agent-sampler.mjs";
import { adminApi, SetupError, startControlPlane, wasInterrupted } from "./lib/control-plane.mjs";
import { findHaproxy, startHaproxy } from "./lib/haproxy.mjs";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const TARGETS = { rssMaxMB: 60, cpuPercent: 1 };
const MB = 1024 * 1024;
const HEAP_PREFIX = "baton-bench-heap ";
/** Process groups (agent, HAProxy) still running: SIGKILLed if the benchmark exits first. */
const liveGroups = new Set();
process.on("exit", () => {
  for (const pid of liveGroups) signalGroup(pid, "SIGKILL");
});
/** Where scripts/build-agent.mjs has written the bundle, newest layout first. */
const BUNDLE_CANDIDATES = ["dist/public/agent/baton-agent.mjs", "dist/agent/baton-agent.mjs"];

/** The flags install.sh's wrapper runs the agent with (AGENT_NODE_FLAGS): the default variant. */
function installedNodeFlags() {
  const script = readFileSync(join(root, "install.sh"), "utf8");
  return /^AGENT_NODE_FLAGS="([^"]*)"$/m.exec(script)?.[1] ?? "";
}

function options() {
  let values;
  try {
    ({ values } = parseArgs({
      options: {
        seconds: { type: "string", default: "60" },
        warmup: { type: "string", default: "5" },
        node: { type: "string", default: "/usr/bin/node" },
        bundle: { type: "string" },
        "node-flags": { type: "string", multiple: true, default: [installedNodeFlags()] },
        baseline: { type: "boolean", default: false },
        heap: { type: "boolean", default: false },
        "no-haproxy": { type: "boolean", default: false },
        runtime: { type: "string", default: "wrangler" },
        json: { type: "boolean", default: false },
      },
    }));
  } catch (error) {
    throw new SetupError(error.message);
  }
  const number = (name, min) => {
    const value = Number(values[name]);
    if (!Number.isInteger(value) || value < min)
      throw new SetupError(`--${name} must be a whole number ≥ ${min}, not "${values[name]}"`);
    return value;
  };
  if (!["wrangler", "workerd"].includes(values.runtime))
    throw new SetupError(`--runtime must be wrangler or workerd, not "${values.runtime}"`);
  return {
    seconds: number("seconds", 5),
    warmup: number("warmup", 0),
    node: values.node,
    bundle: values.bundle,
    variants: values["node-flags"].map((spec) => {
      const words = spec.split(/\s+/).filter(Boolean);
      const isEnv = (word) => /^[A-Z_][A-Z0-9_]*=/.test(word);
      const env = Object.fromEntries(
        words
          .filter(isEnv)
          .map((word) => [word.slice(0, word.indexOf("=")), word.slice(word.indexOf("=") + 1)]),
      );
      return { label: words.join(" ") || "(no flags)", flags: words.filter((w) => !isEnv(w)), env };
    }),
    baseline: values.baseline,
    heap: values.heap,
    haproxy: !values["no-haproxy"],
    runtime: values.runtime,
    json: values.json,
  };
}

/** Builds the bundle with the repository's build script; returns its path. */
async function buildBundle() {
  const builtAt = Date.now() - 1000;
  const { stdout } = await promisify(execFile)(
    process.execPath,
    [join(root, "scripts", "build-agent.mjs")],
    { cwd: root, timeout: 120_000 },
  ).catch((error) => {
    throw new SetupError(`building the agent failed: ${String(error.stderr || error.message)}`);
  });
  // The script names its output first on its last line; else the newest known location.
  const named = stdout.trim().split("\n").at(-1)?.split(" ")[0] ?? "";
  const candidates = [named, ...BUNDLE_CANDIDATES]
    .filter((path) => path.endsWith(".mjs"))
    .map((path) => join(root, path))
    .filter((path) => existsSync(path) && statSync(path).mtimeMs >= builtAt);
  if (candidates.length === 0)
    throw new SetupError(`the build wrote no bundle where expected (${BUNDLE_CANDIDATES})`);
  return candidates[0];
}

function nodeVersion(node) {
  try {
    return execFileSync(node, ["--version"], { encoding: "utf8", timeout: 10_000 }).trim();
  } catch {
    throw new SetupError(`${node} does not run: pass the system Node with --node`);
  }
}

/**
 * Runs `args` under `node` for warmup + seconds, sampling it every second; resolves with the
 * figures over the window after warmup, the agent's log lines and its heap reports.
 */
async function measure(node, args, env, { seconds, warmup }) {
  const child = spawn(node, args, { env, stdio: ["ignore", "pipe", "pipe"], detached: true });
  child.on("error", () => {});
  liveGroups.add(child.pid);
  const lines = [];
  const heap = [];
  const stderr = [];
  let pending = "";
  child.stdout.setEncoding("utf8").on("data", (chunk) => {
    pending += chunk;
    const parts = pending.split("\n");
    pending = parts.pop() ?? "";
    for (const part of parts) {
      try {
        lines.push(JSON.parse(part));
      } catch {
        lines.push({ msg: part });
      }
    }
  });
  child.stderr.setEncoding("utf8").on("data", (chunk) => {
    for (const line of chunk.split("\n").filter(Boolean)) {
      if (line.startsWith(HEAP_PREFIX)) heap.push(JSON.parse(line.slice(HEAP_PREFIX.length)));
      else stderr.push(line);
    }
  });
  const samples = [];
  const startedAt = performance.now();
  try {
    for (let k = 1; k <= warmup + seconds; k++) {
      await sleep(startedAt + k * 1000 - performance.now());
      const sample = sampleProcess(child.pid);
      if (!sample) throw new SetupError(`the process exited early: ${stderr.join(" ") || "?"}`);
      if (k >= warmup) samples.push(sample);
    }
  } finally {
    await stopGroup(child.pid, 5000);
    liveGroups.delete(child.pid);
  }
  return { figures: summarise(samples), lines, heap, stderr };
}

async function heartbeatCount(plane) {
  const { coordinators } = await adminApi(plane, "GET", "/api/v1/system/stats");
  return coordinators.heartbeats;
}

const mb = (bytes) => (bytes / MB).toFixed(1);
const mark = (met) => (met ? "met" : "MISSED");

function printRun(print, title, r) {
  const f = r.figures;
  print(`\n${title}`);
  print(
    `  RSS             avg ${mb(f.rssAvg)} MB, max ${mb(f.rssMax)} MB (peak VmHWM ${mb(f.hwm)} MB)   target max ≤ ${TARGETS.rssMaxMB} MB: ${mark(f.rssMax <= TARGETS.rssMaxMB * MB)}`,
  );
  print(
    `  of which        anonymous ${mb(f.rssAnonAvg)} MB, file-backed ${mb(f.rssFileAvg)} MB (avg)`,
  );
  print(
    `  CPU             ${f.cpuPercent.toFixed(2)} % of one core over ${f.windowS.toFixed(0)} s   target ≤ ${TARGETS.cpuPercent} %: ${mark(f.cpuPercent <= TARGETS.cpuPercent)}`,
  );
  if (r.accepted !== undefined) {
    const problems = r.lines.filter((line) => line.level === "warn" || line.level === "error");
    print(
      `  heartbeats      ${r.accepted} accepted by the control plane in ${r.elapsedS.toFixed(0)} s; ${problems.length} warnings/errors logged${problems.length ? ` (first: ${problems[0].msg})` : ""}`,
    );
    // The agent logs each switch of transport (decision 0023); the last one is what it uses.
    const switches = r.lines.filter((line) => typeof line.transport === "string");
    print(`  transport       ${switches.at(-1)?.transport ?? "http (no WebSocket tried)"}`);
  }
  const last = r.heap.at(-1);
  if (last) {
    const spaces = Object.entries(last.spaces)
      .filter(([, bytes]) => bytes >= 0.1 * MB)
      .map(([name, bytes]) => `${name.replace(/_space$/, "")} ${mb(bytes)}`)
      .join(", ");
    print(
      `  V8 (last)       heap ${mb(last.heapTotal)} MB (used ${mb(last.heapUsed)}), external ${mb(last.external)} MB, array buffers ${mb(last.arrayBuffers)} MB`,
    );
    print(`  heap spaces     ${spaces} (MB)`);
  }
}

async function main() {
  const opts = options();
  const print = opts.json ? (line) => console.error(line) : (line) => console.log(line);
  const version = nodeVersion(opts.node);
  if (opts.bundle && !existsSync(opts.bundle)) throw new SetupError(`no bundle at ${opts.bundle}`);
  if (!opts.bundle) print("Building the agent bundle ...");
  const bundle = opts.bundle ? resolve(opts.bundle) : await buildBundle();
  const bundleBytes = statSync(bundle).size;
  print(`${relative(root, bundle)}: ${(bundleBytes / 1024).toFixed(0)} KiB`);
  print(`Starting a local control plane (runtime ${opts.runtime}) ...`);
  const plane = await startControlPlane(root, { runtime: opts.runtime });
  const dir = mkdtempSync(join(tmpdir(), "baton-bench-agent-"));
  let haproxy = null;
  try {
    const haproxyBinary = opts.haproxy ? findHaproxy() : null;
    if (haproxyBinary) {
      haproxy = await startHaproxy();
      liveGroups.add(haproxy.pid);
    }
    print(
      haproxy
        ? `HAProxy on ${haproxy.adminSocket}: the agent's HAProxy probe reads it every beat`
        : "No HAProxy (not installed, or --no-haproxy): the agent's HAProxy probe is off",
    );
    const { pool } = await adminApi(plane, "POST", "/api/v1/pools", {
      name: "bench-agent",
      failoverHostname: "lb-agent.bench.example",
    });
    const hostname = "bench-agent-1";
    const { secret } = await adminApi(plane, "POST", `/api/v1/pools/${pool.id}/members`, {
      name: hostname,
      hostname,
      allowedIps: ["127.0.0.1"],
    });
    writeFileSync(join(dir, "agent.env"), "# bench:agent passes its settings in the environment\n");
    const env = {
      PATH: "/usr/bin:/bin",
      BATON_ENV_FILE: join(dir, "agent.env"),
      BATON_URL: plane.url,
      BATON_TOKEN: secret,
      BATON_HOSTNAME: hostname,
      BATON_SERVICE_MANAGER: "direct",
      BATON_STATE_DIR: dir,
      ...(haproxy ? { BATON_HAPROXY_SOCKET: haproxy.adminSocket } : {}),
    };
    const probe = opts.heap
      ? ["--import", pathToFileURL(join(root, "bench", "lib", "agent-heap-probe.mjs")).href]
      : [];
    print(
      `Agent: ${opts.node} (${version}), ${opts.warmup} s warm-up, then ${opts.seconds} s sampled once a second`,
    );

    const runs = [];
    for (const { label, flags, env: extraEnv } of opts.variants) {
      const runEnv = { ...env, ...extraEnv };
      if (opts.baseline) {
        const idle = ["-e", "setInterval(() => {}, 1000)"];
        const base = await measure(opts.node, [...flags, ...probe, ...idle], runEnv, opts);
        printRun(print, `Baseline: idle node, ${label}`, base);
        runs.push({ kind: "baseline", label, figures: base.figures, heap: base.heap.at(-1) });
      }
      const before = await heartbeatCount(plane);
      const startedAt = performance.now();
      const agent = await measure(opts.node, [...flags, ...probe, bundle, "run"], runEnv, opts);
      const elapsedS = (performance.now() - startedAt) / 1000;
      const accepted = (await heartbeatCount(plane)) - before;
      const result = { ...agent, accepted, elapsedS };
      printRun(print, `Agent: ${label}`, result);
      runs.push({
        kind: "agent",
        label,
        figures: agent.figures,
        accepted,
        heap: agent.heap.at(-1),
      });
    }
    if (opts.json) {
      const config = { seconds: opts.seconds, warmup: opts.warmup, node: version, bundleBytes };
      console.log(JSON.stringify({ config, targets: TARGETS, haproxy: !!haproxy, runs }));
    }
  } finally {
    await haproxy?.stop();
    await plane.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((error) => {
  if (wasInterrupted()) return;
  const reason = error instanceof SetupError ? `setup failed: ${error.message}` : error.message;
  console.error(`bench:agent: ${reason.split("\n")[0]}`);
  process.exit(1);
});
