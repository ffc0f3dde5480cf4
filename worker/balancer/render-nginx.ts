import type {
  BalancerBackend,
  BalancerFrontend,
  BalancerModel,
  BalancerRoute,
  BalancerServer,
} from "../../shared/balancer";
import { certificatePath, duration, hostPort, MappingLog, NGINX_LOG_DIR } from "./format";
import { NGINX_NOTES } from "./mapping";
import { nginxRefusals } from "./refusals";
import type { TargetRendering } from "./render-types";

/**
 * nginx variables are named by position (`$baton_frontend_0_backend`): model names may hold
 * `-`, which a variable name cannot.
 */
const frontendVar = (f: number, what: string) => `$baton_frontend_${f}_${what}`;
const backendVar = (b: number, what: string) => `$baton_backend_${b}_${what}`;

const escapeRegex = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");

/** A regex over `$host$uri` that matches where HAProxy's host and path_beg conditions do. */
function routeRegex(route: BalancerRoute): string {
  let host = "[^/]*";
  if (route.host?.startsWith("*.")) host = `[^/]+${escapeRegex(route.host.slice(1))}`;
  else if (route.host) host = escapeRegex(route.host);
  return `~^${host}${escapeRegex(route.pathPrefix ?? "/")}`;
}

const HEAD = [
  "worker_processes auto;",
  `error_log ${NGINX_LOG_DIR}/error.log;`,
  "",
  "events {",
  "  worker_connections 4096;",
  "}",
  "",
  "http {",
  `  access_log ${NGINX_LOG_DIR}/access.log;`,
  "  server_tokens off;",
  "  proxy_http_version 1.1;",
];

interface Context {
  model: BalancerModel;
  /** Paths nginx cannot render (refusals.ts): the fields there are left out. */
  refused: Set<string>;
  log: MappingLog;
}

function balanceLine(backend: BalancerBackend, b: number, context: Context): string | null {
  const at = `backends.${b}`;
  const sticky = context.refused.has(`${at}.sticky`) ? undefined : backend.sticky;
  if (hashesOnCookie(b, context)) {
    const line = `hash ${backendVar(b, "sticky_key")} consistent;`;
    context.log.nearest(`${at}.sticky`, line, NGINX_NOTES.stickyCookie);
    return line;
  }
  if (sticky?.type === "source") {
    const line = "hash $remote_addr consistent;";
    context.log.nearest(`${at}.sticky`, line, NGINX_NOTES.stickySource);
    return line;
  }
  const line = {
    round_robin: null,
    least_conn: "least_conn;",
    source: "hash $remote_addr consistent;",
    uri_hash: "hash $uri consistent;",
  }[backend.strategy];
  context.log.same(`${at}.strategy`, line ?? "(round robin: nginx's default)");
  return line;
}

function serverLine(
  backend: BalancerBackend,
  server: BalancerServer,
  at: string,
  context: Context,
) {
  const words = [`server ${hostPort(server)}`, `weight=${server.weight}`];
  if (server.maxConnections !== undefined) {
    words.push(`max_conns=${server.maxConnections}`);
    context.log.nearest(`${at}.maxConnections`, words.at(-1) ?? "", NGINX_NOTES.maxConnections);
  }
  const check = backend.healthCheck;
  if (check) {
    const failTimeoutS = Math.max(1, Math.ceil((check.intervalMs * check.rise) / 1000));
    words.push(`max_fails=${check.fall}`, `fail_timeout=${failTimeoutS}s`);
  } else words.push("max_fails=0");
  if (server.backup) words.push("backup");
  if (server.state !== "ready") words.push("down");
  if (server.state === "drain") context.log.nearest(`${at}.state`, "down", NGINX_NOTES.drain);
  return `${words.join(" ")};`;
}

function upstreamLines(backend: BalancerBackend, b: number, context: Context): string[] {
  const at = `backends.${b}`;
  // Shared memory: without a zone each worker keeps its own connection counts and failures, so
  // least_conn, max_conns and max_fails would each hold per worker only.
  const zoneKiB = 64 + backend.servers.length;
  const lines = [`  upstream ${backend.name} {`, `    zone ${backend.name} ${zoneKiB}k;`];
  const balance = balanceLine(backend, b, context);
  if (balance) lines.push(`    ${balance}`);
  if (backend.healthCheck) {
    const check = backend.healthCheck;
    const failTimeoutS = Math.max(1, Math.ceil((check.intervalMs * check.rise) / 1000));
    const renders = `max_fails=${check.fall} fail_timeout=${failTimeoutS}s on each server`;
    context.log.nearest(`${at}.healthCheck`, renders, NGINX_NOTES.healthCheck);
  }
  backend.servers.forEach((server, s) => {
    const path = `${at}.servers.${s}`;
    if (context.refused.has(`${path}.backup`)) {
      lines.push(`    # ${server.name} is left out: see the note at the top`);
      return;
    }
    const line = serverLine(backend, server, path, context);
    lines.push(`    ${line}  # ${server.name}`);
    context.log.same(path, line);
  });
  lines.push("  }");
  if (hashesOnCookie(b, context)) lines.push(...stickyCookieMaps(backend, b));
  return lines;
}

