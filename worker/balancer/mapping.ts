/**
 * What each field of the balancer model becomes in HAProxy 2.6 and in nginx 1.22 (open
 * source). Where nginx has no such feature the renderer writes the nearest honest equivalent
 * and says how it differs (NGINX_NOTES); where it has none at all the field is refused
 * (refusals.ts). The README's mapping table is this table.
 */

export interface FieldMapping {
  field: string;
  haproxy: string;
  nginx: string;
  /** `nearest`: nginx behaves differently in the way its note says. */
  nginxFidelity: "same" | "nearest";
}

/** Why an nginx rendering is only the nearest equivalent, per field. */
export const NGINX_NOTES = {
  healthCheck:
    "nginx open source has no active health checks: a server is skipped for fail_timeout after max_fails failed requests (connection errors, timeouts, and 500/502/503/504 answers outside the expected status range, which are retried on another server); the health path itself is never requested",
  stickyCookie:
    "nginx open source cannot insert a server cookie: requests hash on the cookie's value (consistent), and a client without it gets a random one on its first answer, so it stays on one server from then on",
  stickySource:
    "a consistent hash of the client address, not a table: a client may move when a server leaves or returns",
  drain:
    "nginx open source has no drain state: the server is marked down, so sticky clients move too",
  clientTimeout:
    "nginx times a client per read, write and keep-alive wait (client_body_timeout, send_timeout, keepalive_timeout), HAProxy per inactivity",
  backendTimeouts:
    "nginx sets proxy timeouts per location: a frontend routing to several backends uses their largest",
  maxConnections:
    "when every server is at its limit nginx answers 502 at once; HAProxy queues the request",
  routes:
    "nginx matches the normalised path ($uri: percent-decoded, // merged), HAProxy the path as sent",
} as const;

export const FIELD_MAPPING: readonly FieldMapping[] = [
  {
    field: "frontends[].binds[] address, port",
    haproxy: "`bind <address>:<port>` (`bind :<port>` for all IPv4)",
    nginx: "`listen <address>:<port>` (`listen <port>`)",
    nginxFidelity: "same",
  },
  {
    field: "frontends[].binds[].tls.certificateId",
    haproxy: "`bind … ssl crt baton-certs/<id>.pem` (`default-path config` in global)",
    nginx:
      "`listen … ssl` + `ssl_certificate` and `ssl_certificate_key baton-certs/<id>.pem` (one certificate per frontend)",
    nginxFidelity: "same",
  },
  {
    field: "frontends[].hostnames",
    haproxy: "`acl baton_known_host` + `http-request deny deny_status 404 unless baton_known_host`",
    nginx: "`server_name` + `map $host … { hostnames; }` + `return 404`",
    nginxFidelity: "same",
  },
  {
    field: "frontends[].routes[] host, pathPrefix → backend",
    haproxy: "`use_backend <b> if { hdr(host),field(1,:) -i <host> } { path_beg <prefix> }`",
    nginx: '`map "$host$uri"` with one regex per route, in order → `proxy_pass http://$…_backend`',
    nginxFidelity: "same",
  },
  {
    field: "frontends[].defaultBackend",
    haproxy: "`default_backend <b>`",
    nginx: "the map's `default`, or `proxy_pass http://<b>`",
    nginxFidelity: "same",
  },
  {
    field: "frontends[].forwardedHeaders",
    haproxy: "`option forwardfor` + `http-request set-header X-Forwarded-Proto/X-Forwarded-Host`",
    nginx:
      "`proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for`, `-Proto $scheme`, `-Host $host`",
    nginxFidelity: "same",
  },
  {
    field: "frontends[].redirectToHttps",
    haproxy: "`http-request redirect scheme https code 301 unless { ssl_fc }`",
    nginx: "`if ($scheme = http) { return 301 https://$host$request_uri; }`",
    nginxFidelity: "same",
  },
  {
    field: "frontends[].timeouts.clientMs",
    haproxy: "`timeout client`",
    nginx: "`client_body_timeout`, `send_timeout`, `keepalive_timeout`",
    nginxFidelity: "nearest",
  },
  {
    field: "frontends[].timeouts.httpRequestMs",
    haproxy: "`timeout http-request`",
    nginx: "`client_header_timeout`",
    nginxFidelity: "same",
  },
  {
    field: "backends[].strategy",
    haproxy:
      "`balance roundrobin` · `leastconn` · `source` · `uri` (the last two with `hash-type consistent`)",
    nginx: "(default) · `least_conn` · `hash $remote_addr consistent` · `hash $uri consistent`",
    nginxFidelity: "same",
  },
  {
    field: "backends[].healthCheck",
    haproxy:
      "`option httpchk GET <path>`, `http-check expect status <min>-<max>`, `timeout check`, `default-server inter <interval> rise <rise> fall <fall>`, `check` on each server",
    nginx:
      "`max_fails=<fall> fail_timeout=<interval × rise>` on each server + `proxy_next_upstream error timeout http_5xx` (passive)",
    nginxFidelity: "nearest",
  },
  {
    field: "backends[] without healthCheck",
    haproxy: "no `check`: servers are never marked down",
    nginx: "`max_fails=0`: servers are never marked down",
    nginxFidelity: "same",
  },
  {
    field: "backends[].sticky cookie",
    haproxy: "`cookie <name> insert indirect nocache httponly` + `cookie <server>` on each server",
    nginx:
      "`hash $cookie_<name> consistent` (a random key set as the cookie when the client has none)",
    nginxFidelity: "nearest",
  },
  {
    field: "backends[].sticky source",
    haproxy: "`stick-table type ipv6 size 100k expire 30m` + `stick on src`",
    nginx: "`hash $remote_addr consistent`",
    nginxFidelity: "nearest",
  },
  {
    field: "backends[].timeouts connectMs, serverMs",
    haproxy: "`timeout connect`, `timeout server`",
    nginx: "`proxy_connect_timeout`, `proxy_read_timeout` + `proxy_send_timeout`",
    nginxFidelity: "nearest",
  },
  {
    field: "servers[] name, address, port",
    haproxy: "`server <name> <address>:<port>`",
    nginx: "`server <address>:<port>` (nginx servers have no names)",
    nginxFidelity: "same",
  },
  {
    field: "servers[].weight",
    haproxy: "`weight <n>`",
    nginx: "`weight=<n>`",
    nginxFidelity: "same",
  },
  {
    field: "servers[].maxConnections",
    haproxy: "`maxconn <n>` (excess requests queue)",
    nginx: "`max_conns=<n>`",
    nginxFidelity: "nearest",
  },
  {
    field: "servers[].backup",
    haproxy: "`backup`",
    nginx: "`backup` (refused in hash upstreams: source, uri_hash, sticky)",
    nginxFidelity: "same",
  },
  {
    field: "servers[].state drain",
    haproxy: "`weight 0` (sticky clients stay, no new ones)",
    nginx: "`down`",
    nginxFidelity: "nearest",
  },
  {
    field: "servers[].state maint",
    haproxy: "`disabled`",
    nginx: "`down`",
    nginxFidelity: "same",
  },
];
