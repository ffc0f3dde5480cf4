import type {
  BalancerBackend,
  BalancerFrontend,
  BalancerModel,
  BalancerRoute,
  BalancerServer,
} from "../../shared/balancer";
import { certificatePath, duration, HAPROXY_ADMIN_SOCKET, hostPort, MappingLog } from "./format";
import type { TargetRendering } from "./render-types";

/** The request's host without its port, compared case-insensitively. */
const HOST = "hdr(host),field(1,:)";

/** An ACL condition matching `host`: exactly, or for `*.example.com` any name below it. */
function hostCondition(host: string): string {
  return host.startsWith("*.") ? `${HOST} -i -m end ${host.slice(1)}` : `${HOST} -i ${host}`;
}

const GLOBAL = [
  "global",
  "  log /dev/log local0",
  "  user haproxy",
  "  group haproxy",
  "  # Relative paths (baton-certs/<id>.pem) are read from this file's directory.",
  "  default-path config",
  `  stats socket ${HAPROXY_ADMIN_SOCKET} mode 660 level admin expose-fd listeners`,
  "  stats timeout 30s",
  "",
  "defaults",
  "  mode http",
  "  log global",
  "  option httplog",
  "  option dontlognull",
  // A connection refused by one server is retried on another before the client sees an error.
  "  retries 3",
  "  option redispatch 1",
  "  timeout connect 5s",
  "  timeout client 30s",
  "  timeout server 30s",
];

function frontendLines(frontend: BalancerFrontend, f: number, log: MappingLog): string[] {
  const at = `frontends.${f}`;
  const lines = [`frontend ${frontend.name}`];
  frontend.binds.forEach((bind, b) => {
    const tls = bind.tls ? ` ssl crt ${certificatePath(bind.tls.certificateId)}` : "";
    const line = `bind ${bind.address ?? ""}:${bind.port}${tls}`;
    lines.push(`  ${line}`);
    log.same(`${at}.binds.${b}`, line);
  });
  const { clientMs, httpRequestMs } = frontend.timeouts;
  lines.push(`  timeout client ${duration(clientMs)}`);
  lines.push(`  timeout http-request ${duration(httpRequestMs)}`);
  log.same(`${at}.timeouts.clientMs`, `timeout client ${duration(clientMs)}`);
  log.same(`${at}.timeouts.httpRequestMs`, `timeout http-request ${duration(httpRequestMs)}`);
  if (frontend.hostnames.length > 0) {
    const exact = frontend.hostnames.filter((host) => !host.startsWith("*."));
    const wildcards = frontend.hostnames.filter((host) => host.startsWith("*."));
    if (exact.length > 0) lines.push(`  acl baton_known_host ${HOST} -i ${exact.join(" ")}`);
    for (const host of wildcards) lines.push(`  acl baton_known_host ${hostCondition(host)}`);
    const deny = "http-request deny deny_status 404 unless baton_known_host";
    lines.push(`  ${deny}`);
    log.same(`${at}.hostnames`, `acl baton_known_host …; ${deny}`);
  }
  if (frontend.redirectToHttps) {
    const redirect = "http-request redirect scheme https code 301 unless { ssl_fc }";
    lines.push(`  ${redirect}`);
    log.same(`${at}.redirectToHttps`, redirect);
  }
  if (frontend.forwardedHeaders) {
    lines.push(
      "  option forwardfor",
      "  http-request set-header X-Forwarded-Proto https if { ssl_fc }",
      "  http-request set-header X-Forwarded-Proto http unless { ssl_fc }",
      "  http-request set-header X-Forwarded-Host %[req.hdr(host)]",
    );
    log.same(`${at}.forwardedHeaders`, "option forwardfor; http-request set-header X-Forwarded-…");
  }
  frontend.routes.forEach((route, r) => {
    const line = `use_backend ${route.backend} if ${routeConditions(route)}`;
    lines.push(`  ${line}`);
    log.same(`${at}.routes.${r}`, line);
  });
  lines.push(`  default_backend ${frontend.defaultBackend}`);
  log.same(`${at}.defaultBackend`, `default_backend ${frontend.defaultBackend}`);
  return lines;
}

