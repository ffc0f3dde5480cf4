// Children started detached (each the leader of its own process group) are signalled and stopped
// by group, so whatever they spawned goes with them. Used by the test harness, the benchmarks and
// the proving ground; never by process name.
import { setTimeout as sleep } from "node:timers/promises";

/** Signals the group led by `pid`; false when it is gone (signal 0 only asks). */
export function signalGroup(pid, signal) {
  try {
    process.kill(-pid, signal);
    return true;
  } catch {
    return false;
  }
}

/** SIGTERM, SIGKILL what is left after `graceMs`, then waits (2 s at most) for it to be gone. */
export async function stopGroup(pid, graceMs = 3000) {
  if (pid === undefined) return;
  signalGroup(pid, "SIGTERM");
  for (let waited = 0; signalGroup(pid, 0) && waited < graceMs; waited += 50) await sleep(50);
  signalGroup(pid, "SIGKILL");
  for (let waited = 0; signalGroup(pid, 0) && waited < 2000; waited += 50) await sleep(50);
}