/**
 * A client's sticky key is its cookie, or this request's id when it has none; that id is then
 * set as the cookie, so the client's next requests hash to the same server.
 */
function stickyCookieMaps(backend: BalancerBackend, b: number): string[] {
  const name = backend.sticky?.type === "cookie" ? backend.sticky.name : "";
  return [
    `  map $cookie_${name} ${backendVar(b, "sticky_key")} {`,
    '    "" $request_id;',
    `    default $cookie_${name};`,
    "  }",
    `  map $cookie_${name} ${backendVar(b, "new_cookie")} {`,
    `    "" "${name}=$request_id; Path=/; HttpOnly";`,
    '    default "";',
    "  }",
  ];
}

/** Whether nginx hashes `backends[b]` on a sticky cookie (when not refused). */
function hashesOnCookie(b: number, context: Context): boolean {
  const backend = context.model.backends[b];
  return backend?.sticky?.type === "cookie" && !context.refused.has(`backends.${b}.sticky`);
}

/** The backends a frontend can send a request to, by index. */
function reachable(frontend: BalancerFrontend, model: BalancerModel): number[] {
  const names = new Set([frontend.defaultBackend, ...frontend.routes.map((r) => r.backend)]);
  return model.backends.flatMap((backend, b) => (names.has(backend.name) ? [b] : []));
}

/** The backends of a frontend that set a sticky cookie on a client without one. */
function cookieBackendsOf(frontend: BalancerFrontend, context: Context): number[] {
  return reachable(frontend, context.model).filter((b) => hashesOnCookie(b, context));
}

function frontendMaps(frontend: BalancerFrontend, f: number, context: Context): string[] {
  const at = `frontends.${f}`;
  const lines: string[] = [];
  if (frontend.hostnames.length > 0) {
    lines.push(`  map $host ${frontendVar(f, "known_host")} {`, "    hostnames;", "    default 0;");
    lines.push(...frontend.hostnames.map((host) => `    ${host} 1;`), "  }");
    context.log.same(`${at}.hostnames`, `server_name; map $host … { hostnames; }; return 404`);
  }
  if (frontend.routes.length > 0) {
    lines.push(`  map "$host$uri" ${frontendVar(f, "backend")} {`);
    lines.push(`    default ${frontend.defaultBackend};`);
    frontend.routes.forEach((route, r) => {
      const entry = `${routeRegex(route)} ${route.backend};`;
      lines.push(`    ${entry}`);
      context.log.same(`${at}.routes.${r}`, entry, NGINX_NOTES.routes);
    });
    lines.push("  }");
  }
  const cookieBackends = cookieBackendsOf(frontend, context);
  if (cookieBackends.length > 0) {
    lines.push(`  map ${target(frontend, f)} ${frontendVar(f, "new_cookie")} {`, '    default "";');
    for (const b of cookieBackends) {
      lines.push(`    ${context.model.backends[b]?.name} ${backendVar(b, "new_cookie")};`);
    }
    lines.push("  }");
  }
  return lines;
}

/** Where a frontend's location proxies to: its route map, or its one backend. */
function target(frontend: BalancerFrontend, f: number): string {
  return frontend.routes.length > 0 ? frontendVar(f, "backend") : frontend.defaultBackend;
}

