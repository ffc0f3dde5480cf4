// Children of the lab run inside its namespaces (`ip netns exec`), each in its own process group,
// output to a log file. Every one is tracked until it has exited, and stopped by its group.
import { spawn } from "node:child_process";
import { openSync } from "node:fs";
import { signalGroup, stopGroup as stopProcessGroup } from "../test/harness/process-group.mjs";

/** Process groups started and not known to be gone. */
const groups = new Set();

/**
 * Starts `command` in namespace `ns`. `log`: a file for stdout and stderr, or "pipe" (the caller
 * reads child.stdout). Returns the child with `stop()` (SIGTERM, SIGKILL after 3 s, by group).
 */
export function spawnIn(ns, command, args, { env = {}, log, cwd } = {}) {
  const out = log === "pipe" ? "pipe" : openSync(log, "a");
  const child = spawn("ip", ["netns", "exec", ns, command, ...args], {
    env: { PATH: "/usr/sbin:/usr/bin:/sbin:/bin", ...env },
    cwd,
    detached: true,
    stdio: ["ignore", out, log === "pipe" ? "inherit" : out],
  });
  child.on("error", () => {});
  const pid = child.pid;
  if (pid !== undefined) groups.add(pid);
  child.exited = new Promise((resolve) => child.on("exit", (code, sig) => resolve(code ?? sig)));
  child.exited.then(() => signalGroup(pid, 0) || groups.delete(pid));
  child.stop = () => stopGroup(pid);
  return child;
}

/** Stops one process group: SIGTERM, then SIGKILL what is left after 3 s. */
export async function stopGroup(pid, graceMs = 3000) {
  await stopProcessGroup(pid, graceMs);
  groups.delete(pid);
}

/** Stops every group still tracked. */
export async function stopAll() {
  await Promise.all([...groups].map((pid) => stopGroup(pid)));
}

/** Last resort for exit handlers: SIGKILL every tracked group now. */
export function killAllNow() {
  for (const pid of groups) signalGroup(pid, "SIGKILL");
}
