/**
 * The directories a service's config may use paths in, by use. Reads stay inside the allowed
 * directories (the service's config dir, Baton's TLS dir, BATON_ALLOWED_DIRS) plus the public
 * CA bundle; writes go only to the daemon's runtime and log directories, never to its config or
 * TLS dir (a log written there could become config or a key); nginx serves files only from web
 * roots and loads modules only from the distribution's module directories. Every list is fixed
 * here or set by the VM's admin in agent.env: nothing the control plane sends widens it.
 */
import { normalize } from "node:path";
import type { MonitoredService } from "../../shared/agent-protocol";
import type { AgentConfig } from "../config";
import { allowedDirs } from "./allowed-dirs";
import type { PolicyDirs } from "./rules";

/** Public CA bundles (ca-certificates): reading them leaks nothing. */
export const PUBLIC_CA_DIRS = ["/etc/ssl/certs", "/etc/pki/tls/certs", "/etc/pki/ca-trust"];

/** Where each daemon keeps what it writes at run time, as Debian and RHEL package it. */
export const RUNTIME_DIRS: Record<MonitoredService, readonly string[]> = {
  haproxy: ["/run/haproxy", "/var/run/haproxy", "/var/lib/haproxy", "/var/log/haproxy"],
  nginx: ["/var/log/nginx", "/run/nginx", "/var/run/nginx", "/var/lib/nginx", "/var/cache/nginx"],
};

/** Single files a daemon writes: its packaged pid files, and the null and standard streams. */
export const RUNTIME_FILES: Record<MonitoredService, readonly string[]> = {
  haproxy: ["/run/haproxy.pid", "/var/run/haproxy.pid", "/dev/null"],
  nginx: ["/run/nginx.pid", "/var/run/nginx.pid", "/dev/null", "/dev/stderr", "/dev/stdout"],
};

/** The system logger's sockets (HAProxy `log /dev/log`). */
export const SYSLOG_SOCKETS = [
  "/dev/log",
  "/run/systemd/journal/dev-log",
  "/run/systemd/journal/syslog",
];

/** Web roots nginx may serve files from (`root`, `alias`). */
export const WEB_ROOTS = ["/var/www", "/usr/share/nginx/html", "/srv/www"];

/** Where Debian and RHEL install nginx's dynamic modules (`load_module`). */
export const NGINX_MODULE_DIRS = [
  "/usr/lib/nginx/modules",
  "/usr/lib64/nginx/modules",
  "/usr/share/nginx/modules",
];

/**
 * The directories by use for `service` with its config in `configDir`. BATON_ALLOWED_DIRS
 * widens every use; the admin socket named by BATON_HAPROXY_SOCKET may be created too.
 */
export function policyDirs(
  service: MonitoredService,
  config: Pick<AgentConfig, "extraAllowedDirs" | "haproxySocket">,
  configDir: string,
): PolicyDirs {
  const allowed = allowedDirs(config, configDir);
  const extra = (config.extraAllowedDirs ?? []).map((dir) => normalize(dir).replace(/\/+$/, ""));
  const socket = service === "haproxy" && config.haproxySocket ? [config.haproxySocket] : [];
  const write = [...RUNTIME_DIRS[service], ...RUNTIME_FILES[service], ...socket, ...extra];
  return {
    read: [...allowed, ...PUBLIC_CA_DIRS],
    write,
    serve: [...WEB_ROOTS, ...extra],
    module: NGINX_MODULE_DIRS,
    connect: [...RUNTIME_DIRS[service], ...SYSLOG_SOCKETS, ...extra],
  };
}
