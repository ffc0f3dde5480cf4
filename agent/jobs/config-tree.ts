/**
 * What a restore writes into its fresh staging directory: directories and regular files, never a
 * symlink. Links are resolved here, in memory, against the archive's own tree (never the disk),
 * so no path on the host is ever followed: a link to a file of the backup becomes a copy of that
 * file, and anything else (a link to a directory, outside the backup, to nothing, a loop) is
 * refused naming the entry. Backups made before links were stored as files still restore.
 */
import { posix } from "node:path";
import type { ArchiveEntry } from "./archive";
import { CONFIG_PREFIX } from "./backup-manifest";

/**
 * One thing to create, `path` relative to the config directory. No owner: a staged entry takes
 * the owner of the live one it replaces, else the agent's (root).
 */
export type TreeEntry =
  | { type: "directory"; path: string; mode: number }
  | { type: "file"; path: string; mode: number; data: Uint8Array };

/** Links followed while resolving one, as the kernel's own limit (ELOOP). */
const MAX_LINK_HOPS = 40;

function refuse(entry: ArchiveEntry, why: string): never {
  throw new Error(`archive entry ${JSON.stringify(entry.path)} ${why}`);
}

/** Where a path leads inside the archive: one of its files, or a directory (root = []). */
type Resolved = { file: ArchiveEntry & { type: "file" } } | { dir: string[] };

/**
 * The file `link` names, walking the archive's tree from the link's directory as the kernel
 * would walk a disk: `..` may not leave the backup's config directory, links met on the way are
 * followed (within the archive), every step before the last must be a directory, and the end
 * must be a regular file.
 */
function resolveLink(link: ArchiveEntry & { type: "symlink" }, tree: Map<string, ArchiveEntry>) {
  let hops = 0;
  const walk = (from: string[], target: string): Resolved => {
    if (target.startsWith("/")) refuse(link, `is a link to the absolute path ${target}`);
    const at = [...from];
    const steps = target.split("/").filter((step) => step !== "" && step !== ".");
    for (const [index, step] of steps.entries()) {
      if (step === "..") {
        if (at.length === 0) refuse(link, `is a link leaving the backup (${link.target})`);
        at.pop();
        continue;
      }
      const rel = [...at, step].join("/");
      const found = tree.get(rel);
      const last = index === steps.length - 1;
      if (!found)
        refuse(link, `is a link to ${CONFIG_PREFIX}${rel}, which the backup does not hold`);
      let next: Resolved = found.type === "file" ? { file: found } : { dir: [...at, step] };
      if (found.type === "symlink") {
        if (++hops > MAX_LINK_HOPS) refuse(link, "is a link in a loop of links");
        next = walk(at, found.target);
      }
      if (last) return next;
      if ("file" in next) {
        refuse(link, `is a link through ${CONFIG_PREFIX}${rel}, which is not a directory`);
      }
      at.splice(0, at.length, ...next.dir);
    }
    return { dir: at };
  };
  const linkDir = posix.dirname(link.path.slice(CONFIG_PREFIX.length));
  const resolved = walk(linkDir === "." ? [] : linkDir.split("/"), link.target);
  if ("file" in resolved) return resolved.file;
  return refuse(link, `is a link to a directory (${link.target}); restores create no links`);
}

/**
 * The config directory to stage, from checked archive entries (unsafePath already refused `..`
 * and absolute names): directories first, parents before children, then files. Throws an
 * Error naming the first entry that cannot be written as a plain file or directory.
 */
export function planConfigTree(entries: readonly ArchiveEntry[]): TreeEntry[] {
  const tree = new Map<string, ArchiveEntry>();
  for (const entry of entries) {
    if (entry.path.startsWith(CONFIG_PREFIX)) {
      tree.set(entry.path.slice(CONFIG_PREFIX.length), entry);
    }
  }
  const planned: TreeEntry[] = [];
  for (const [path, entry] of tree) {
    const parent = posix.dirname(path);
    if (parent !== "." && tree.get(parent)?.type !== "directory") {
      refuse(entry, `lies under ${CONFIG_PREFIX}${parent}, which is not a directory of the backup`);
    }
    // No special bits (setuid, setgid, sticky) and no execute bit on files: config is data.
    if (entry.type === "directory") {
      planned.push({ path, type: "directory", mode: entry.mode & 0o777 || 0o755 });
    } else {
      const file = entry.type === "file" ? entry : resolveLink(entry, tree);
      planned.push({ path, type: "file", mode: file.mode & 0o666 || 0o644, data: file.data });
    }
  }
  const rank = (e: TreeEntry) => (e.type === "directory" ? 0 : 1);
  return planned.sort((a, b) => rank(a) - rank(b) || (a.path < b.path ? -1 : 1));
}
