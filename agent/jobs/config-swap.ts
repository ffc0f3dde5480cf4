/**
 * The one way config jobs change a service's files: stage → the agent's config policy → validate
 * (the daemon's own check) → swap (rename) → reload → verify, and on any failure put every
 * previous file back and reload again. A broken config is never left in place, and no staged
 * or saved copy is left behind on any path.
 *
 * Staged files and saved originals are siblings of their targets (`.name.baton-<tag>-<hex>`) so
 * every swap is a rename within one filesystem: atomic for files, and for a restored config
 * directory two renames with nothing reading the config in between (the reload comes after).
 */
import { randomBytes } from "node:crypto";
import { chmod, chown, lstat, mkdir, rename, rm } from "node:fs/promises";
import { basename, dirname, join } from "node:path";
import { reason } from "../log";
import type { Listener } from "../parsers/listeners";
import { enforceConfigPolicy } from "../policy";
import {
  checkBindable,
  declaredListeners,
  type RefusalWatch,
  servingProblems,
  verifyServing,
  watchRefusals,
} from "./listeners";
import { reloadAndVerify } from "./reload";
import type { ServiceTarget } from "./target";
import { type JobContext, JobFailed } from "./types";
import { validateConfig } from "./validate";

/** A path next to `path` for a staged or saved copy of it. */
export function siblingPath(path: string, tag: "new" | "old" | "restore"): string {
  return join(dirname(path), `.${basename(path)}.baton-${tag}-${randomBytes(4).toString("hex")}`);
}

/**
 * Gives `staged` the mode and owner of `target` when it exists (a config apply keeps both). A
 * link's own mode (0777) and owner say nothing about what replaces it, so a link is ignored.
 */
export async function adoptModeAndOwner(staged: string, target: string): Promise<void> {
  const old = await lstat(target).catch(() => null);
  if (!old || old.isSymbolicLink()) return;
  await chmod(staged, old.mode & 0o7777);
  const now = await lstat(staged);
  if (now.uid !== old.uid || now.gid !== old.gid) await chown(staged, old.uid, old.gid);
}

/** One file or directory to replace with a staged copy in the same directory. */
export interface Replacement {
  target: string;
  staged: string;
}

interface Swapped {
  target: string;
  /** Where the previous file or directory was moved; null when there was none. */
  saved: string | null;
  /** The first directory created to hold `target`, removed again on rollback. */
  createdDir: string | undefined;
}

/** Renames every staged path into place, saving what was there. Undoes itself on error. */
async function swapIn(replacements: readonly Replacement[]): Promise<Swapped[]> {
  const done: Swapped[] = [];
  try {
    for (const { target, staged } of replacements) {
      const createdDir = await mkdir(dirname(target), { recursive: true });
      const exists = (await lstat(target).catch(() => null)) !== null;
      const saved = exists ? siblingPath(target, "old") : null;
      if (saved) await rename(target, saved);
      done.push({ target, saved, createdDir });
      await rename(staged, target);
    }
  } catch (error) {
    await swapBack(done);
    throw error;
  }
  return done;
}

/** Puts every saved path back (newest first); returns what could not be restored. */
async function swapBack(swapped: readonly Swapped[]): Promise<string[]> {
  const problems: string[] = [];
  for (const { target, saved, createdDir } of [...swapped].reverse()) {
    try {
      if (saved) {
        await rm(target, { recursive: true, force: true });
        await rename(saved, target);
      } else {
        await rm(createdDir ?? target, { recursive: true, force: true });
      }
    } catch (error) {
      problems.push(`${target}: ${reason(error)}`);
    }
  }
  return problems;
}

export interface ConfigChange {
  target: ServiceTarget;
  replacements: Replacement[];
  /**
   * A staged main config to validate before anything is swapped (config apply). Without it the
   * live config is validated right after the swap and before the reload (restore, where the
   * config's own paths only make sense once the files are in place).
   */
  candidate?: string;
  /** Reload after the swap (default). False only while the service is not running yet. */
  reload?: boolean;
  /** A further check once the listeners accept, before the local probe (backend health); failing rolls back. */
  verify?: () => Promise<void>;
  /** Filled in as it happens, so the caller can say how long the new files were in place. */
  timing?: { swappedAt?: number; restoredAt?: number };
}

