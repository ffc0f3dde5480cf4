/**
 * HAProxy as a config-job target: `haproxy -c -f <file> [-f conf.d]` validates (conf.d is loaded
 * when it exists, as RHEL's unit does), certificates are found through `crt`, `crt-list`,
 * `ca-file`… in the main config and conf.d, and a reload is observed through the worker pid the
 * runtime API reports (`show info`), which changes only when new workers took over.
 */
import { statSync } from "node:fs";
import { readdir, readFile, stat } from "node:fs/promises";
import { basename, dirname, join, relative } from "node:path";
import type { AgentConfig } from "../config";
import { runtimeCommand } from "../haproxy/runtime-api";
import { parseInfoFields } from "../parsers/haproxy-info";
import { crtListReferences, haproxyReferences, type Reference } from "./references";
import { requireBinary, type ServiceTarget } from "./target";

/** conf.d beside the main config, loaded after it when it exists. */
export function confDir(configDir: string): string {
  return join(configDir, "conf.d");
}

async function isDirectory(path: string): Promise<boolean> {
  return (await stat(path).catch(() => null))?.isDirectory() ?? false;
}

/** Config files under `scanDir`: the main one, then conf.d's `*.cfg` in name order. */
async function configFiles(scanDir: string, mainName: string): Promise<string[]> {
  const files = [join(scanDir, mainName)];
  const conf = confDir(scanDir);
  if (await isDirectory(conf)) {
    const names = (await readdir(conf)).filter((name) => name.endsWith(".cfg")).sort();
    files.push(...names.map((name) => join(conf, name)));
  }
  return files;
}

/** Expands references: a `crt` directory means its files; a crt-list adds what it lists. */
async function expand(ref: Reference, readable: (path: string) => string): Promise<string[]> {
  const local = readable(ref.path);
  if (ref.keyword === "crt" && (await isDirectory(local))) {
    const entries = await readdir(local, { withFileTypes: true });
    return entries.filter((e) => e.isFile()).map((e) => join(ref.path, e.name));
  }
  if (ref.keyword === "crt-list") {
    const text = await readFile(local, "utf8").catch(() => "");
    const listed = crtListReferences(text, ref.base ?? "/").map((r) => r.path);
    return [ref.path, ...listed];
  }
  return [ref.path];
}

export function haproxyTarget(config: AgentConfig, binary?: string): ServiceTarget {
  const configFile = config.haproxyConfig;
  const configDir = dirname(configFile);
  return {
    service: "haproxy",
    binary: requireBinary("haproxy", binary),
    configFile,
    configDir,
    validateArgs(file) {
      const conf = confDir(configDir);
      // Synchronous check is fine: one stat, and validateArgs runs once per job.
      return ["-c", "-f", file, ...(isDirectorySync(conf) ? ["-f", conf] : [])];
    },
    async referencedFiles(scanDir) {
      // Paths in the config name the real config dir; read them from the staged one.
      const readable = (path: string) => {
        const rel = relative(configDir, path);
        return rel.startsWith("..") ? path : join(scanDir, rel);
      };
      const found = new Set<string>();
      for (const file of await configFiles(scanDir, basename(configFile))) {
        const text = await readFile(file, "utf8").catch(() => "");
        for (const ref of haproxyReferences(text)) {
          for (const path of await expand(ref, readable)) found.add(path);
        }
      }
      return [...found];
    },
    async generation() {
      if (!config.haproxySocket) return null;
      try {
        const info = await runtimeCommand(config.haproxySocket, "show info", { timeoutMs: 1_000 });
        const pid = Number(parseInfoFields(info).get("Pid"));
        return Number.isInteger(pid) && pid > 0 ? [pid] : null;
      } catch {
        return null;
      }
    },
  };
}

function isDirectorySync(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}
