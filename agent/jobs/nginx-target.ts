/**
 * nginx as a config-job target: `nginx -t -e stderr -c <file>` validates (relative includes
 * resolve against the file's directory, so a candidate written beside the live file checks
 * exactly what would load), certificates are found by scanning every file of the config
 * directory (which covers sites-enabled and conf.d without following `include` globs), and a
 * reload is observed through the master's workers: it took once every worker from before is
 * shutting down.
 */
import { readdir, readFile, stat } from "node:fs/promises";
import { dirname, isAbsolute, join } from "node:path";
import type { AgentConfig } from "../config";
import { findNginxPidPath } from "../parsers/nginx-conf";
import { childrenOf, isRunning, readPidFile } from "../services/direct/process";
import { nginxReferences } from "./references";
import { requireBinary, type ServiceTarget } from "./target";

/** Where Debian's and RHEL's nginx put the master pid when the config has no `pid` line. */
const PACKAGED_PID_FILE = "/run/nginx.pid";
/** Files larger than this are not config text (and are still backed up, just not scanned). */
const MAX_SCAN_BYTES = 1024 * 1024;
const MAX_DEPTH = 8;

/** Every regular file under `dir`, following links to files (sites-enabled). */
async function filesUnder(dir: string, depth = 0): Promise<string[]> {
  if (depth > MAX_DEPTH) return [];
  const found: string[] = [];
  for (const entry of await readdir(dir, { withFileTypes: true }).catch(() => [])) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) found.push(...(await filesUnder(path, depth + 1)));
    else if (entry.isFile() || entry.isSymbolicLink()) {
      const info = await stat(path).catch(() => null);
      if (info?.isFile() && info.size <= MAX_SCAN_BYTES) found.push(path);
    }
  }
  return found;
}

export function nginxTarget(config: AgentConfig, binary?: string): ServiceTarget {
  const configFile = config.nginxConfig;
  const configDir = dirname(configFile);
  return {
    service: "nginx",
    binary: requireBinary("nginx", binary),
    configFile,
    configDir,
    validateArgs: (file) => ["-t", "-e", "stderr", "-c", file],
    async referencedFiles(scanDir) {
      const found = new Set<string>();
      for (const file of await filesUnder(scanDir)) {
        const text = await readFile(file, "utf8").catch(() => "");
        // Relative paths are relative to the live config dir, wherever the files are staged.
        for (const ref of nginxReferences(text, configDir)) found.add(ref.path);
      }
      return [...found];
    },
    async generation() {
      const text = await readFile(configFile, "utf8").catch(() => "");
      const pidPath = findNginxPidPath(text) ?? PACKAGED_PID_FILE;
      if (!isAbsolute(pidPath)) return null;
      const master = await readPidFile(pidPath);
      if (master === undefined || !(await isRunning(master, "nginx"))) return null;
      const accepting: number[] = [];
      for (const worker of await childrenOf(master)) {
        // nginx retitles an old worker "nginx: worker process is shutting down".
        const title = await readFile(`/proc/${worker}/cmdline`, "utf8").catch(() => "");
        if (title && !title.includes("shutting down")) accepting.push(worker);
      }
      return accepting;
    },
  };
}
