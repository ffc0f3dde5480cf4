// One lab host: a namespace with a tiny backend (Node HTTP on 127.0.0.1:8080), HAProxy or nginx
// serving it on :80 (started by the agent itself: direct mode, BATON_START_SERVICES), and the real
// bundled agent under the system Node with the flags install.sh uses. The agent must reach the
// control plane over loopback http (or https), so a socat forwarder on 127.0.0.1:8787 inside the
// host carries its requests over the bridge, as a sidecar would: a cut link cuts it too.
// Each host has a private /run, as a VM does: the agent runs in its own mount namespace with the
// host's <site>/run bind-mounted on /run, so every HAProxy can use the admin socket Baton's
// rendered files name (/run/haproxy/admin.sock) without two hosts sharing one (decision 0031).
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { haproxySiteConfig } from "../test/harness/haproxy-site.mjs";
import { spawnIn } from "./proc.mjs";
import { ipOf, namespaceOf, pidsIn } from "./topology.mjs";

export const BACKEND_PORT = 8080;
/** The admin socket as the agent and Baton's renders name it; inside the host's private /run. */
export const ADMIN_SOCKET = "/run/haproxy/admin.sock";
const AGENT_NODE_FLAGS = ["--jitless", "--no-expose-wasm", "--max-semi-space-size=1"];

export function haproxyConfig(_site, extra = []) {
  return haproxySiteConfig({
    adminSocket: ADMIN_SOCKET,
    bind: "*:80",
    servers: [["app1", `127.0.0.1:${BACKEND_PORT}`]],
    inter: "200ms",
    extra,
  });
}

function nginxConfig(site) {
  const varDir = join(site, "var");
  return [
    "worker_processes 1;",
    `error_log ${join(varDir, "error.log")} notice;`,
    "events { worker_connections 256; }",
    "http {",
    `  access_log ${join(varDir, "access.log")};`,
    ...["client_body", "proxy", "fastcgi", "uwsgi", "scgi"].map(
      (kind) => `  ${kind}_temp_path ${join(varDir, `${kind}_temp`)};`,
    ),
    "  server {",
    "    listen 80;",
    `    location / { proxy_pass http://127.0.0.1:${BACKEND_PORT}; }`,
    "  }",
    "}",
    "",
  ].join("\n");
}

/** Writes the host's files and starts its backend and forwarder (not the agent yet). */
export function prepareHost({ prefix, role, kind, labDir, root }) {
  const site = join(labDir, role);
  for (const sub of ["etc", "var", "run/haproxy", "state"])
    mkdirSync(join(site, sub), { recursive: true });
  const configFile = join(site, "etc", kind === "haproxy" ? "haproxy.cfg" : "nginx.conf");
  writeFileSync(configFile, kind === "haproxy" ? haproxyConfig(site) : nginxConfig(site));
  // Everything comes from the environment; the agent wants its env file to exist.
  writeFileSync(
    join(site, "etc", "agent.env"),
    "# proving ground: settings are in the environment\n",
  );
  const ns = namespaceOf(prefix, role);
  const log = join(site, "host.log");
  const host = { role, kind, ns, ip: ipOf(role), site, configFile, root, agent: null };
  const backend = `require("node:http").createServer((q, s) => s.end("served by ${role}\\n")).listen(${BACKEND_PORT}, "127.0.0.1")`;
  spawnIn(ns, "/usr/bin/node", ["-e", backend], { log });
  spawnIn(
    ns,
    "socat",
    ["TCP-LISTEN:8787,bind=127.0.0.1,fork,reuseaddr", `TCP:${ipOf("cp")}:8787,connect-timeout=2`],
    { log },
  );
  return host;
}

let agentTransport = "ws";

/** `ws`: the agents' default (WebSocket, HTTP fallback); `http`: HTTP heartbeats only. */
export function setAgentTransport(transport) {
  agentTransport = transport;
}

/** Starts (or starts again) the host's agent with its enrollment secret. */
export function startAgent(host, secret) {
  const bundle = join(host.root, "dist", "public", "agent", "baton-agent.mjs");
  const env = {
    BATON_URL: "http://127.0.0.1:8787",
    BATON_TOKEN: secret,
    BATON_HOSTNAME: host.role,
    BATON_PUBLIC_IP: host.ip,
    BATON_SERVICE_MANAGER: "direct",
    BATON_START_SERVICES: host.kind,
    BATON_STATE_DIR: join(host.site, "state"),
    BATON_ENV_FILE: join(host.site, "etc", "agent.env"),
    BATON_PROBE_URL: "http://127.0.0.1:80/",
    BATON_TRANSPORT: agentTransport === "http" ? "http" : "auto",
    BATON_ALLOWED_DIRS: join(host.site, "var"),
    BATON_HAPROXY_CONFIG:
      host.kind === "haproxy" ? host.configFile : join(host.site, "etc", "none.cfg"),
    BATON_NGINX_CONFIG:
      host.kind === "nginx" ? host.configFile : join(host.site, "etc", "none.conf"),
    ...(host.kind === "haproxy" ? { BATON_HAPROXY_SOCKET: ADMIN_SOCKET } : {}),
  };
  host.secret = secret;
  // `ip netns exec` already gives the command its own mount namespace (mounts do not propagate
  // back), so the bind below is seen by the agent and the daemons it starts, and goes with them.
  const privateRun = 'mount --bind "$0" /run && exec "$@"';
  host.agent = spawnIn(
    host.ns,
    "/bin/sh",
    ["-c", privateRun, join(host.site, "run"), "/usr/bin/node", ...AGENT_NODE_FLAGS, bundle, "run"],
    { env, log: join(host.site, "agent.log") },
  );
  return host.agent;
}

/** PIDs in the host's namespace whose command is `name` (haproxy, nginx). */
function processesNamed(host, name) {
  return pidsIn(host.ns).filter((pid) => {
    try {
      return readFileSync(`/proc/${pid}/comm`, "utf8").trim() === name;
    } catch {
      return false;
    }
  });
}

/** SIGKILLs the host's balancer (master and workers), as a crash would. */
export function killService(host) {
  for (const pid of processesNamed(host, host.kind)) {
    try {
      process.kill(pid, "SIGKILL");
    } catch {}
  }
}

/** SIGKILLs the agent (its process group), leaving the balancer running. */
export function killAgent(host) {
  if (host.agent?.pid) {
    try {
      process.kill(-host.agent.pid, "SIGKILL");
    } catch {}
  }
}

export const serviceRunning = (host) => processesNamed(host, host.kind).length > 0;
