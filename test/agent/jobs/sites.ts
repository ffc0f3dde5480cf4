/**
 * Real HAProxy and nginx run by the agent's DirectServiceManager for the job tests. Each site
 * keeps its config in `<dir>/conf` (what backups hold and restores replace) apart from what the
 * daemon writes at run time (`<dir>/run`, logs), as /etc/haproxy is apart from /run/haproxy.
 * Only loopback ports. Missing binaries throw: these tests fail, not skip.
 */
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { createServer as createHttpServer, request, type Server } from "node:http";
import { createServer as createTcpServer } from "node:net";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { afterAll, beforeAll } from "vitest";
import type { AgentConfig } from "../../../agent/config";
import { DirectServiceManager } from "../../../agent/services/direct";
import { haproxyPrelude, listenOnLoopback } from "../../harness/haproxy-site.mjs";
import { findHaproxy } from "../haproxy/haproxy-instance";
import { findNginx } from "../nginx/nginx-instance";

export interface Site {
  dir: string;
  confDir: string;
  configFile: string;
  services: DirectServiceManager;
  /** The agent config a job on this site sees. */
  config: Partial<AgentConfig>;
  /** Stops the daemon and removes `dir`. */
  stop(): Promise<void>;
  /** Stops the daemon only (its config stays for inspection). */
  halt(): Promise<void>;
}

/** GET http://127.0.0.1:<port>/ on a fresh connection (a kept-alive one may reach old workers). */
export function get(port: number, path = "/"): Promise<string> {
  return new Promise((resolve, reject) => {
    const req = request({ host: "127.0.0.1", port, path, agent: false, timeout: 3_000 }, (res) => {
      let body = "";
      res.setEncoding("utf8");
      res.on("data", (chunk: string) => {
        body += chunk;
      });
      res.on("end", () => resolve(body.trim()));
    });
    req.on("timeout", () => req.destroy(new Error(`GET :${port}${path} timed out`)));
    req.on("error", reject);
    req.end();
  });
}

/** A loopback port something else holds, as a port another program took would be. */
export async function holdPort(): Promise<{ port: number; release(): Promise<void> }> {
  const holder = createTcpServer();
  const port = await listenOnLoopback(holder);
  return { port, release: () => new Promise((resolve) => holder.close(() => resolve())) };
}

/** An HAProxy config: `fe_web` on `port` answering `body`, and `be_app` with two servers. */
export function haproxyConfig(o: { socket: string; port: number; body: string; upstream: number }) {
  return [
    ...haproxyPrelude(o.socket, "    "),
    "frontend fe_web",
    `    bind 127.0.0.1:${o.port}`,
    `    http-request return status 200 content-type text/plain string "${o.body}"`,
    "backend be_app",
    `    server app1 127.0.0.1:${o.upstream}`,
    `    server app2 127.0.0.1:${o.upstream}`,
    "",
  ].join("\n");
}

/**
 * The start of an nginx config whose logs, pid and temp paths are all under `runtime`, up to
 * and including the `http {` line's own settings.
 */
export function nginxRuntime(runtime: string): string[] {
  return [
    "worker_processes 1;",
    `error_log ${join(runtime, "error.log")} notice;`,
    `pid ${join(runtime, "nginx.pid")};`,
    "events { worker_connections 64; }",
    "http {",
    `  access_log ${join(runtime, "access.log")};`,
    ...["client_body", "proxy", "fastcgi", "uwsgi", "scgi"].map(
      (kind) => `  ${kind}_temp_path ${join(runtime, `${kind}_temp`)};`,
    ),
  ];
}

/**
 * An nginx config whose only server answers `body` on `port`; logs, pid and temp paths under
 * `runtime` (shared by sites that take turns, as identical members' configs would be).
 */
export function nginxConfig(o: { runtime: string; port: number; body: string }) {
  return [
    ...nginxRuntime(o.runtime),
    "  include conf.d/*.conf;",
    "  server {",
    `    listen 127.0.0.1:${o.port};`,
    `    location / { return 200 "${o.body}\\n"; }`,
    "  }",
    "}",
    "",
  ].join("\n");
}

