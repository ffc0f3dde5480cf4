/**
 * What the config policy reports and the path rules it applies. A checker turns config text
 * into violations (a directive that runs programs or loads code) and path references (every
 * file or socket the daemon would open, with what it does with it); `pathViolations` then
 * refuses each reference outside the directories allowed for that use.
 */
import { dirname, isAbsolute, join, normalize } from "node:path";
import { isInAllowedDir } from "./allowed-dirs";

/** One refused line: `file:line`, the directive, and why. */
export interface Violation {
  file: string;
  line: number;
  directive: string;
  reason: string;
}

/**
 * What the daemon does with a path: reads it (certificates, keys, error pages, maps, includes),
 * writes or creates it as root (logs, pid files, listening sockets, temp and cache dirs), serves
 * files under it to clients (nginx `root`/`alias`), loads it as code (nginx `load_module`), or
 * connects to it as root (HAProxy's unix-socket servers and log targets).
 */
export type PathUse = "read" | "write" | "serve" | "module" | "connect";

export type PolicyDirs = Record<PathUse, readonly string[]>;

export interface PathRef {
  file: string;
  line: number;
  directive: string;
  /** Absolute and normalised; for a path built from variables, its fixed leading directory. */
  path: string;
  use: PathUse;
  /** For a crt-list: the `crt-base` its relative entries follow. */
  base?: string;
}

export interface PolicyFindings {
  violations: Violation[];
  refs: PathRef[];
}

const USE_TEXT: Record<PathUse, string> = {
  read: "reads",
  write: "writes",
  serve: "serves files from",
  module: "loads code from",
  connect: "connects as root to",
};

export function formatViolation(v: Violation): string {
  return `${v.file}:${v.line}: ${v.directive}: ${v.reason}`;
}

/**
 * An absolute, normalised path for `value` (relative ones against `base`). A value built from
 * variables (`$host`, `${VAR}`) is cut to the directory before the first variable: a variable
 * may only choose a file below a fixed, allowed directory.
 */
export function resolvePath(value: string, base: string): string {
  const dollar = value.indexOf("$");
  let fixed = value;
  if (dollar >= 0) {
    const before = value.slice(0, dollar);
    fixed = before.endsWith("/") ? before : dirname(before || ".");
  }
  const path = normalize(isAbsolute(fixed) ? fixed : join(base, fixed));
  return path.length > 1 ? path.replace(/\/+$/, "") : path;
}

/** The references not inside a directory allowed for their use, as violations. */
export function pathViolations(refs: readonly PathRef[], dirs: PolicyDirs): Violation[] {
  return refs
    .filter((ref) => !isInAllowedDir(ref.path, dirs[ref.use]))
    .map((ref) => ({
      file: ref.file,
      line: ref.line,
      directive: ref.directive,
      reason: outsideReason(ref.use, ref.path, dirs),
    }));
}

export function outsideReason(use: PathUse, path: string, dirs: PolicyDirs): string {
  return `${USE_TEXT[use]} ${path}, outside the directories allowed for that (${dirs[use].join(", ")})`;
}
