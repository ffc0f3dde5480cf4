import type { PoolRow } from "../../db/schema/pools";
import { type DesiredMember, desiredAddresses } from "../../dns/desired";
import { type DnsSettingsSummary, type DnsView, dnsViewOf } from "../overview/pool-view";

/** One address the hostname should serve, and whose it is. */
export interface DesiredAddress {
  address: string;
  members: string[];
}

/** The DNS tab's live part: what the coordinator wants served, and how the last sync went. */
export interface DnsLiveView {
  poolId: string;
  hostname: string;
  dns: DnsView;
  /** null when no provider is set (nothing is wanted of anyone). */
  desired: DesiredAddress[] | null;
  /** Why nothing is wanted, when `desired` is empty. */
  desiredNote: string | null;
  generatedAt: number;
}

export interface DnsLiveInput {
  pool: PoolRow;
  dns: DnsSettingsSummary | null;
  /** The coordinator's failover view: each member's address and readiness. */
  members: (DesiredMember & { name: string })[];
  activeMemberId: string | null;
  now: number;
}

/** The DNS tab's live view, from the same plan the coordinator hands its DNS sync. */
export function dnsLiveView(input: DnsLiveInput): DnsLiveView {
  const { pool, dns, members } = input;
  const base = {
    poolId: pool.id,
    hostname: pool.failoverHostname,
    dns: dnsViewOf(pool, dns),
    generatedAt: input.now,
  };
  if (!dns) return { ...base, desired: null, desiredNote: null };
  const addresses = desiredAddresses(
    dns.mode,
    input.activeMemberId,
    members,
    pool.allowPrivateAddresses,
  );
  const desired = addresses.map((address) => ({
    address,
    members: members.filter((member) => member.publicIp === address).map((m) => m.name),
  }));
  let desiredNote: string | null = null;
  if (addresses.length === 0) {
    if (dns.mode === "round_robin") {
      desiredNote =
        "No member is ready with a usable public IPv4: Baton leaves the records as they are.";
    } else if (input.activeMemberId === null) {
      desiredNote = "No active member yet: Baton leaves the record as it is.";
    } else {
      desiredNote =
        "The active member has no usable public IPv4 (none, 0.0.0.0, loopback, or private outside a lab): Baton leaves the record as it is.";
    }
  }
  return { ...base, desired, desiredNote };
}

/**
 * What "the provider serves" was read against: the last confirmed sync and the addresses wanted.
 * When the live part's key moves on (a save's sync, a failover), the page reads the provider
 * again (dashboard/app.js, data-follows-key), so it never shows "No A record" under "in sync".
 */
export function servedKey(live: DnsLiveView): string {
  const wanted = live.desired?.map((item) => item.address).join(",") ?? "";
  return `${live.dns.syncedAt ?? "never"}|${wanted}`;
}