function routeConditions(route: BalancerRoute): string {
  const conditions: string[] = [];
  if (route.host) conditions.push(`{ ${hostCondition(route.host)} }`);
  if (route.pathPrefix) conditions.push(`{ path_beg ${route.pathPrefix} }`);
  return conditions.join(" ");
}

const BALANCE: Record<BalancerBackend["strategy"], string[]> = {
  round_robin: ["balance roundrobin"],
  least_conn: ["balance leastconn"],
  source: ["balance source", "hash-type consistent"],
  uri_hash: ["balance uri", "hash-type consistent"],
};

function backendLines(backend: BalancerBackend, b: number, log: MappingLog): string[] {
  const at = `backends.${b}`;
  const lines = [`backend ${backend.name}`];
  const balance = BALANCE[backend.strategy];
  lines.push(...balance.map((line) => `  ${line}`));
  log.same(`${at}.strategy`, balance.join("; "));
  const { connectMs, serverMs } = backend.timeouts;
  lines.push(`  timeout connect ${duration(connectMs)}`, `  timeout server ${duration(serverMs)}`);
  log.same(`${at}.timeouts`, `timeout connect ${duration(connectMs)}; timeout server …`);
  const check = backend.healthCheck;
  if (check) {
    const checkLines = [
      `option httpchk GET ${check.path}`,
      `http-check expect status ${check.expectStatus.min}-${check.expectStatus.max}`,
      `timeout check ${duration(check.timeoutMs)}`,
      `default-server inter ${duration(check.intervalMs)} rise ${check.rise} fall ${check.fall}`,
    ];
    lines.push(...checkLines.map((line) => `  ${line}`));
    log.same(`${at}.healthCheck`, checkLines.join("; "));
  }
  if (backend.sticky?.type === "cookie") {
    const cookie = `cookie ${backend.sticky.name} insert indirect nocache httponly`;
    lines.push(`  ${cookie}`);
    log.same(`${at}.sticky`, cookie);
  } else if (backend.sticky?.type === "source") {
    lines.push("  stick-table type ipv6 size 100k expire 30m", "  stick on src");
    log.same(`${at}.sticky`, "stick-table type ipv6 size 100k expire 30m; stick on src");
  }
  backend.servers.forEach((server, s) => {
    const line = serverLine(backend, server);
    lines.push(`  ${line}`);
    log.same(`${at}.servers.${s}`, line);
  });
  return lines;
}

function serverLine(backend: BalancerBackend, server: BalancerServer): string {
  // Draining is weight 0: no new clients, while cookie-sticky ones keep their server.
  const weight = server.state === "drain" ? 0 : server.weight;
  const words = [`server ${server.name} ${hostPort(server)}`, `weight ${weight}`];
  if (server.maxConnections !== undefined) words.push(`maxconn ${server.maxConnections}`);
  if (backend.healthCheck) words.push("check");
  if (backend.sticky?.type === "cookie") words.push(`cookie ${server.name}`);
  if (server.backup) words.push("backup");
  if (server.state === "maint") words.push("disabled");
  return words.join(" ");
}

/** The model as HAProxy 2.6 configuration, after the header the caller writes. */
export function renderHaproxy(model: BalancerModel): TargetRendering {
  const log = new MappingLog();
  const sections = [
    GLOBAL,
    ...model.frontends.map((frontend, f) => frontendLines(frontend, f, log)),
    ...model.backends.map((backend, b) => backendLines(backend, b, log)),
  ];
  return {
    body: `${sections.map((lines) => lines.join("\n")).join("\n\n")}\n`,
    mapping: log.entries,
  };
}
