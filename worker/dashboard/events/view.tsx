import type { Event } from "../../../shared/events";
import { When } from "../common/when";
import { categoryOf, EVENT_CATEGORIES, type EventFilter, filterQuery } from "./filter";
import { actorLabel, type DnsConfirmation, type EventNames, eventText } from "./text";

const CATEGORY_LABEL = Object.fromEntries(
  EVENT_CATEGORIES.map((category) => [category.id, category.label]),
);

/** The filter form: a GET, so the filter stays in the URL and works without scripts. */
export function EventFilters(props: {
  poolId: string;
  filter: EventFilter;
  members: { id: string; name: string }[];
}) {
  const { poolId, filter, members } = props;
  return (
    <form
      method="get"
      action={`/pools/${poolId}/events`}
      class="event-filters"
      data-testid="event-filters"
    >
      <fieldset>
        <legend>Show</legend>
        {EVENT_CATEGORIES.map((category) => (
          <label class="inline">
            <input
              type="checkbox"
              name="cat"
              value={category.id}
              checked={filter.categories.includes(category.id)}
              data-testid={`event-cat-${category.id}`}
            />{" "}
            {category.label}
          </label>
        ))}
      </fieldset>
      <div class="row">
        <label for="event-member">Member</label>{" "}
        <select id="event-member" name="member" data-testid="event-member">
          <option value="">Every member</option>
          {members.map((member) => (
            <option value={member.id} selected={member.id === filter.memberId}>
              {member.name}
            </option>
          ))}
        </select>{" "}
        <button type="submit" data-testid="event-filter-submit">
          Filter
        </button>{" "}
        <a href={`/pools/${poolId}/events`}>Show everything</a>
      </div>
      <p class="muted hint">No box ticked shows every kind of event.</p>
    </form>
  );
}

interface TimelineProps {
  poolId: string;
  events: Event[];
  names: EventNames;
  /** DNS confirmations of flips by their decidedAt; null when the pool has no DNS provider. */
  confirmations: Map<number, number> | null;
  filter: EventFilter;
  cursor: string | null;
  nextCursor: string | null;
  now: number;
}

function dnsOf(event: Event, confirmations: Map<number, number> | null): DnsConfirmation {
  if (confirmations === null) return undefined;
  const decidedAt = event.data.decidedAt;
  return typeof decidedAt === "number" ? (confirmations.get(decidedAt) ?? null) : null;
}

/**
 * The pool's events, newest first, with links to older pages. The first page is what
 * GET /ui/pools/:poolId/events/fragment returns, so a failover appears on it without a reload.
 */
export function EventTimeline(props: TimelineProps) {
  const { poolId, events, names, confirmations, filter, cursor, nextCursor, now } = props;
  const base = `/pools/${poolId}/events`;
  return (
    <div data-server-now={now}>
      {events.length === 0 ? (
        <p class="empty" data-testid="no-events">
          {cursor ? "No older events." : "No events match this filter yet."}
        </p>
      ) : (
        <ol class="timeline" data-testid="event-list">
          {events.map((event) => {
            const said = eventText(event, names, dnsOf(event, confirmations));
            const category = categoryOf(event.type);
            const member = event.memberId
              ? (names.members.get(event.memberId) ?? event.memberId)
              : null;
            return (
              <li
                class={`event tone-${said.tone}`}
                data-testid="event"
                data-event-id={event.id}
                data-type={event.type}
                data-category={category}
              >
                <p class="event-head">
                  <span class="event-cat">{CATEGORY_LABEL[category]}</span> <When at={event.at} />
                </p>
                <p class="event-text" data-testid="event-text">
                  {said.text}
                </p>
                <p class="event-meta muted">
                  {[
                    said.detail,
                    member && `member ${member}`,
                    `by ${actorLabel(event.actor, names)}`,
                    event.type,
                  ]
                    .filter(Boolean)
                    .join(" · ")}
                </p>
              </li>
            );
          })}
        </ol>
      )}
      <nav class="pager" aria-label="Event pages">
        {cursor && <a href={`${base}${filterQuery(filter)}`}>Newest events</a>}
        {nextCursor && (
          <a href={`${base}${filterQuery(filter, nextCursor)}`} data-testid="events-older">
            Older events
          </a>
        )}
      </nav>
    </div>
  );
}
