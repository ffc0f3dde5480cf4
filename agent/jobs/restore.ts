/**
 * `*.restore`: fetch a backup, prove it is the one the control plane recorded and that it is
 * safe to unpack, stage it beside the live files, then swap, validate, reload and verify through
 * applyConfigChange, which puts every previous file back on any failure.
 *
 * Staging creates a fresh directory and writes only plain directories and files into it, each
 * with O_EXCL (never through an existing path), so no link is ever created or followed; external
 * files go only into the directories the VM's own agent.env allows, checked before any write.
 */
import { chown, lstat, mkdir, realpath, rm, writeFile } from "node:fs/promises";
import { basename, dirname, join } from "node:path";
import { reason } from "../log";
import { allowedDirs, isInAllowedDir } from "../policy/allowed-dirs";
import { type ArchiveEntry, unpackTarGz } from "./archive";
import { sha256Hex } from "./backup";
import {
  type BackupManifest,
  checkEntries,
  externalProblem,
  readManifest,
} from "./backup-manifest";
import { adoptModeAndOwner, applyConfigChange, type Replacement, siblingPath } from "./config-swap";
import { planConfigTree, type TreeEntry } from "./config-tree";
import type { ServiceTarget } from "./target";
import { type JobContext, JobFailed } from "./types";

/** An external file to restore: its archive entry and where it goes. */
interface External {
  entry: ArchiveEntry & { type: "file" };
  original: string;
}

interface CheckedBackup {
  manifest: BackupManifest;
  tree: TreeEntry[];
  external: External[];
}

/**
 * Whether `path` (lexically inside one of `dirs`) really lands there once links on the host are
 * resolved: the deepest existing directory above it, resolved, must lie in a resolved allowed
 * directory (an admin may make an allowed directory a link). An allowed directory that does not
 * exist yet is created fresh by the restore, so nothing below it can lead elsewhere.
 */
async function reallyAllowed(path: string, dirs: readonly string[]): Promise<boolean> {
  const home = dirs.find((dir) => isInAllowedDir(path, [dir]));
  if (!home) return false;
  const exists = async (p: string) => (await lstat(p).catch(() => null)) !== null;
  let existing = dirname(path);
  while (existing !== home && !(await exists(existing))) existing = dirname(existing);
  if (!(await exists(existing))) return true;
  const real = await realpath(existing);
  const realDirs = await Promise.all(dirs.map((dir) => realpath(dir).catch(() => dir)));
  return isInAllowedDir(real, realDirs);
}

/** Every external file of the manifest, checked against the allowed directories. */
async function checkExternal(
  ctx: JobContext,
  target: ServiceTarget,
  manifest: BackupManifest,
  entries: readonly ArchiveEntry[],
): Promise<External[]> {
  const dirs = allowedDirs(ctx.config, target.configDir);
  const external: External[] = [];
  for (const { path, original } of manifest.external) {
    const problem = externalProblem(original, target.configDir, dirs);
    if (problem) throw new Error(`its external file ${problem}`);
    if (!(await reallyAllowed(original, dirs))) {
      throw new Error(
        `it would write ${original}, whose directory leads outside ${dirs.join(", ")}`,
      );
    }
    const entry = entries.find((e) => e.path === path);
    if (entry?.type !== "file") throw new Error(`it lacks ${path} (for ${original})`);
    external.push({ entry, original });
  }
  return external;
}

/** Downloads, verifies and checks the archive; nothing on disk is touched here. */
async function fetchBackup(
  ctx: JobContext,
  target: ServiceTarget,
  backupId: string,
): Promise<CheckedBackup> {
  const download = await ctx.api.downloadBackup(backupId);
  const actual = sha256Hex(download.archive);
  if (actual !== download.sha256) {
    throw new JobFailed(
      `checksum mismatch: backup ${backupId} should be sha256 ${download.sha256}, got ${actual}; nothing was changed`,
    );
  }
  ctx.out.line(`backup ${backupId}: ${download.archive.length} bytes, sha256 ${actual} verified`);
  ctx.out.line(`backup ${backupId} was ${download.origin ?? "uploaded by an unrecorded member"}`);
  if (download.service !== target.service) {
    throw new JobFailed(
      `backup ${backupId} is a ${download.service} backup, not ${target.service}`,
    );
  }
  try {
    const entries = unpackTarGz(download.archive);
    checkEntries(entries);
    const manifest = readManifest(entries);
    if (manifest.service !== target.service) {
      throw new Error(`its manifest says ${manifest.service}, not ${target.service}`);
    }
    const tree = planConfigTree(entries);
    return { manifest, tree, external: await checkExternal(ctx, target, manifest, entries) };
  } catch (error) {
    if (error instanceof JobFailed) throw error;
    throw new JobFailed(`backup ${backupId} refused: ${reason(error)}; nothing was changed`);
  }
}