function serverBlock(frontend: BalancerFrontend, f: number, context: Context): string[] {
  const at = `frontends.${f}`;
  const { log } = context;
  const lines = ["  server {"];
  frontend.binds.forEach((bind, b) => {
    const address = bind.address ? `${bind.address}:${bind.port}` : `${bind.port}`;
    const line = `listen ${address}${bind.tls ? " ssl" : ""};`;
    lines.push(`    ${line}`);
    log.same(`${at}.binds.${b}`, line);
  });
  if (frontend.hostnames.length > 0) lines.push(`    server_name ${frontend.hostnames.join(" ")};`);
  const certificateId = frontend.binds.find((bind) => bind.tls)?.tls?.certificateId;
  if (certificateId) {
    const path = certificatePath(certificateId);
    lines.push(`    ssl_certificate ${path};`, `    ssl_certificate_key ${path};`);
  }
  const client = duration(frontend.timeouts.clientMs);
  const header = duration(frontend.timeouts.httpRequestMs);
  lines.push(`    client_header_timeout ${header};`);
  log.same(`${at}.timeouts.httpRequestMs`, `client_header_timeout ${header};`);
  for (const directive of ["client_body_timeout", "send_timeout", "keepalive_timeout"]) {
    lines.push(`    ${directive} ${client};`);
  }
  log.nearest(
    `${at}.timeouts.clientMs`,
    `client_body_timeout, send_timeout, keepalive_timeout ${client}`,
    NGINX_NOTES.clientTimeout,
  );
  if (frontend.hostnames.length > 0) {
    lines.push(`    if (${frontendVar(f, "known_host")} = 0) { return 404; }`);
  }
  if (frontend.redirectToHttps) {
    const redirect = "if ($scheme = http) { return 301 https://$host$request_uri; }";
    lines.push(`    ${redirect}`);
    log.same(`${at}.redirectToHttps`, redirect);
  }
  lines.push(...locationLines(frontend, f, context), "  }");
  return lines;
}

function locationLines(frontend: BalancerFrontend, f: number, context: Context): string[] {
  const at = `frontends.${f}`;
  const { log, model } = context;
  const indexes = reachable(frontend, model);
  const backends = indexes.flatMap((b) => model.backends[b] ?? []);
  const connectMs = Math.max(...backends.map((backend) => backend.timeouts.connectMs));
  const serverMs = Math.max(...backends.map((backend) => backend.timeouts.serverMs));
  const lines = [
    "    location / {",
    `      proxy_pass http://${target(frontend, f)};`,
    `      proxy_connect_timeout ${duration(connectMs)};`,
    `      proxy_read_timeout ${duration(serverMs)};`,
    `      proxy_send_timeout ${duration(serverMs)};`,
    "      proxy_set_header Host $http_host;",
  ];
  const failing = failingStatuses(backends);
  if (failing.length > 0) {
    // Health-checked backends: a 5xx the check would fail counts against the server and the
    // request goes to another, as HAProxy takes such a server out of rotation.
    const codes = failing.map((code) => `http_${code}`).join(" ");
    lines.push(`      proxy_next_upstream error timeout ${codes};`);
  }
  log.same(
    `${at}.defaultBackend`,
    frontend.routes.length > 0
      ? "the route map's default"
      : `proxy_pass http://${frontend.defaultBackend};`,
  );
  const timeouts = `proxy_connect_timeout ${duration(connectMs)}; proxy_read_timeout ${duration(serverMs)} (frontend ${frontend.name})`;
  for (const b of indexes) {
    const own = model.backends[b]?.timeouts;
    if (own?.connectMs === connectMs && own.serverMs === serverMs) {
      log.same(`backends.${b}.timeouts`, timeouts);
    } else log.nearest(`backends.${b}.timeouts`, timeouts, NGINX_NOTES.backendTimeouts);
  }
  if (frontend.forwardedHeaders) {
    lines.push(
      "      proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;",
      "      proxy_set_header X-Forwarded-Proto $scheme;",
      "      proxy_set_header X-Forwarded-Host $host;",
    );
    log.same(`${at}.forwardedHeaders`, "proxy_set_header X-Forwarded-For/-Proto/-Host");
  }
  if (cookieBackendsOf(frontend, context).length > 0) {
    lines.push(`      add_header Set-Cookie ${frontendVar(f, "new_cookie")};`);
  }
  lines.push("    }");
  return lines;
}

/** The 5xx statuses nginx can retry on that every health-checked backend's check counts as failed. */
function failingStatuses(backends: BalancerBackend[]): number[] {
  const checked = backends.flatMap((backend) => backend.healthCheck ?? []);
  if (checked.length === 0) return [];
  return [500, 502, 503, 504].filter((code) =>
    checked.every(({ expectStatus }) => code < expectStatus.min || code > expectStatus.max),
  );
}

/** The model as a complete nginx 1.22 `nginx.conf` (events + http), after the caller's header. */
export function renderNginx(model: BalancerModel): TargetRendering {
  const refused = new Set(nginxRefusals(model).map((refusal) => refusal.path));
  const context: Context = { model, refused, log: new MappingLog() };
  const lines = [...HEAD];
  model.backends.forEach((backend, b) => {
    lines.push("", ...upstreamLines(backend, b, context));
  });
  model.frontends.forEach((frontend, f) => {
    lines.push("", `  # frontend ${frontend.name}`, ...frontendMaps(frontend, f, context));
    lines.push(...serverBlock(frontend, f, context));
  });
  lines.push("}", "");
  return { body: lines.join("\n"), mapping: context.log.entries };
}
