import { EventListQuery, type EventType } from "../../../shared/events";

/**
 * The Events tab's categories and the event types each one shows, as the admin API's `?type=`
 * filter spells them (exact types, or prefixes such as `member.*`). A type may be in two
 * categories: a drain is a member's state and a change someone made.
 */
export const EVENT_CATEGORIES = [
  { id: "failover", label: "Failover", types: ["failover.*"] },
  { id: "members", label: "Members", types: ["member.*"] },
  { id: "jobs", label: "Jobs and backups", types: ["job.*", "backup.*"] },
  { id: "dns", label: "DNS", types: ["dns.*"] },
  { id: "certificates", label: "Certificates", types: ["certificate.*"] },
  { id: "balancer", label: "Balancer and rollouts", types: ["balancer.*", "rollout.*"] },
  {
    id: "changes",
    label: "Changes (audit)",
    types: [
      "pool.*",
      "token.*",
      "user.*",
      "member.enrolled",
      "member.updated",
      "member.secret_rotated",
      "member.removed",
      "member.schedules_updated",
      "member.drained",
      "member.undrained",
      "failover.paused",
      "failover.resumed",
      "dns.account_saved",
      "dns.account_removed",
      "backup.deleted",
      "certificate.uploaded",
      "certificate.deleted",
      "job.queued",
      "job.cancelled",
      "balancer.revised",
      "balancer.detached",
      "balancer.settings_updated",
      "rollout.started",
      "rollout.aborted",
    ],
  },
] as const satisfies { id: string; label: string; types: string[] }[];

export type EventCategory = (typeof EVENT_CATEGORIES)[number]["id"];

/** What the Events tab shows: no categories means all of them; no member means every one. */
export interface EventFilter {
  categories: EventCategory[];
  memberId: string | null;
}

const CATEGORY_IDS: readonly string[] = EVENT_CATEGORIES.map((category) => category.id);

/** The filter of the page's query (`?cat=failover&cat=dns&member=mem_…`); unknown values are dropped. */
export function eventFilterOf(query: { cat?: string[]; member?: string }): EventFilter {
  const categories = EVENT_CATEGORIES.map((category) => category.id).filter((id) =>
    (query.cat ?? []).includes(id),
  );
  const member = query.member?.trim();
  return { categories, memberId: member ? member.slice(0, 100) : null };
}

/**
 * The event types the filter's categories show, checked by the API's own query schema; undefined
 * when every type is shown (no category chosen, or all of them).
 */
export function eventTypesOf(filter: EventFilter): string[] | undefined {
  if (filter.categories.length === 0 || filter.categories.length === CATEGORY_IDS.length) {
    return undefined;
  }
  const types = new Set<string>(
    EVENT_CATEGORIES.filter((category) => filter.categories.includes(category.id)).flatMap(
      (category) => category.types,
    ),
  );
  return EventListQuery.parse({ type: [...types].join(",") }).type;
}

/** Whether an event of `type` is in `category` (for its label in the timeline). */
export function inCategory(type: EventType, category: EventCategory): boolean {
  const spec = EVENT_CATEGORIES.find((candidate) => candidate.id === category);
  return (spec?.types ?? []).some((pattern: string) =>
    pattern.endsWith(".*") ? type.startsWith(pattern.slice(0, -1)) : pattern === type,
  );
}

/** The first category an event belongs to: its label on the timeline. */
export function categoryOf(type: EventType): EventCategory {
  return EVENT_CATEGORIES.find((category) => inCategory(type, category.id))?.id ?? "changes";
}

/** The query string of a filter (and a page cursor): links and the live fragment keep it. */
export function filterQuery(filter: EventFilter, cursor?: string | null): string {
  const query = new URLSearchParams();
  for (const category of filter.categories) query.append("cat", category);
  if (filter.memberId) query.set("member", filter.memberId);
  if (cursor) query.set("cursor", cursor);
  const text = query.toString();
  return text ? `?${text}` : "";
}