async function waitForBody(port: number, body: string): Promise<void> {
  const deadline = Date.now() + 10_000;
  let last = "";
  while (Date.now() < deadline) {
    last = await get(port).catch((error: Error) => error.message);
    if (last === body) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`:${port} answers ${JSON.stringify(last)}, not ${JSON.stringify(body)}`);
}

async function startSite(
  service: "haproxy" | "nginx",
  configName: string,
  config: string,
  port: number,
  body: string,
  runtimeDir: string,
): Promise<Site> {
  const dir = await mkdtemp(join(tmpdir(), `baton-${service}-job-`));
  const confDir = join(dir, "conf");
  await mkdir(join(confDir, "conf.d"), { recursive: true });
  await mkdir(join(dir, "run"));
  const configFile = join(confDir, configName);
  await writeFile(configFile, config);
  const binaries = {
    haproxy: service === "haproxy" ? findHaproxy() : "haproxy",
    nginx: service === "nginx" ? findNginx() : "nginx",
  };
  const services = new DirectServiceManager({
    runDir: join(dir, "run"),
    paths: {
      haproxy: { binary: binaries.haproxy, configFile },
      nginx: { binary: binaries.nginx, configFile },
    },
  });
  const halt = () => services.stop(service);
  const stop = async () => {
    await halt().catch(() => {});
    await rm(dir, { recursive: true, force: true });
  };
  try {
    await services.start(service);
    await waitForBody(port, body);
  } catch (error) {
    await stop();
    throw error;
  }
  // The VM admin's BATON_ALLOWED_DIRS: where this site's sockets, logs and pid file live.
  const agentConfig: Partial<AgentConfig> = {
    ...(service === "haproxy" ? { haproxyConfig: configFile } : { nginxConfig: configFile }),
    extraAllowedDirs: [runtimeDir],
  };
  return { dir, confDir, configFile, services, config: agentConfig, stop, halt };
}

export function startHaproxySite(options: {
  socket: string;
  port: number;
  body: string;
  upstream: number;
  configName?: string;
}): Promise<Site> {
  return startSite(
    "haproxy",
    options.configName ?? "haproxy.cfg",
    haproxyConfig(options),
    options.port,
    options.body,
    dirname(options.socket),
  ).then((site) => ({ ...site, config: { ...site.config, haproxySocket: options.socket } }));
}

export function startNginxSite(options: {
  port: number;
  body: string;
  runtime: string;
}): Promise<Site> {
  return startSite(
    "nginx",
    "nginx.conf",
    nginxConfig(options),
    options.port,
    options.body,
    options.runtime,
  );
}

/** What `useSiteLab` gives a test file; filled in by its beforeAll. */
export interface SiteLab {
  /** A temp dir for the file's sockets and runtimes, removed after the file. */
  shared: string;
  /** A loopback HTTP server answering "upstream": the sites' backend, or a port someone holds. */
  upstreamPort: number;
  /** Sites to stop after the file: push every site started. */
  sites: Site[];
}

/**
 * The setup the job test files share: a temp dir, a loopback upstream, and every site stopped
 * and removed after the file (registers the file's beforeAll and afterAll).
 */
export function useSiteLab(prefix: string): SiteLab {
  const lab: SiteLab = { shared: "", upstreamPort: 0, sites: [] };
  let upstream: Server | undefined;
  beforeAll(async () => {
    lab.shared = await mkdtemp(join(tmpdir(), prefix));
    upstream = createHttpServer((_req, res) => res.end("upstream\n"));
    const server = upstream;
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const address = server.address();
    lab.upstreamPort = typeof address === "object" && address ? address.port : 0;
  });
  afterAll(async () => {
    for (const site of lab.sites) await site.stop();
    await new Promise((resolve) => (upstream ? upstream.close(resolve) : resolve(undefined)));
    if (lab.shared) await rm(lab.shared, { recursive: true, force: true });
  });
  return lab;
}
