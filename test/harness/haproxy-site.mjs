// The HAProxy site the agent's tests, bench:agent and the proving ground run: `fe_web` in front of
// `be_app`, checked with `option httpchk GET /`, and an admin socket for the runtime API. One
// source for the config's shape; each caller chooses its binds, servers and check interval.
import { existsSync } from "node:fs";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { createServer as createHttpServer } from "node:http";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";

/** The haproxy binary, or undefined when it is not installed. */
export function findHaproxy() {
  const dirs = [...(process.env.PATH ?? "").split(":"), "/usr/sbin", "/usr/bin"];
  return dirs.map((dir) => join(dir, "haproxy")).find((path) => existsSync(path));
}

/** Listens on an ephemeral loopback port; resolves the port. */
export async function listenOnLoopback(server) {
  await new Promise((resolve) => server.listen(0, "127.0.0.1", resolve));
  return server.address().port;
}

/** A loopback TCP port nothing listens on right now, other than those in `taken`. */
export async function freePort(taken = []) {
  for (;;) {
    const server = createServer();
    const port = await listenOnLoopback(server);
    await new Promise((resolve) => server.close(resolve));
    if (!taken.includes(port)) return port;
  }
}

/** `global` with the admin socket and HTTP `defaults` with short timeouts: every site's start. */
export function haproxyPrelude(adminSocket, indent = "  ") {
  return [
    "global",
    `${indent}stats socket ${adminSocket} mode 600 level admin`,
    "defaults",
    `${indent}mode http`,
    `${indent}timeout connect 1s`,
    `${indent}timeout client 5s`,
    `${indent}timeout server 5s`,
  ];
}

/**
 * The whole site's config. `servers`: `[name, "host:port"]` pairs of `be_app`; `defaults`: more
 * lines for the defaults section; `extra`: lines appended at the end.
 */
export function haproxySiteConfig({
  adminSocket,
  bind,
  servers,
  inter,
  defaults = [],
  extra = [],
}) {
  return [
    ...haproxyPrelude(adminSocket),
    ...defaults.map((line) => `  ${line}`),
    "frontend fe_web",
    `  bind ${bind}`,
    "  default_backend be_app",
    "backend be_app",
    "  option httpchk GET /",
    `  default-server inter ${inter} fall 2 rise 1`,
    ...servers.map(([name, address]) => `  server ${name} ${address} check`),
    ...extra,
    "",
  ].join("\n");
}

/**
 * Writes a site in a new temp dir without starting HAProxy: `app1` is a node:http server in this
 * process (so UP) and `app2` a port nothing listens on (so DOWN). `cleanup()` closes the upstream
 * and removes the dir; HAProxy must be stopped first.
 */
export async function prepareHaproxySite({ prefix, inter, defaults = [] }) {
  const binary = findHaproxy();
  if (!binary) throw new Error("haproxy is not installed; npm run setup:system installs it");
  const dir = await mkdtemp(join(tmpdir(), prefix));
  const upstream = createHttpServer((_req, res) => res.end("ok\n"));
  const upPort = await listenOnLoopback(upstream);
  // A released port can be handed out again at once: keep the three apart.
  const frontendPort = await freePort([upPort]);
  const downPort = await freePort([upPort, frontendPort]);
  const adminSocket = join(dir, "admin.sock");
  const configFile = join(dir, "haproxy.cfg");
  const config = haproxySiteConfig({
    adminSocket,
    bind: `127.0.0.1:${frontendPort}`,
    servers: [
      ["app1", `127.0.0.1:${upPort}`],
      ["app2", `127.0.0.1:${downPort}`],
    ],
    inter,
    defaults,
  });
  await writeFile(configFile, config);
  const cleanup = async () => {
    await new Promise((resolve) => upstream.close(resolve));
    await rm(dir, { recursive: true, force: true });
  };
  return { binary, dir, configFile, adminSocket, frontendPort, config, cleanup };
}
