/**
 * `*.backup`: the service's config directory plus the certificate files its config references
 * (wherever they are) as a tar.gz with a manifest, checksummed and uploaded to the control plane.
 */
import { createHash } from "node:crypto";
import { lstat, readdir, readFile, readlink, stat } from "node:fs/promises";
import { basename, isAbsolute, join, relative } from "node:path";
import { BACKUP_MAX_BYTES } from "../../shared/agent-protocol";
import { type ArchiveEntry, packTarGz } from "./archive";
import {
  type BackupManifest,
  CONFIG_PREFIX,
  EXTERNAL_PREFIX,
  MANIFEST_PATH,
} from "./backup-manifest";
import type { ServiceTarget } from "./target";
import { type JobContext, JobFailed } from "./types";

/** Staged and saved copies a crashed job may have left; never worth backing up. */
const BATON_TEMP = /^\..+\.baton-(new|old|restore)-[0-9a-f]{8}$/;

export function isInside(root: string, path: string): boolean {
  const rel = relative(root, path);
  return rel === "" || (!rel.startsWith("..") && !isAbsolute(rel));
}

function meta(path: string, info: { mode: number; uid: number; gid: number; mtimeMs: number }) {
  return {
    path,
    mode: info.mode & 0o7777,
    uid: info.uid,
    gid: info.gid,
    mtimeS: Math.floor(info.mtimeMs / 1000),
  };
}

/**
 * Entries for everything under `root`: directories and regular files only. A symlink is stored
 * as the file it points to (Debian's nginx links sites-enabled into sites-available and
 * modules-enabled into /usr/share), because a restore never creates links; a link to anything
 * but a file is skipped and said so.
 */
async function walk(ctx: JobContext, root: string, dir: string): Promise<ArchiveEntry[]> {
  const entries: ArchiveEntry[] = [];
  for (const name of (await readdir(dir)).sort()) {
    if (BATON_TEMP.test(name)) continue;
    const path = join(dir, name);
    const archivePath = CONFIG_PREFIX + relative(root, path).split("\\").join("/");
    const info = await lstat(path);
    if (info.isDirectory()) {
      entries.push({ ...meta(archivePath, info), type: "directory" });
      entries.push(...(await walk(ctx, root, path)));
    } else if (info.isFile()) {
      entries.push({ ...meta(archivePath, info), type: "file", data: await readFile(path) });
    } else if (info.isSymbolicLink()) {
      const real = await stat(path).catch(() => null);
      if (real?.isFile()) {
        entries.push({ ...meta(archivePath, real), type: "file", data: await readFile(path) });
      } else {
        const link = await readlink(path);
        ctx.out.line(`skipped ${path}: a link to ${link}, which is not a file`);
      }
    } else ctx.out.line(`skipped ${path}: not a file, directory or link`);
  }
  return entries;
}

/** Builds the archive of `target`'s configuration; returns it with its file counts. */
export async function buildBackup(
  ctx: JobContext,
  target: ServiceTarget,
): Promise<{ archive: Uint8Array; configFiles: number; externalFiles: number }> {
  const root = target.configDir;
  const configEntries = await walk(ctx, root, root);
  const manifest: BackupManifest = {
    format: 1,
    service: target.service,
    hostname: ctx.config.hostname,
    createdAt: Date.now(),
    configDir: root,
    configFile: basename(target.configFile),
    external: [],
  };
  const externalEntries: ArchiveEntry[] = [];
  for (const original of (await target.referencedFiles(root)).sort()) {
    if (isInside(root, original)) continue;
    const info = await stat(original).catch(() => null);
    if (!info?.isFile()) {
      ctx.out.line(`skipped ${original}: referenced by the config but not a readable file`);
      continue;
    }
    const path = `${EXTERNAL_PREFIX}${manifest.external.length}/${basename(original)}`;
    manifest.external.push({ path, original });
    externalEntries.push({ ...meta(path, info), type: "file", data: await readFile(original) });
  }
  const manifestEntry: ArchiveEntry = {
    ...meta(MANIFEST_PATH, { mode: 0o644, uid: 0, gid: 0, mtimeMs: manifest.createdAt }),
    type: "file",
    data: new TextEncoder().encode(`${JSON.stringify(manifest, null, 2)}\n`),
  };
  const archive = packTarGz([manifestEntry, ...configEntries, ...externalEntries]);
  return {
    archive,
    configFiles: configEntries.filter((e) => e.type !== "directory").length,
    externalFiles: externalEntries.length,
  };
}

export function sha256Hex(bytes: Uint8Array): string {
  return createHash("sha256").update(bytes).digest("hex");
}

/** The `*.backup` job: archive, checksum, upload, and say what was stored. */
export async function runBackup(ctx: JobContext, target: ServiceTarget): Promise<void> {
  const { archive, configFiles, externalFiles } = await buildBackup(ctx, target);
  if (archive.length > BACKUP_MAX_BYTES) {
    throw new JobFailed(
      `backup is ${archive.length} bytes, over the ${BACKUP_MAX_BYTES}-byte limit: ` +
        `move large files out of ${target.configDir}`,
    );
  }
  const sha256 = sha256Hex(archive);
  ctx.out.line(
    `archived ${target.configDir}: ${configFiles} entries, ${externalFiles} referenced files outside it`,
  );
  const { id } = await ctx.api.uploadBackup(target.service, archive, sha256, ctx.job.id);
  ctx.out.line(`backup ${id}: ${archive.length} bytes, sha256 ${sha256}`);
}