/**
 * Applies a staged change transactionally; throws JobFailed saying what failed, whether the
 * previous files are back, and what clients of the previous listeners saw (measured). Staged
 * paths are removed whatever happens.
 */
export async function applyConfigChange(ctx: JobContext, change: ConfigChange): Promise<void> {
  const { target, replacements, candidate, reload = true, verify, timing } = change;
  try {
    let incoming: Listener[] | undefined;
    if (candidate) {
      await enforceConfigPolicy(ctx, target, candidate, target.configFile);
      await validateConfig(ctx, target, candidate, target.configFile);
      ctx.out.line(`${target.service}: new configuration is valid`);
      if (reload) incoming = await checkBindable(ctx, target, candidate);
    }
    const previous = reload ? await declaredListeners(ctx, target, target.configFile) : [];
    if (ctx.signal.aborted) throw new JobFailed("timed out before the swap");
    const swapped = await swapIn(replacements);
    if (timing) timing.swappedAt = Date.now();
    ctx.out.line(`swapped in ${replacements.map((r) => r.target).join(", ")}`);
    let watch: RefusalWatch | undefined;
    try {
      if (!candidate) {
        await enforceConfigPolicy(ctx, target, target.configFile);
        await validateConfig(ctx, target, target.configFile);
        ctx.out.line(`${target.service}: restored configuration is valid`);
      }
      if (ctx.signal.aborted) throw new JobFailed("timed out before the reload");
      if (reload) {
        incoming ??= await checkBindable(ctx, target, target.configFile);
        watch = await watchRefusals(previous);
        await reloadAndVerify(ctx, target);
        if (verify) {
          // Listeners accept → backends reach their health state → the local probe (issue #16):
          // a backend left with no server UP fails here by name, instead of the probe waiting
          // out its 503s with the bad file in place.
          await verifyServing(ctx, target, incoming, { withProbe: false });
          await verify();
        }
        await verifyServing(ctx, target, incoming);
        for (const line of await watch.stop()) ctx.out.line(line);
      }
    } catch (error) {
      const failed = await rollBack(ctx, { target, swapped, previous, watch }, error);
      if (timing) timing.restoredAt = Date.now();
      throw failed;
    }
    await Promise.all(swapped.map((s) => s.saved && rm(s.saved, { recursive: true, force: true })));
  } finally {
    await Promise.all(replacements.map((r) => rm(r.staged, { recursive: true, force: true })));
  }
}

interface Undo {
  target: ServiceTarget;
  swapped: Swapped[];
  /** The previous config's listeners, checked again once it is back. */
  previous: Listener[];
  /** Set once the reload started: the new files may have reached the daemon. */
  watch: RefusalWatch | undefined;
}

/**
 * Restores the previous files, reloads them if the new ones were loaded, checks they serve
 * again, and explains, ending with what clients saw.
 */
async function rollBack(ctx: JobContext, undo: Undo, cause: unknown): Promise<JobFailed> {
  const { target, swapped, previous, watch } = undo;
  const why = reason(cause);
  ctx.out.line(`${why}; restoring the previous configuration`);
  const problems = await swapBack(swapped);
  const seen = async () => {
    const lines = (await watch?.stop()) ?? [];
    for (const line of lines) ctx.out.line(line);
    return lines.length > 0 ? `; ${lines.join("; ")}` : "";
  };
  if (problems.length > 0) {
    for (const problem of problems) ctx.out.line(`  could not restore ${problem}`);
    return new JobFailed(
      `${why}; restoring the previous files FAILED (${problems[0]})${await seen()}`,
    );
  }
  if (!watch) return new JobFailed(`${why}; previous configuration restored`);
  try {
    // No signal: the rollback reload must finish even when the job has timed out.
    await reloadAndVerify({ out: ctx.out, services: ctx.services }, target);
  } catch (error) {
    return new JobFailed(
      `${why}; previous files restored but reloading them failed: ${reason(error)}${await seen()}`,
    );
  }
  const still = await servingProblems(previous, ctx.config.probeUrl);
  for (const problem of still) ctx.out.line(`  after the rollback: ${problem}`);
  const after = still.length > 0 ? `, but ${still[0]}` : "";
  return new JobFailed(
    `${why}; previous configuration restored and reloaded${after}${await seen()}`,
  );
}
