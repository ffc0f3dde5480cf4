import type { AlertPayload } from "../../shared/alerts";
import type { Event, EventType } from "../../shared/events";

/** Events that need someone now get a siren; recoveries a tick; anything else is informational. */
const EMOJI: Partial<Record<EventType, string>> = {
  "failover.promoted": ":rotating_light:",
  "failover.no_ready_standby": ":rotating_light:",
  "member.offline": ":rotating_light:",
  "dns.error": ":rotating_light:",
  "certificate.expired": ":rotating_light:",
  "certificate.expiring": ":warning:",
  "member.online": ":white_check_mark:",
  "dns.recovered": ":white_check_mark:",
};
const INFO_EMOJI = ":information_source:";

/** Slack reads `&`, `<` and `>` as markup; a line break would split the one-line summary. */
export function slackEscape(text: string): string {
  return text
    .replace(/&/g, "&amp;")
    .replace(/</g, "&lt;")
    .replace(/>/g, "&gt;")
    .replace(/\s*[\r\n]+\s*/g, " ");
}

/** An event of a pool; alerts are only sent for those. */
export type PoolEvent = Event & { poolId: string };

/**
 * The webhook body for one event. `id` is the event's id so retries carry the same one;
 * `sentAt` is restamped by `sendAlert` on every attempt.
 */
export function alertPayload(event: PoolEvent, poolName: string, now: number): AlertPayload {
  const emoji = EMOJI[event.type] ?? INFO_EMOJI;
  return {
    id: event.id,
    type: event.type,
    poolId: event.poolId,
    poolName,
    memberId: event.memberId,
    message: event.message,
    text: `${emoji} *${slackEscape(poolName)}*: ${slackEscape(event.message)}`,
    data: event.data,
    at: event.at,
    sentAt: now,
  };
}
