/**
 * The files a daemon loads as configuration when checking `main`: HAProxy's main file and
 * conf.d's `*.cfg` (as the agent's `haproxy -c -f main -f conf.d` does), nginx's main file and
 * every file its `include`s match, followed recursively. An `include` that reaches outside the
 * allowed directories, or through a link to outside them, is a violation and is not read.
 */
import { readdir, readFile, realpath, stat } from "node:fs/promises";
import { basename, dirname, join } from "node:path";
import { confDir } from "../jobs/haproxy-target";
import type { ServiceTarget } from "../jobs/target";
import { isInAllowedDir } from "./allowed-dirs";
import { checkHaproxy } from "./haproxy-policy";
import { checkNginx } from "./nginx-policy";
import { outsideReason, type PolicyDirs, type PolicyFindings } from "./rules";

/** More than this many config files (or this deep) is not a configuration: stop there. */
const MAX_FILES = 500;
const MAX_INCLUDE_DEPTH = 16;

export interface ConfigFileText {
  /** Where it is on disk. */
  path: string;
  /** How job output names it (a staged candidate is shown as the file it will become). */
  shownAs: string;
  text: string;
}

/** `pattern`'s matches, as glob(3) would find them (`*`, `?`, `[…]` within one name). */
export async function expandPattern(pattern: string): Promise<string[]> {
  const parts = pattern.split("/").filter(Boolean);
  let current = ["/"];
  for (const part of parts) {
    const next: string[] = [];
    if (!/[*?[]/.test(part)) {
      for (const dir of current) next.push(join(dir, part));
    } else {
      const regex = globRegex(part);
      for (const dir of current) {
        const names = await readdir(dir).catch(() => [] as string[]);
        for (const name of names.sort()) {
          if (regex.test(name) && !(name.startsWith(".") && !part.startsWith("."))) {
            next.push(join(dir, name));
          }
        }
      }
    }
    current = next;
  }
  const files: string[] = [];
  for (const path of current) if ((await stat(path).catch(() => null))?.isFile()) files.push(path);
  return files;
}

function globRegex(part: string): RegExp {
  let source = "";
  for (let i = 0; i < part.length; i++) {
    const ch = part[i] ?? "";
    if (ch === "*") source += "[^/]*";
    else if (ch === "?") source += "[^/]";
    else if (ch === "[") {
      const end = part.indexOf("]", i + 1);
      if (end < 0) source += "\\[";
      else {
        source += `[${part
          .slice(i + 1, end)
          .replace(/^!/, "^")
          .replace(/\\/g, "\\\\")}]`;
        i = end;
      }
    } else source += ch.replace(/[.+^${}()|\\]/g, "\\$&");
  }
  return new RegExp(`^${source}$`);
}

/**
 * Where `path` really is (links followed); for a path that does not exist, its parent's.
 * `seen` memoises answers within one check (thousands of certificates share a few dirs).
 */
export async function realLocation(
  path: string,
  seen: Map<string, Promise<string>> = new Map(),
): Promise<string> {
  let found = seen.get(path);
  if (!found) {
    found = realpath(path).catch(async () => {
      const parent = dirname(path);
      if (parent === path) return path;
      return join(await realLocation(parent, seen), basename(path));
    });
    seen.set(path, found);
  }
  return found;
}

/** `dirs` with each directory also as its real location (/var/run → /run). */
export async function realDirs(dirs: readonly string[]): Promise<string[]> {
  const real = await Promise.all(dirs.map((dir) => realLocation(dir)));
  return [...new Set([...dirs, ...real])];
}

/** The files HAProxy loads for `main` (shown as `shownAs`): main, then conf.d's `*.cfg`. */
export async function haproxyConfigFiles(
  target: ServiceTarget,
  main: string,
  shownAs: string,
): Promise<ConfigFileText[]> {
  const files = [{ path: main, shownAs, text: await readFile(main, "utf8") }];
  const conf = confDir(target.configDir);
  const names = await readdir(conf).catch(() => [] as string[]);
  for (const name of names.filter((n) => n.endsWith(".cfg")).sort()) {
    const path = join(conf, name);
    if ((await stat(path).catch(() => null))?.isFile()) {
      files.push({ path, shownAs: path, text: await readFile(path, "utf8") });
    }
  }
  return files;
}

/**
 * Checks nginx's `main` and everything it includes. Includes are read only where the policy
 * allows reading; one outside is reported and not followed.
 */
export async function checkNginxTree(
  target: ServiceTarget,
  main: string,
  shownAs: string,
  dirs: PolicyDirs,
  prefix: string,
): Promise<{ findings: PolicyFindings; files: ConfigFileText[] }> {
  const findings: PolicyFindings = { violations: [], refs: [] };
  const files: ConfigFileText[] = [];
  const readable = await realDirs(dirs.read);
  const seen = new Set<string>();
  const visit = async (path: string, shown: string, depth: number) => {
    if (seen.has(path) || files.length >= MAX_FILES || depth > MAX_INCLUDE_DEPTH) return;
    seen.add(path);
    const text = await readFile(path, "utf8");
    files.push({ path, shownAs: shown, text });
    const checked = checkNginx(text, shown, target.configDir, prefix);
    findings.violations.push(...checked.violations);
    findings.refs.push(...checked.refs);
    for (const include of checked.includes) {
      const bad = (why: string) =>
        findings.violations.push({ ...include, directive: "include", reason: why });
      const fixed = include.path.split(/[*?[]/)[0] ?? "";
      if (
        !isInAllowedDir(include.path, dirs.read) &&
        !isInAllowedDir(dirname(`${fixed}x`), dirs.read)
      ) {
        bad(outsideReason("read", include.path, dirs));
        continue;
      }
      for (const match of await expandPattern(include.path)) {
        const real = await realLocation(match);
        if (!isInAllowedDir(real, readable)) {
          bad(`${match} is a link to ${real}, outside the directories allowed for reading`);
          continue;
        }
        await visit(match, match, depth + 1);
      }
    }
  };
  await visit(main, shownAs, 0);
  return { findings, files };
}

/** Checks HAProxy's files (each alone: HAProxy has no includes). */
export function checkHaproxyFiles(files: readonly ConfigFileText[]): PolicyFindings {
  const findings: PolicyFindings = { violations: [], refs: [] };
  for (const file of files) {
    const checked = checkHaproxy(file.text, file.shownAs);
    findings.violations.push(...checked.violations);
    findings.refs.push(...checked.refs);
  }
  return findings;
}
