#!/usr/bin/env node
// `npm run proving-ground [-- --runs N --faults a,b --json --smoke --transport ws|http]`: Baton's
// proving ground (--transport: how the agents heartbeat; default their own, the WebSocket).
// This outer part checks it may run (root, tools), builds the agent bundle, creates the lab's
// network namespaces and bridge, runs the fault matrix (lab/run.mjs) inside the lab's "net"
// namespace, and removes everything it made when that ends, fails, or on Ctrl-C/SIGTERM.
import { execFileSync, spawn } from "node:child_process";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { createTopology, destroyTopology, namespaceOf, newPrefix } from "./topology.mjs";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const TOOLS = ["ip", "haproxy", "nginx", "pdns_server", "sqlite3", "socat", "dig"];
const INNER_GRACE_MS = 30_000;

function fail(reason) {
  console.error(`proving-ground: ${reason}`);
  process.exit(1);
}

const onPath = (tool) =>
  ["/usr/sbin", "/usr/bin", "/sbin", "/bin", ...(process.env.PATH ?? "").split(":")].some((dir) =>
    existsSync(join(dir, tool)),
  );

if (process.getuid?.() !== 0)
  fail(
    "needs root: it creates network namespaces (ip netns) and runs HAProxy, nginx and PowerDNS in them",
  );
const missing = TOOLS.filter((tool) => !onPath(tool));
if (missing.length)
  fail(
    `missing ${missing.join(", ")}: apt-get install -y iproute2 haproxy nginx pdns-server pdns-backend-sqlite3 sqlite3 socat dnsutils`,
  );
if (!existsSync("/usr/bin/node"))
  fail("the agent runs under the system Node (/usr/bin/node), which is missing");

try {
  execFileSync(process.execPath, [join(root, "scripts", "build-agent.mjs")], {
    stdio: ["ignore", "ignore", "inherit"],
  });
} catch {
  fail("building the agent bundle (npm run build) failed");
}

const prefix = newPrefix();
const labDir = mkdtempSync(join(tmpdir(), `baton-lab-${prefix}-`));
let cleaned = false;
function cleanup() {
  if (cleaned) return;
  cleaned = true;
  destroyTopology(prefix);
  // --keep-logs leaves the hosts' agent, HAProxy and PowerDNS logs behind for a post-mortem.
  if (process.argv.includes("--keep-logs")) console.error(`proving-ground: logs kept in ${labDir}`);
  else rmSync(labDir, { recursive: true, force: true });
}
process.on("exit", cleanup);

try {
  createTopology(prefix);
} catch (error) {
  cleanup();
  fail(error.message);
}

// The orchestrator runs on the bridge's own namespace, so it reaches every role directly.
const inner = spawn(
  "ip",
  [
    "netns",
    "exec",
    namespaceOf(prefix, "net"),
    process.execPath,
    join(root, "lab", "run.mjs"),
    "--prefix",
    prefix,
    "--lab-dir",
    labDir,
    ...process.argv.slice(2),
  ],
  {
    stdio: "inherit",
    env: { ...process.env, PATH: `${join(root, "node_modules", ".bin")}:${process.env.PATH}` },
  },
);
/** The exit status for the signal that stopped the run (130 for SIGINT, 143 for SIGTERM), or null. */
let interrupted = null;
const onSignal = (signal) => {
  interrupted = signal === "SIGINT" ? 130 : 143;
  try {
    inner.kill(signal);
  } catch {}
  // The orchestrator stops its children itself; whatever is left after the grace goes with the namespaces.
  setTimeout(() => {
    cleanup();
    process.exit(interrupted);
  }, INNER_GRACE_MS).unref();
};
process.on("SIGINT", onSignal);
process.on("SIGTERM", onSignal);
inner.on("exit", (code, signal) => {
  cleanup();
  process.exit(interrupted ?? code ?? (signal ? 1 : 0));
});
