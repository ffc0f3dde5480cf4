import type { BalancerMappingEntry, BalancerServer } from "../../shared/balancer";

/**
 * Paths the rendered files name on every member alike: where the agent writes certificates
 * (relative to the config file's directory, see the balancer contract), HAProxy's admin socket
 * (the agent's default BATON_HAPROXY_SOCKET) and nginx's logs (Debian's and RHEL's places).
 */
export const CERTIFICATE_DIR = "baton-certs";
export const HAPROXY_ADMIN_SOCKET = "/run/haproxy/admin.sock";
export const NGINX_LOG_DIR = "/var/log/nginx";

export function certificatePath(certificateId: string): string {
  return `${CERTIFICATE_DIR}/${certificateId}.pem`;
}

/** A duration both HAProxy and nginx read: whole seconds as `30s`, anything else as `1500ms`. */
export function duration(ms: number): string {
  return ms % 1000 === 0 ? `${ms / 1000}s` : `${ms}ms`;
}

/** `address:port`, with IPv6 addresses in brackets as both daemons want them. */
export function hostPort(server: Pick<BalancerServer, "address" | "port">): string {
  return server.address.includes(":")
    ? `[${server.address}]:${server.port}`
    : `${server.address}:${server.port}`;
}

/** Collects what a renderer wrote for each field of the model, in the order it wrote it. */
export class MappingLog {
  readonly entries: BalancerMappingEntry[] = [];

  same(path: string, renders: string, note?: string): void {
    this.entries.push({ path, renders, fidelity: "same", ...(note && { note }) });
  }

  nearest(path: string, renders: string, note: string): void {
    this.entries.push({ path, renders, fidelity: "nearest", note });
  }
}
