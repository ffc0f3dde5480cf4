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
 * be guesswork). A restore writes an external file only inside the directories the VM allows
 * (allowedDirs) and only where the restored config references it.
 */
import { posix } from "node:path";
import { z } from "zod";
import { MonitoredService } from "../../shared/agent-protocol";
import { isInAllowedDir } from "../policy/allowed-dirs";
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
 * Why a restore may not write the external file `original`, or null when it may: the path must
 * be absolute and canonical (no `.`, `..` or doubled `/`, which the disk could resolve through a
 * link differently than the text reads), outside the config directory (that is restored whole),
 * and inside one of `allowed` (allowedDirs: the VM's agent.env decides, never the archive).
 */
export function externalProblem(
  original: string,
  configDir: string,
  allowed: readonly string[],
): string | null {
  if (original.includes("\0") || posix.normalize(original) !== original || original.endsWith("/")) {
    return `${JSON.stringify(original)} is not a plain absolute path`;
  }
  if (isInAllowedDir(original, [configDir])) {
    return `${original} lies inside the config directory ${configDir}, which the backup restores whole`;
  }
  if (!isInAllowedDir(original, allowed) || allowed.includes(original)) {
    return `${original} is outside the directories restores may write (${allowed.join(", ")}); the VM's admin can add one with BATON_ALLOWED_DIRS in /etc/baton/agent.env`;
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
      // Links inside config/ are resolved against the archive itself (config-tree.ts).
      (entry.type === "symlink" && !entry.path.startsWith(CONFIG_PREFIX)
        ? "is a link outside config/"
        : null);
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
