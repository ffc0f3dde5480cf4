/**
 * Reload a service and make sure the reload took: the service manager must report it active
 * and, where it can be observed, the daemon must be running a new generation of workers. Both
 * HAProxy and nginx answer a reload whose new config cannot start (a port in use) by keeping
 * the old workers, so "still active" on its own would pass a reload that did nothing.
 */
import { readFile } from "node:fs/promises";
import { reason } from "../log";
import { ServiceError } from "../services/manager";
import { daemonLines, redactQuoted } from "./daemon-output";
import type { ServiceTarget } from "./target";
import { type JobContext, JobFailed } from "./types";

/** How long a reload may take to show up as active with new workers. */
export const RELOAD_SETTLE_MS = 10_000;
const POLL_MS = 100;

type ReloadContext = Pick<JobContext, "out" | "services"> & { signal?: AbortSignal };

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Waits (bounded) until the service manager reports `active`; throws JobFailed otherwise. */
export async function waitActive(ctx: ReloadContext, target: ServiceTarget): Promise<void> {
  const deadline = Date.now() + RELOAD_SETTLE_MS;
  for (;;) {
    const status = await ctx.services.status(target.service);
    if (status.activeState === "active") return;
    const settling = status.activeState === "reloading" || status.activeState === "activating";
    if (!settling || Date.now() > deadline || ctx.signal?.aborted) {
      throw new JobFailed(`${target.service} is ${status.activeState} after the reload`);
    }
    await sleep(POLL_MS);
  }
}

/**
 * Reloads `target` and verifies it. Pass no `signal` when reloading during a rollback: putting
 * the old config back must run to the end even after the job's timeout.
 */
export async function reloadAndVerify(ctx: ReloadContext, target: ServiceTarget): Promise<void> {
  const before = await target.generation();
  try {
    await ctx.services.reload(target.service);
  } catch (error) {
    // The daemon's words, filtered as validation's are: no file contents reach job output.
    const known = [await readFile(target.configFile, "utf8").catch(() => "")];
    if (error instanceof ServiceError && error.output) {
      for (const line of daemonLines(target.service, error.output, known))
        ctx.out.line(`  ${line}`);
    }
    throw new JobFailed(`${target.service} reload failed: ${redactQuoted(reason(error), known)}`);
  }
  await waitActive(ctx, target);
  if (before === null) {
    ctx.out.line(`${target.service} is active (new workers could not be observed)`);
    return;
  }
  const deadline = Date.now() + RELOAD_SETTLE_MS;
  for (;;) {
    const now = await target.generation();
    if (now && now.length > 0 && !now.some((worker) => before.includes(worker))) break;
    if (Date.now() > deadline || ctx.signal?.aborted) {
      // Workers that can no longer be seen are not "old workers still serving": say which.
      throw new JobFailed(
        now === null
          ? `${target.service} reload could not be confirmed: its workers could no longer be observed after it${target.service === "haproxy" ? " (the runtime API stopped answering: does the new config keep the agent's stats socket?)" : ""}`
          : `${target.service} reload did not take effect: old workers (${before.join(", ")}) still serve`,
      );
    }
    await sleep(POLL_MS);
  }
  await waitActive(ctx, target);
  ctx.out.line(`${target.service} reloaded and active`);
}
