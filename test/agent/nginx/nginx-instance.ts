/**
 * A real nginx 1.22 on loopback for the agent's integration tests. Everything it writes stays in
 * its own temp dir: error and access logs, temp paths, the pid file; `-e` moves the startup log
 * there too, so nothing touches /var/log/nginx, /var/lib/nginx or /run. Its workers run as
 * nginx's default unprivileged user (the agent's policy refuses `user root`), which is enough:
 * the master opens logs and pid, and the server answers without files (`ok` on `/`, nginx's
 * counters on `/nginx_status`). Missing nginx throws: the tests must fail, not skip.
 *
 * `prepareNginx()` writes the site without starting it (for the agent's service manager to run);
 * `startNginx()` also runs it in the foreground (`daemon off;`) as a child of the test.
 */
import { existsSync } from "node:fs";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { ServicePaths } from "../../../agent/services/manager";
import { startForegroundDaemon } from "../foreground-daemon";
import { freePort } from "../haproxy/haproxy-instance";

export function findNginx(): string {
  const dirs = [...(process.env.PATH ?? "").split(":"), "/usr/sbin", "/usr/bin"];
  const found = dirs.map((dir) => join(dir, "nginx")).find((path) => existsSync(path));
  if (!found) throw new Error("nginx is not installed; apt-get install -y nginx (.ci/run does)");
  return found;
}

export interface NginxSiteOptions {
  /**
   * Put a `pid` line in the configuration, as Debian's nginx.conf has, at this path relative to
   * the site's dir. Without it the pid file is wherever whoever runs nginx says with `-g`.
   */
  pidFile?: string;
}

export interface NginxSite {
  dir: string;
  configFile: string;
  port: number;
  /** `http://127.0.0.1:<port>/nginx_status`. */
  statusUrl: string;
  /** For a ServiceManager: the nginx binary and `configFile`. */
  paths: ServicePaths;
  /** The working configuration's text (tests break and restore the file with it). */
  config: string;
  /** Removes `dir`; nginx must be stopped first. */
  cleanup(): Promise<void>;
}

export function nginxConfig(dir: string, port: number, pidFile?: string): string {
  return [
    "worker_processes 1;",
    `error_log ${join(dir, "error.log")} notice;`,
    ...(pidFile ? [`pid ${join(dir, pidFile)};`] : []),
    "events { worker_connections 256; }",
    "http {",
    `  access_log ${join(dir, "access.log")};`,
    ...["client_body", "proxy", "fastcgi", "uwsgi", "scgi"].map(
      (kind) => `  ${kind}_temp_path ${join(dir, `${kind}_temp`)};`,
    ),
    "  server {",
    `    listen 127.0.0.1:${port};`,
    "    location = /nginx_status { stub_status; }",
    '    location / { return 200 "ok\\n"; }',
    "  }",
    "}",
    "",
  ].join("\n");
}

export async function prepareNginx(options: NginxSiteOptions = {}): Promise<NginxSite> {
  const binary = findNginx();
  const dir = await mkdtemp(join(tmpdir(), "baton-nginx-"));
  const port = await freePort();
  const configFile = join(dir, "nginx.conf");
  const config = nginxConfig(dir, port, options.pidFile);
  await writeFile(configFile, config);
  return {
    dir,
    configFile,
    port,
    statusUrl: `http://127.0.0.1:${port}/nginx_status`,
    paths: { binary, configFile },
    config,
    cleanup: () => rm(dir, { recursive: true, force: true }),
  };
}

export interface NginxInstance extends NginxSite {
  stop(): Promise<void>;
}

/** Starts nginx in the foreground and resolves once it answers on its port. */
export async function startNginx(): Promise<NginxInstance> {
  const site = await prepareNginx();
  const stop = await startForegroundDaemon({
    name: "nginx",
    binary: site.paths.binary,
    args: [
      "-e",
      join(site.dir, "startup.log"),
      "-c",
      site.configFile,
      "-g",
      `daemon off; pid ${join(site.dir, "nginx.pid")};`,
    ],
    stopSignal: "SIGQUIT",
    ready: () =>
      fetch(`http://127.0.0.1:${site.port}/`, { signal: AbortSignal.timeout(500) })
        .then((response) => response.ok)
        .catch(() => false),
    notReady: "did not answer",
    cleanup: site.cleanup,
  });
  return { ...site, stop };
}
