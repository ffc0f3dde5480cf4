/**
 * The config jobs HAProxy and nginx share: apply a new main config, reload the current one.
 * Both go through validation first, so a broken config never reaches the running daemon.
 */
import { readFile, rm, writeFile } from "node:fs/promises";
import { reason } from "../log";
import { adoptModeAndOwner, applyConfigChange, siblingPath } from "./config-swap";
import { reloadAndVerify } from "./reload";
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

/** `*.reload`: validate the live config, then reload and verify. Nothing to roll back. */
export async function reloadService(ctx: JobContext, target: ServiceTarget): Promise<void> {
  await validateConfig(ctx, target, target.configFile);
  ctx.out.line(`${target.configFile} is valid`);
  await reloadAndVerify(ctx, target);
}

/** The main config's text; JobFailed when it cannot be read. */
export async function readMainConfig(target: ServiceTarget): Promise<string> {
  try {
    return await readFile(target.configFile, "utf8");
  } catch (error) {
    throw new JobFailed(`cannot read ${target.configFile}: ${reason(error)}`);
  }
}
