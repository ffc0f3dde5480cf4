import type { Event, EventType } from "../../../shared/events";
import { formatDuration } from "../common/format";

/** What a person reads about an event: one sentence, a second line of detail, and a tone. */
export interface EventText {
  text: string;
  detail: string | null;
  tone: "bad" | "good" | "info";
}

/** Names the timeline uses: pool members by id, dashboard users by `user:<id>`. */
export interface EventNames {
  members: Map<string, string>;
  users: Map<string, string>;
}

/** Who did it: a username for dashboard users; tokens and schedules stay ids. */
export function actorLabel(actor: string, names: EventNames): string {
  const [kind, id = ""] = actor.split(/:(.*)/s);
  switch (kind) {
    case "system":
      return "Baton";
    case "bootstrap":
      return "the bootstrap token";
    case "retention":
      return "backup retention";
    case "user":
      return names.users.get(actor) ?? `deleted user ${id}`;
    case "token":
      return `API token ${id}`;
    case "schedule":
      return `schedule ${id}`;
    case "agent":
      return `the agent of ${names.members.get(id) ?? id}`;
    default:
      return actor;
  }
}

const REASONS: Record<string, string> = {
  heartbeat_lost: "heartbeats missed",
  service_down: "its service reported down",
  cannot_serve: "it could not serve (probe failed or no backend server up)",
  no_active: "the pool had no active member",
  failback: "back to the preferred primary",
  manual: "switched by hand",
  drain: "the active was drained",
};

function reasonText(reason: unknown): string {
  return typeof reason === "string" ? (REASONS[reason] ?? reason.replace(/_/g, " ")) : "unknown";
}

const num = (value: unknown): number | null =>
  typeof value === "number" && Number.isFinite(value) ? value : null;

function memberName(id: unknown, names: EventNames): string {
  if (typeof id !== "string") return "nobody";
  return names.members.get(id) ?? id;
}

/**
 * When the DNS provider confirmed a flip's record: a time, null while it has not, undefined
 * when the pool has no DNS provider to confirm anything.
 */
export type DnsConfirmation = number | null | undefined;

/**
 * A `failover.promoted` event in words: "lb-1 → lb-2 after 3.2 s: heartbeats missed; DNS
 * confirmed in 0.8 s". "After" is how long the old active had been silent when Baton decided
 * (heartbeat losses only); the DNS part comes from the `dns.updated` event that carries the
 * flip's decidedAt.
 */
export function failoverText(
  data: Record<string, unknown>,
  names: EventNames,
  dns: DnsConfirmation,
  actor?: string,
): EventText {
  const decidedAt = num(data.decidedAt);
  const detectedAt = num(data.detectedAt);
  const lastBeatAt = num(data.fromLastHeartbeatAt);
  const silence =
    data.reason === "heartbeat_lost" && decidedAt !== null && lastBeatAt !== null
      ? ` after ${formatDuration(decidedAt - lastBeatAt)}`
      : "";
  const by = data.reason === "manual" && actor ? ` by ${actorLabel(actor, names)}` : "";
  let confirmed = "";
  if (dns === null) confirmed = "; DNS not confirmed yet";
  else if (dns !== undefined && decidedAt !== null) {
    confirmed = `; DNS confirmed in ${formatDuration(dns - decidedAt)}`;
  }
  // A pool's first active member took traffic from nobody.
  const who =
    typeof data.from === "string"
      ? `${memberName(data.from, names)} → ${memberName(data.to, names)}`
      : `${memberName(data.to, names)} takes the traffic`;
  const text = `${who}${silence}: ${reasonText(data.reason)}${by}${confirmed}`;
  const parts: string[] = [];
  if (typeof data.toIp === "string") {
    parts.push(
      typeof data.fromIp === "string" ? `${data.fromIp} → ${data.toIp}` : `to ${data.toIp}`,
    );
  }
  if (detectedAt !== null && decidedAt !== null && data.reason !== "manual") {
    const lag = decidedAt - detectedAt;
    parts.push(
      lag >= 100 ? `decided ${formatDuration(lag)} after detection` : "decided on detection",
    );
  }
  const failed = ["heartbeat_lost", "service_down", "cannot_serve"].includes(String(data.reason));
  return { text, detail: parts.join(" · ") || null, tone: failed ? "bad" : "info" };
}

/** A `failover.no_ready_standby` alert: traffic stayed because no standby could take it. */
export function noStandbyText(data: Record<string, unknown>, names: EventNames): EventText {
  const stays = data.activeId
    ? `traffic stays on ${memberName(data.activeId, names)}`
    : "no traffic";
  return {
    text: `No ready standby: ${stays} (${reasonText(data.failure)})`,
    detail: "Baton never moves traffic to a member it believes is down",
    tone: "bad",
  };
}

const GOOD: readonly EventType[] = [
  "member.online",
  "job.succeeded",
  "dns.updated",
  "dns.recovered",
  "backup.stored",
  "failover.resumed",
];
const BAD: readonly EventType[] = [
  "member.offline",
  "job.failed",
  "job.timed_out",
  "dns.error",
  "dns.drift_repaired",
];

/** Any event in words: failovers get their timings; the rest say what their message says. */
export function eventText(event: Event, names: EventNames, dns: DnsConfirmation): EventText {
  if (event.type === "failover.promoted") return failoverText(event.data, names, dns, event.actor);
  if (event.type === "failover.no_ready_standby") return noStandbyText(event.data, names);
  const tone = GOOD.includes(event.type) ? "good" : BAD.includes(event.type) ? "bad" : "info";
  return { text: event.message, detail: null, tone };
}
