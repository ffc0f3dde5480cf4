// Which vitest project runs a test file follows from what the file imports, so nobody keeps a
// list and a new test lands in the right place by itself:
//
//   test/browser/**                                → "browser"  (Chromium + one shared wrangler dev)
//   imports the Workers runtime (cloudflare:*)      → "worker"   (inside workerd, D1, Durable Objects)
//   imports a helper that starts a real daemon      → "daemons"  (HAProxy, nginx, PowerDNS, wrangler dev)
//   anything else                                   → "unit"     (plain Node, no process started)
//
// "Imports" is transitive through relative imports (test helpers and the sources they reach), so
// a pure test of worker/failover/decide.ts runs in Node while one calling the Worker's fetch
// runs in workerd. Type-only imports are erased at run time and do not count.
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";

export type ProjectName = "unit" | "worker" | "daemons" | "browser";

/** Helpers that start real processes (relative to the repository root). */
export const DAEMON_HELPERS = [
  "test/harness/control-plane.mjs", // wrangler dev or workerd
  "test/harness/pdns.mjs", // PowerDNS
  "test/agent/haproxy/haproxy-instance.ts", // HAProxy
  "test/agent/nginx/nginx-instance.ts", // nginx
];

const SOURCE_EXTENSIONS = ["", ".ts", ".tsx", ".mjs", ".js", "/index.ts"];
// `import x from "…"`, `export … from "…"`, `import "…"`, `import("…")`; `import type` excluded.
const IMPORT_PATTERN =
  /(?:^|[;\n])\s*(?:import(?!\s+type\s)[^'"]*?from\s*|export(?!\s+type\s)[^'"]*?from\s*|import\s*\(?\s*)["']([^"']+)["']/g;

/** Read once per config load: most test files reach the same sources. */
const specifierCache = new Map<string, string[]>();

function specifiersOf(file: string): string[] {
  let specifiers = specifierCache.get(file);
  if (specifiers === undefined) {
    const text = readFileSync(file, "utf8");
    specifiers = [...text.matchAll(IMPORT_PATTERN)].map((match) => match[1] as string);
    specifierCache.set(file, specifiers);
  }
  return specifiers;
}

const isFile = (path: string) => existsSync(path) && statSync(path).isFile();

function resolveRelative(from: string, specifier: string): string | undefined {
  const base = resolve(dirname(from), specifier);
  // TypeScript's ".js → .ts" convention last.
  const candidates = [...SOURCE_EXTENSIONS.map((ext) => base + ext), base.replace(/\.js$/, ".ts")];
  return candidates.find(isFile);
}

interface Reach {
  workersRuntime: boolean;
  files: Set<string>;
}

/** Every repository file `entry` loads at run time, and whether it loads `cloudflare:*`. */
function reachOf(entry: string): Reach {
  const reach: Reach = { workersRuntime: false, files: new Set() };
  const pending = [entry];
  for (let file = pending.pop(); file !== undefined; file = pending.pop()) {
    if (reach.files.has(file)) continue;
    reach.files.add(file);
    for (const specifier of specifiersOf(file)) {
      if (specifier.startsWith("cloudflare:")) reach.workersRuntime = true;
      if (!specifier.startsWith(".")) continue;
      const target = resolveRelative(file, specifier);
      if (target && !target.includes("node_modules")) pending.push(target);
    }
  }
  return reach;
}

function testFilesUnder(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return entry.name === "node_modules" ? [] : testFilesUnder(path);
    return entry.name.endsWith(".test.ts") ? [path] : [];
  });
}

/** The project `file` (an absolute path) belongs to; see the rule at the top of this file. */
export function projectOf(root: string, file: string): ProjectName {
  if (relative(root, file).startsWith("test/browser/")) return "browser";
  const reach = reachOf(file);
  if (reach.workersRuntime) return "worker";
  const daemons = DAEMON_HELPERS.map((helper) => join(root, helper));
  return daemons.some((helper) => reach.files.has(helper)) ? "daemons" : "unit";
}

/** Every test file under test/, by project, as paths relative to `root`. */
export function testFilesByProject(root: string): Record<ProjectName, string[]> {
  const byProject: Record<ProjectName, string[]> = {
    unit: [],
    worker: [],
    daemons: [],
    browser: [],
  };
  for (const file of testFilesUnder(join(root, "test")).sort())
    byProject[projectOf(root, file)].push(relative(root, file));
  return byProject;
}
