import type { DnsMode, DnsProviderKind } from "../../../shared/dns";
import type { HaproxyStatRow } from "../../../shared/haproxy-stat";
import type { MonitoredService, ServiceActiveState, Transport } from "../../../shared/heartbeat";
import type { PoolProfile } from "../../../shared/pools";
import type { HeartbeatLogSnapshot } from "../../coordinator/heartbeat-log";
import type { LiveMember } from "../../coordinator/live-member";
import type { MemberRow } from "../../db/schema/members";
import type { PoolRow } from "../../db/schema/pools";
import { policyOf } from "../../failover/inputs";
import { type PoolHealth, poolHealth } from "../../failover/pool-health";
import { type Liveness, type MemberStanding, memberStanding } from "../../failover/standing";
import { type MemberParity, parityOf } from "../balancer/parity";
import { configDiffers } from "./config-differs";
import { type BeatCell, beatBar } from "./heartbeat-bar";
import { type MemberFlow, memberFlow } from "./member-flow";

export type { Liveness };

/**
 * What a member's colour says: carrying traffic, could take it, could not, heard from later than
 * half the failover delay, an active that would not serve, or unreachable.
 */
export type Tone = "active" | "ready" | "not-ready" | "late" | "failing" | "offline";

/** Where the member stands in failover's own terms (`serving`, `late`: see MemberStanding), and more. */
export interface MemberView extends Omit<MemberStanding, "failoverMember"> {
  id: string;
  name: string;
  hostname: string;
  tone: Tone;
  priority: number;
  draining: boolean;
  disabled: boolean;
  lastHeartbeatAt: number | null;
  publicIp: string | null;
  agentVersion: string | null;
  /** How its heartbeats travel (WebSocket or HTTP); null until heard since the coordinator started. */
  transport: Transport | null;
  services: { name: MonitoredService; state: ServiceActiveState }[];
  cpuPercent: number | null;
  memUsedBytes: number | null;
  memTotalBytes: number | null;
  /** The last few minutes of heartbeats, a cell per 10 s (empty until the loader adds them). */
  beats: BeatCell[];
  /** Its managed balancer file against the active's (poolView adds it). */
  parity?: MemberParity;
  /** What the flow diagram draws behind it: its frontends, backends, servers (poolView adds it). */
  flow?: MemberFlow;
}

export type ServerState = "up" | "down" | "drain" | "maint" | "unchecked" | "unknown";

export interface ServerView {
  name: string;
  status: string;
  up: boolean;
  state: ServerState;
  addr: string | null;
  checkStatus: string | null;
  /** Current sessions and new sessions per second, from the latest table (null without one). */
  scur: number | null;
  rate: number | null;
}

export interface BackendView {
  name: string;
  status: string;
  serversUp: number;
  serversTotal: number;
  currentSessions: number;
  /** New sessions per second, from the latest table (null without one). */
  rate: number | null;
  servers: ServerView[];
}

/** One of the active's HAProxy frontends: where clients' connections land. */
export interface FrontendView {
  name: string;
  status: string;
  scur: number;
  /** New sessions per second. */
  rate: number;
  /** HTTP requests per second; null when the agent does not report it (TCP, older agents). */
  reqRate: number | null;
}

/**
 * Where clients go: the addresses the DNS provider serves (as last confirmed) and whose they
 * are. Null when not known (no provider, or nothing confirmed since the coordinator started).
 */
export interface ServedView {
  addresses: string[];
  /** The member serving the first address; null when it is nobody's. */
  memberId: string | null;
  memberName: string | null;
}

export type DnsState = "in_sync" | "error" | "pending" | "not_connected";

export interface DnsView {
  state: DnsState;
  provider: DnsProviderKind | null;
  mode: DnsMode | null;
  syncedAt: number | null;
  lastError: string | null;
  /** When Baton last proved it can write with the settings, and who asked (null: not yet). */
  writeVerifiedAt: number | null;
  writeVerifiedBy: string | null;
  writeCheckError: string | null;
}

