/**
 * The config jobs HAProxy and nginx share: apply a new main config, reload the current one.
 * Both go through validation first, so a broken config never reaches the running daemon.
 */
import { readFile, rm, writeFile } from "node:fs/promises";
import { reason } from "../log";
import { adoptModeAndOwner, applyConfigChange, siblingPath } from "./config-swap";
import { redactQuoted } from "./daemon-output";
import { startService } from "./install";
import { checkBindable, verifyServing, watchRefusals } from "./listeners";
import { reloadAndVerify, waitActive } from "./reload";
import type { ServiceTarget } from "./target";
import { type JobContext, JobFailed } from "./types";
import { validateConfig } from "./validate";

/**
 * Replaces the main config file with `text`: written beside it with its mode and owner,
 * validated, swapped, reloaded (when `reload`), verified, rolled back on failure.
 */
export async function replaceMainConfig(
  ctx: JobContext,
  target: ServiceTarget,
  text: string,
  reload = true,
): Promise<void> {
  const staged = siblingPath(target.configFile, "new");
  try {
    await writeFile(staged, text, { mode: 0o644, flag: "wx" });
    await adoptModeAndOwner(staged, target.configFile);
  } catch (error) {
    await rm(staged, { force: true });
    throw new JobFailed(`cannot write beside ${target.configFile}: ${reason(error)}`);
  }
  await applyConfigChange(ctx, {
    target,
    replacements: [{ target: target.configFile, staged }],
    candidate: staged,
    reload,
  });
  ctx.out.line(`${target.configFile} replaced (${Buffer.byteLength(text)} bytes)`);
}

/**
 * `*.reload`: validate the live config and check its listeners can be bound, then reload and
 * verify that it serves. Nothing to roll back to; the output says what clients saw.
 */
export async function reloadService(ctx: JobContext, target: ServiceTarget): Promise<void> {
  await validateConfig(ctx, target, target.configFile);
  ctx.out.line(`${target.configFile} is valid`);
  const listeners = await checkBindable(ctx, target, target.configFile);
  const watch = await watchRefusals(listeners);
  try {
    await reloadAndVerify(ctx, target);
    await verifyServing(ctx, target, listeners);
  } catch (error) {
    const seen = await watch.stop();
    for (const line of seen) ctx.out.line(line);
    throw new JobFailed(`${reason(error)}; ${seen.join("; ")}`);
  }
  for (const line of await watch.stop()) ctx.out.line(line);
}

/**
 * `*.start`: starts the service with the config on disk if it is not running, and waits until
 * it is active. Nothing new reaches the daemon, so there is nothing to roll back.
 */
export function startServiceJob(ctx: JobContext, target: ServiceTarget): Promise<void> {
  return startService(ctx, target);
}

/**
 * `*.restart`: validates the live config first (stopping a working daemon for a config that
 * cannot start is worse than not restarting), then stops and starts it and waits until active.
 */
export async function restartService(ctx: JobContext, target: ServiceTarget): Promise<void> {
  await validateConfig(ctx, target, target.configFile);
  ctx.out.line(`${target.configFile} is valid`);
  try {
    await ctx.services.restart(target.service);
  } catch (error) {
    const known = [await readFile(target.configFile, "utf8").catch(() => "")];
    throw new JobFailed(`${target.service} restart failed: ${redactQuoted(reason(error), known)}`);
  }
  await waitActive(ctx, target);
  ctx.out.line(`${target.service} restarted and active`);
}

/** The main config's text; JobFailed when it cannot be read. */
export async function readMainConfig(target: ServiceTarget): Promise<string> {
  try {
    return await readFile(target.configFile, "utf8");
  } catch (error) {
    throw new JobFailed(`cannot read ${target.configFile}: ${reason(error)}`);
  }
}
