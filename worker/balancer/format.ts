import type { BalancerServer } from "../../shared/balancer";
import type { BalancerMappingEntry } from "../../shared/balancer-api";

/**
 * Paths the rendered files name on every member alike: certificates (shared/certificates.ts:
 * relative to the config file's directory, where the agent writes them), HAProxy's admin socket
 * (the agent's default BATON_HAPROXY_SOCKET) and nginx's logs (Debian's and RHEL's places).
 */
export const HAPROXY_ADMIN_SOCKET = "/run/haproxy/admin.sock";
export const NGINX_LOG_DIR = "/var/log/nginx";

export { certificateFileName as certificatePath } from "../../shared/certificates";

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
