/**
 * The layout of a Baton backup archive and the checks a restore makes before trusting one.
 *
 *   baton-backup.json        the manifest below
 *   config/…                 the config directory, paths relative to it
 *   external/<n>/<name>      a referenced file outside the config directory
 *
 * Config paths are relative so an archive made on one member restores into a config directory
 * somewhere else on another. External files keep their absolute location: the restored config
 * names them by that path, so that is where they must go (rewriting paths inside configs would
 * be guesswork). A restore writes an external file only where the restored config references it.
 */
import { posix } from "node:path";
import { z } from "zod";
import { MonitoredService } from "../../shared/heartbeat";
import type { ArchiveEntry } from "./archive";

export const MANIFEST_PATH = "baton-backup.json";
export const CONFIG_PREFIX = "config/";
export const EXTERNAL_PREFIX = "external/";

export const BackupManifest = z.object({
  format: z.literal(1),
  service: MonitoredService,
  hostname: z.string(),
  createdAt: z.number().int(),
  /** Where the config directory was on the member that made the backup. */
  configDir: z.string(),
  /** The main config file's name inside it. */
  configFile: z.string(),
  external: z.array(
    z.object({
      /** `external/<n>/<name>` in the archive. */
      path: z.string(),
      /** Where the file was, and where a restore puts it. */
      original: z.string().startsWith("/"),
    }),
  ),
});
export type BackupManifest = z.infer<typeof BackupManifest>;

/** Why an archive path is unsafe to extract, or null when it is fine. */
export function unsafePath(path: string): string | null {
  if (path === "" || path.includes("\0")) return "is empty or contains NUL";
  if (path.startsWith("/")) return "is absolute";
  if (path.split("/").includes("..")) return "contains '..'";
  return null;
}

/**
 * Why a symlink at `path` pointing to `target` escapes `root` (an archive folder such as
 * `config`), or null when it stays inside.
 */
export function escapingLink(path: string, target: string, root: string): string | null {
  if (target.startsWith("/")) return `points to the absolute path ${target}`;
  const resolved = posix.normalize(posix.join(posix.dirname(path), target));
  if (resolved !== root && !resolved.startsWith(`${root}/`)) {
    return `points outside the backup (${target})`;
  }
  return null;
}

/** Every entry is checked; the first problem is thrown naming the entry. */
export function checkEntries(entries: readonly ArchiveEntry[]): void {
  const seen = new Set<string>();
  for (const entry of entries) {
    const problem =
      unsafePath(entry.path) ??
      (seen.has(entry.path) ? "appears twice" : null) ??
      (entry.path === MANIFEST_PATH ||
      entry.path === "config" ||
      entry.path.startsWith(CONFIG_PREFIX) ||
      entry.path === "external" ||
      entry.path.startsWith(EXTERNAL_PREFIX)
        ? null
        : "is not part of a Baton backup") ??
      (entry.type === "symlink" ? escapingLink(entry.path, entry.target, "config") : null);
    if (problem) throw new Error(`archive entry ${JSON.stringify(entry.path)} ${problem}`);
    seen.add(entry.path);
  }
}

/** The manifest of checked entries; throws when it is missing or malformed. */
export function readManifest(entries: readonly ArchiveEntry[]): BackupManifest {
  const entry = entries.find((e) => e.path === MANIFEST_PATH);
  if (entry?.type !== "file") throw new Error(`archive has no ${MANIFEST_PATH}`);
  const parsed = BackupManifest.safeParse(JSON.parse(new TextDecoder().decode(entry.data)));
  if (!parsed.success) throw new Error(`${MANIFEST_PATH} is not a Baton backup manifest`);
  return parsed.data;
}
