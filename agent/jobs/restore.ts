/**
 * `*.restore`: fetch a backup, prove it is the one the control plane recorded and that it is
 * safe to unpack, stage it beside the live files, then swap, validate, reload and verify through
 * applyConfigChange, which puts every previous file back on any failure.
 */
import { chown, lstat, mkdir, rm, symlink, writeFile } from "node:fs/promises";
import { basename, dirname, join } from "node:path";
import { reason } from "../log";
import { type ArchiveEntry, unpackTarGz } from "./archive";
import { isInside, sha256Hex } from "./backup";
import { type BackupManifest, CONFIG_PREFIX, checkEntries, readManifest } from "./backup-manifest";
import { adoptModeAndOwner, applyConfigChange, type Replacement, siblingPath } from "./config-swap";
import type { ServiceTarget } from "./target";
import { type JobContext, JobFailed } from "./types";

/** Downloads, verifies and parses the archive; nothing on disk is touched here. */
async function fetchBackup(
  ctx: JobContext,
  target: ServiceTarget,
  backupId: string,
): Promise<{ entries: ArchiveEntry[]; manifest: BackupManifest }> {
  const download = await ctx.api.downloadBackup(backupId);
  const actual = sha256Hex(download.archive);
  if (actual !== download.sha256) {
    throw new JobFailed(
      `checksum mismatch: backup ${backupId} should be sha256 ${download.sha256}, got ${actual}; nothing was changed`,
    );
  }
  ctx.out.line(`backup ${backupId}: ${download.archive.length} bytes, sha256 ${actual} verified`);
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
    return { entries, manifest };
  } catch (error) {
    if (error instanceof JobFailed) throw error;
    throw new JobFailed(`backup ${backupId} refused: ${reason(error)}; nothing was changed`);
  }
}

/** Writes one archive entry at `path`, adopting the mode and owner of the file it replaces. */
async function writeEntry(entry: ArchiveEntry, path: string, replaces: string): Promise<void> {
  if (entry.type === "directory") await mkdir(path, { mode: entry.mode || 0o755 });
  else if (entry.type === "symlink") await symlink(entry.target, path);
  else await writeFile(path, entry.data, { mode: entry.mode || 0o644, flag: "wx" });
  if (entry.type !== "symlink") await adoptModeAndOwner(path, replaces);
}

/**
 * The config directory's staged copy. The archive's main config lands under this member's
 * config file name, so a backup restores onto a member whose file is named differently.
 */
async function stageConfigDir(
  target: ServiceTarget,
  manifest: BackupManifest,
  entries: readonly ArchiveEntry[],
  staged: string,
): Promise<void> {
  await mkdir(staged, { mode: 0o755 });
  await adoptModeAndOwner(staged, target.configDir);
  const mainName = basename(target.configFile);
  const rename = (rel: string) => (rel === manifest.configFile ? mainName : rel);
  const configEntries = entries.filter((e) => e.path.startsWith(CONFIG_PREFIX));
  const names = configEntries.map((e) => rename(e.path.slice(CONFIG_PREFIX.length)));
  if (new Set(names).size !== names.length) {
    throw new JobFailed(`backup holds both ${manifest.configFile} and ${mainName}: cannot map it`);
  }
  for (const [index, entry] of configEntries.entries()) {
    const rel = names[index] ?? "";
    await writeEntry(entry, join(staged, rel), join(target.configDir, rel));
  }
}

/**
 * Staged copies of the external files, each beside its destination. Only files the restored
 * config references are written, so an archive cannot place files anywhere else on the host.
 * Adds each to `replacements` before writing it, and records directories created to hold them.
 */
async function stageExternal(
  target: ServiceTarget,
  manifest: BackupManifest,
  entries: readonly ArchiveEntry[],
  stagedDir: string,
  replacements: Replacement[],
  createdDirs: string[],
): Promise<void> {
  const referenced = new Set(await target.referencedFiles(stagedDir));
  for (const { path, original } of manifest.external) {
    const entry = entries.find((e) => e.path === path);
    if (entry?.type !== "file") throw new JobFailed(`backup lacks ${path} (for ${original})`);
    if (!referenced.has(original) && !referenced.has(dirname(original))) {
      throw new JobFailed(
        `backup would write ${original}, which the restored config does not reference`,
      );
    }
    if (isInside(target.configDir, original)) {
      throw new JobFailed(`backup would write ${original} inside ${target.configDir} twice`);
    }
    const created = await mkdir(dirname(original), { recursive: true, mode: 0o755 });
    if (created) createdDirs.push(created);
    const staged = siblingPath(original, "new");
    replacements.push({ target: original, staged });
    await writeEntry(entry, staged, original);
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
  const { entries, manifest } = await fetchBackup(ctx, target, backupId);
  ctx.out.line(
    `backup of ${manifest.hostname}:${manifest.configDir} (${manifest.external.length} external files)`,
  );
  const replacements: Replacement[] = [];
  const createdDirs: string[] = [];
  let succeeded = false;
  try {
    const stagedDir = siblingPath(target.configDir, "restore");
    replacements.push({ target: target.configDir, staged: stagedDir });
    await stageConfigDir(target, manifest, entries, stagedDir);
    await stageExternal(target, manifest, entries, stagedDir, replacements, createdDirs);
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
