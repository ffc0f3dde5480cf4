/**
 * The member's public IPv4: BATON_PUBLIC_IP when set; otherwise the address the control plane
 * sees (`GET /agent/v1/whoami`), asked at most once every 5 minutes (a failed ask is retried
 * after 1 minute, the last known address reported meanwhile). An answer that is not an IPv4
 * (IPv6 egress, a proxy's address form) is not reported.
 */
import { isIPv4 } from "node:net";
import type { Whoami } from "../../shared/agent-protocol";
import type { Probe } from "./probe";

export const WHOAMI_CACHE_MS = 5 * 60_000;
export const WHOAMI_RETRY_MS = 60_000;
const WHOAMI_TIMEOUT_MS = 3_000;

export interface WhoamiClient {
  whoami(signal?: AbortSignal): Promise<Whoami>;
}

export interface PublicIpOptions {
  publicIp?: string;
  client?: WhoamiClient;
  now?: () => number;
  timeoutMs?: number;
}

export function publicIpProbe(options: PublicIpOptions): Probe | null {
  const { publicIp, client, now = Date.now, timeoutMs = WHOAMI_TIMEOUT_MS } = options;
  if (publicIp !== undefined) {
    return { name: "publicIp", collect: async () => ({ publicIp }) };
  }
  if (!client) return null;
  let known: string | undefined;
  let nextAskAt = Number.NEGATIVE_INFINITY;
  return {
    name: "publicIp",
    timeoutMs: timeoutMs + 500,
    async collect() {
      const at = now();
      if (at >= nextAskAt) {
        try {
          const { ip } = await client.whoami(AbortSignal.timeout(timeoutMs));
          known = isIPv4(ip) ? ip : undefined;
          nextAskAt = at + WHOAMI_CACHE_MS;
        } catch {
          nextAskAt = at + WHOAMI_RETRY_MS;
        }
      }
      return known === undefined ? {} : { publicIp: known };
    },
  };
}
