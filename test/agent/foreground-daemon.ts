/**
 * A daemon run in the foreground as a child of the test (HAProxy, nginx): started, waited for
 * until `ready()` answers (bounded: 10 s), stopped with its own graceful signal and SIGKILL
 * after 5 s. Children still running when the test process exits are killed by PID.
 */
import { type ChildProcess, spawn } from "node:child_process";

const running = new Set<ChildProcess>();
process.on("exit", () => {
  for (const child of running) child.kill("SIGKILL");
});

export interface ForegroundDaemonOptions {
  /** For error messages: "haproxy", "nginx". */
  name: string;
  binary: string;
  args: string[];
  cwd?: string;
  /** The signal that stops it gracefully (SIGTERM for HAProxy, SIGQUIT for nginx). */
  stopSignal: NodeJS.Signals;
  /** Whether it serves yet; polled every 50 ms. */
  ready: () => Promise<boolean>;
  /** What "not ready" means, for the timeout error: "its admin socket did not answer". */
  notReady: string;
  /** Runs after the daemon stopped (removes its files). */
  cleanup: () => Promise<void>;
}

/** Starts the daemon and resolves with its `stop` once it is ready; throws with its stderr. */
export async function startForegroundDaemon(
  options: ForegroundDaemonOptions,
): Promise<() => Promise<void>> {
  const child = spawn(options.binary, options.args, {
    cwd: options.cwd,
    stdio: ["ignore", "ignore", "pipe"],
  });
  running.add(child);
  let stderr = "";
  child.stderr?.on("data", (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill(options.stopSignal);
      const timeout = new Promise<"timeout">((r) => setTimeout(() => r("timeout"), 5_000));
      if ((await Promise.race([exited, timeout])) === "timeout") child.kill("SIGKILL");
    }
    running.delete(child);
    await options.cleanup();
  };

  const deadline = Date.now() + 10_000;
  for (;;) {
    if (child.exitCode !== null) {
      await stop();
      throw new Error(`${options.name} exited with ${child.exitCode}: ${stderr}`);
    }
    if (await options.ready()) return stop;
    if (Date.now() > deadline) {
      await stop();
      throw new Error(`${options.name}: ${options.notReady} within 10 s: ${stderr}`);
    }
    await new Promise((r) => setTimeout(r, 50));
  }
}