/** The columns of a pool's DNS settings row the views read (never the sealed credentials). */
export interface DnsSettingsSummary {
  kind: DnsProviderKind;
  mode: DnsMode;
  writeVerifiedAt: number | null;
  writeVerifiedBy: string | null;
  writeCheckError: string | null;
}

export interface SetupItem {
  key: "dns" | "members" | "never_seen";
  message: string;
}

/** Everything the pool overview draws: the flow diagram, the member cards and the banner. */
export interface PoolView {
  id: string;
  name: string;
  profile: PoolProfile;
  hostname: string;
  autoFailover: boolean;
  lastFlipAt: number | null;
  dns: DnsView;
  active: MemberView | null;
  standbys: MemberView[];
  /**
   * Every member by priority, then id: an order a failover does not change, so cards stay where
   * the operator's eyes are (the badge and the diagram say which one is active).
   */
  members: MemberView[];
  backends: BackendView[];
  frontends: FrontendView[];
  served: ServedView | null;
  setup: SetupItem[];
  health: PoolHealth;
  /** The latest flip in words and when, filled in by the page loader (an events read). */
  lastFailover?: { at: number; text: string } | null;
  /** Members that would serve traffic now (online, service up, frontend serving). */
  membersServing: number;
  generatedAt: number;
}

export interface PoolViewInput {
  pool: PoolRow;
  members: MemberRow[];
  /** The coordinator's live state; members it has not heard from since it started are absent. */
  live: LiveMember[];
  dns: DnsSettingsSummary | null;
  /** Each member's latest `show stat` table by member id (absent or null: none). */
  stats: Record<string, HaproxyStatRow[] | null>;
  /** The coordinator's recent heartbeat arrivals and what DNS serves (absent: not asked). */
  traffic?: { heartbeats: HeartbeatLogSnapshot; dnsServes: string[] | null } | null;
  /** What each member's last succeeded rollout step applied (absent: not read). */
  applied?: Map<string, { revision: number; sha256: string }>;
  now: number;
}

export function dnsViewOf(pool: PoolRow, dns: PoolViewInput["dns"]): DnsView {
  const base = {
    provider: dns?.kind ?? null,
    mode: dns?.mode ?? null,
    syncedAt: pool.dnsSyncedAt,
    lastError: pool.dnsLastError,
    writeVerifiedAt: dns?.writeVerifiedAt ?? null,
    writeVerifiedBy: dns?.writeVerifiedBy ?? null,
    writeCheckError: dns?.writeCheckError ?? null,
  };
  if (!dns) return { ...base, state: "not_connected" };
  if (pool.dnsLastError) return { ...base, state: "error" };
  return { ...base, state: pool.dnsSyncedAt === null ? "pending" : "in_sync" };
}

/** One member as the dashboard shows it: catalog row, live state and failover's readiness. */
export function memberView(
  pool: PoolRow,
  row: MemberRow,
  live: LiveMember | undefined,
  now: number,
) {
  const standing = memberStanding(pool, row, live, now);
  const { role, liveness, ready, serving, late } = standing;
  const { lastHeartbeatAt, publicIp, services } = standing.failoverMember;
  const policy = policyOf(pool);
  const tone: Tone =
    liveness !== "online"
      ? "offline"
      : role === "active" && !serving
        ? "failing"
        : late
          ? "late"
          : role === "active"
            ? "active"
            : ready
              ? "ready"
              : "not-ready";
  return {
    id: row.id,
    name: row.name,
    hostname: row.hostname,
    role,
    liveness,
    ready,
    notReadyReasons: standing.notReadyReasons,
    serving,
    late,
    tone,
    priority: row.priority,
    draining: row.draining,
    disabled: row.disabled,
    lastHeartbeatAt,
    publicIp,
    agentVersion: live?.agentVersion ?? row.agentVersion,
    transport: live?.transport ?? null,
    // A HAProxy pool's cards show HAProxy, not the nginx every agent also reports as inactive.
    services: Object.entries(services)
      .filter(([name]) => !policy.monitoredService || name === policy.monitoredService)
      .map(([name, state]) => ({
        name: name as MonitoredService,
        state: state as ServiceActiveState,
      })),
    cpuPercent: live?.host?.cpuPercent ?? null,
    memUsedBytes: live?.host?.memUsedBytes ?? null,
    memTotalBytes: live?.host?.memTotalBytes ?? null,
    beats: [],
  } satisfies MemberView;
}