/**
 * Creates one planned entry at `path` (O_EXCL: never through something already there), adopting
 * the mode and owner of the file it replaces.
 */
async function writeEntry(entry: TreeEntry, path: string, replaces: string): Promise<void> {
  if (entry.type === "directory") await mkdir(path, { mode: entry.mode });
  else await writeFile(path, entry.data, { mode: entry.mode, flag: "wx" });
  await adoptModeAndOwner(path, replaces);
}

/**
 * The config directory's staged copy, in a directory created fresh. The archive's main config
 * lands under this member's config file name, so a backup restores onto a member whose file is
 * named differently.
 */
async function stageConfigDir(
  target: ServiceTarget,
  manifest: BackupManifest,
  tree: readonly TreeEntry[],
  staged: string,
): Promise<void> {
  await mkdir(staged, { mode: 0o755 });
  await adoptModeAndOwner(staged, target.configDir);
  const mainName = basename(target.configFile);
  const rename = (rel: string) => (rel === manifest.configFile ? mainName : rel);
  const names = tree.map((entry) => rename(entry.path));
  if (new Set(names).size !== names.length) {
    throw new JobFailed(`backup holds both ${manifest.configFile} and ${mainName}: cannot map it`);
  }
  for (const [index, entry] of tree.entries()) {
    const rel = names[index] ?? "";
    await writeEntry(entry, join(staged, rel), join(target.configDir, rel));
  }
}

/**
 * Staged copies of the external files, each beside its destination (already checked to lie in
 * an allowed directory). Only files the restored config references are written. Adds each to
 * `replacements` before writing it, and records directories created to hold them.
 */
async function stageExternal(
  target: ServiceTarget,
  external: readonly External[],
  stagedDir: string,
  replacements: Replacement[],
  createdDirs: string[],
): Promise<void> {
  const referenced = new Set(await target.referencedFiles(stagedDir));
  for (const { original } of external) {
    if (!referenced.has(original) && !referenced.has(dirname(original))) {
      throw new JobFailed(
        `backup would write ${original}, which the restored config does not reference`,
      );
    }
  }
  for (const { entry, original } of external) {
    const created = await mkdir(dirname(original), { recursive: true, mode: 0o755 });
    if (created) createdDirs.push(created);
    const staged = siblingPath(original, "new");
    replacements.push({ target: original, staged });
    await writeFile(staged, entry.data, { mode: entry.mode & 0o666 || 0o600, flag: "wx" });
    await adoptModeAndOwner(staged, original);
    if (!(await lstat(original).catch(() => null)) && process.getuid?.() === 0) {
      // A new file keeps the archive's owner (e.g. root:haproxy for a key) when we are root.
      await chown(staged, entry.uid, entry.gid).catch(() => {});
    }
  }
}

/** The `*.restore` job. */
export async function runRestore(
  ctx: JobContext,
  target: ServiceTarget,
  backupId: string,
): Promise<void> {
  const { manifest, tree, external } = await fetchBackup(ctx, target, backupId);
  // The manifest is the uploader's own claim; the origin line above is the control plane's record.
  ctx.out.line(
    `its manifest says ${manifest.hostname}:${manifest.configDir} (${manifest.external.length} external files)`,
  );
  const replacements: Replacement[] = [];
  const createdDirs: string[] = [];
  let succeeded = false;
  try {
    const stagedDir = siblingPath(target.configDir, "restore");
    replacements.push({ target: target.configDir, staged: stagedDir });
    try {
      await stageConfigDir(target, manifest, tree, stagedDir);
      await stageExternal(target, external, stagedDir, replacements, createdDirs);
    } catch (error) {
      if (error instanceof JobFailed) throw error;
      throw new JobFailed(
        `staging backup ${backupId} failed: ${reason(error)}; nothing was changed`,
      );
    }
    await applyConfigChange(ctx, { target, replacements });
    succeeded = true;
    ctx.out.line(`restored backup ${backupId} into ${target.configDir}`);
  } finally {
    // applyConfigChange removes staged paths itself; this covers a failure while staging.
    await Promise.all(replacements.map((r) => rm(r.staged, { recursive: true, force: true })));
    if (!succeeded)
      await Promise.all(createdDirs.map((d) => rm(d, { recursive: true, force: true })));
  }
}