/** Whose address the provider serves: the member with the first served address. */
export function servedOf(addresses: string[] | null, members: MemberView[]): ServedView | null {
  if (addresses === null || addresses.length === 0) return null;
  const owner = members.find((member) => member.publicIp === addresses[0]) ?? null;
  return { addresses, memberId: owner?.id ?? null, memberName: owner?.name ?? null };
}

export function setupItems(pool: PoolRow, dns: DnsView, members: MemberView[]): SetupItem[] {
  const items: SetupItem[] = [];
  if (dns.state === "not_connected") {
    items.push({
      key: "dns",
      message: `DNS is not connected: ${pool.failoverHostname} will not follow failover until the pool has a DNS provider.`,
    });
  }
  if (members.length < 2) {
    items.push({
      key: "members",
      message: `The pool has ${members.length} member${members.length === 1 ? "" : "s"}: failover needs at least two.`,
    });
  }
  for (const member of members.filter((each) => each.liveness === "never_seen")) {
    items.push({
      key: "never_seen",
      message: `${member.name} has never been seen: run its install command on the VM.`,
    });
  }
  return items;
}

const byPriority = (a: MemberView, b: MemberView) =>
  a.priority - b.priority || (a.id < b.id ? -1 : 1);

/** Turns a pool, its members and the coordinator's live state into what the overview draws. */
export function poolView(input: PoolViewInput): PoolView {
  const { pool, now } = input;
  const live = new Map(input.live.map((member) => [member.memberId, member]));
  const heartbeats = input.traffic?.heartbeats;
  const activeSha = live.get(pool.activeMemberId ?? "")?.balancer?.sha256 ?? null;
  const views = input.members.map((row) => {
    const memberLive = live.get(row.id);
    const parity = parityOf({
      onDisk: memberLive?.balancer ?? null,
      heard: memberLive !== undefined,
      active: row.id === pool.activeMemberId,
      activeSha,
      applied: input.applied?.get(row.id) ?? null,
      problem: memberLive?.parityProblem ?? null,
    });
    const differs = configDiffers({
      member: memberLive?.balancer ?? null,
      active: live.get(pool.activeMemberId ?? "")?.balancer ?? null,
      isActive: row.id === pool.activeMemberId,
      heard: memberLive !== undefined,
    });
    const flow = memberFlow(memberLive, input.stats[row.id] ?? null, differs);
    const view = { ...memberView(pool, row, memberLive, now), parity, flow };
    if (!heartbeats) return view;
    const arrivals = heartbeats.arrivals[row.id] ?? [];
    const failoverDelayMs = policyOf(pool).failoverDelayMs;
    return { ...view, beats: beatBar({ arrivals, since: heartbeats.since, now, failoverDelayMs }) };
  });
  const active = views.find((member) => member.role === "active") ?? null;
  const standbys = views.filter((member) => member.role === "standby").sort(byPriority);
  const dns = dnsViewOf(pool, input.dns);
  return {
    id: pool.id,
    name: pool.name,
    profile: pool.profile,
    hostname: pool.failoverHostname,
    autoFailover: pool.autoFailover,
    lastFlipAt: pool.lastFlipAt,
    dns,
    active,
    standbys,
    members: [...views].sort(byPriority),
    backends: active?.flow.backends ?? [],
    frontends: active?.flow.frontends ?? [],
    served:
      dns.state === "not_connected" ? null : servedOf(input.traffic?.dnsServes ?? null, views),
    setup: setupItems(pool, dns, views),
    health: poolHealth({ autoFailover: pool.autoFailover, dns, active, standbys }),
    membersServing: views.filter((member) => member.serving).length,
    generatedAt: now,
  };
}
