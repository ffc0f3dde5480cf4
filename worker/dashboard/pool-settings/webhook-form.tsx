import type { EventType } from "../../../shared/events";
import { EVENT_TYPES } from "../../../shared/events";
import type { DashboardSession } from "../../types";
import { ActionForm, NEEDS_ADMIN } from "../common/action-form";
import { Checkbox, FormError, Input, Message, RetypeSecret } from "../common/fields";
import type { FormState } from "../common/form-fields";
import { AdminOnly } from "./view";

/** The event types grouped by their prefix (pool, member, job, failover, dns, …). */
function eventGroups(): [string, EventType[]][] {
  const groups = new Map<string, EventType[]>();
  for (const type of EVENT_TYPES) {
    const prefix = type.split(".")[0] ?? type;
    groups.set(prefix, [...(groups.get(prefix) ?? []), type]);
  }
  return [...groups];
}

export interface WebhookView {
  /** In full for admins; scheme and host for everyone else (worker/alerts/mask-url.ts). */
  url: string;
  urlMasked: boolean;
  events: EventType[];
  enabled: boolean;
}

/** The pool's webhook alerts: URL, events, signing secret (write-only), on or off. */
export function WebhookForm(props: {
  poolId: string;
  stored: WebhookView | null;
  defaults: readonly EventType[];
  state: FormState;
  typedSecret: boolean;
  session: DashboardSession;
  canAdmin: boolean;
}) {
  const { poolId, stored, state, session, canAdmin } = props;
  const chosen = new Set(
    state.submitted ? (state.lists.events ?? []) : (stored?.events ?? props.defaults),
  );
  return (
    <>
      <form
        method="post"
        action={`/ui/pools/${poolId}/alerts`}
        class="stacked"
        data-testid="webhook-form"
      >
        <input type="hidden" name="_csrf" value={session.csrf} />
        <FormError state={state} />
        <RetypeSecret state={state} typed={props.typedSecret} what="secret" />
        <AdminOnly canAdmin={canAdmin} what="the webhook settings" />
        <fieldset class="plain" disabled={!canAdmin}>
          <Input
            name="url"
            label="Webhook URL"
            type="url"
            state={state}
            value={stored?.url ?? ""}
            placeholder="https://hooks.example.com/baton"
            hint={
              stored?.urlMasked
                ? "Shown to admins only: a chat webhook's path is its credential."
                : "Slack-compatible JSON (a text field) is posted here: https:// to a public address."
            }
          />
          <Input
            name="secret"
            label="Signing secret"
            type="password"
            state={state}
            hint={
              <span data-testid="secret-state" data-set={String(stored !== null)}>
                {stored
                  ? "Set — leave empty to keep it. Deliveries carry its HMAC in X-Baton-Signature."
                  : "Required: at least 16 characters, shared with the receiver."}
              </span>
            }
          />
          <fieldset class="choice events" data-testid="field-events">
            <legend>Events to send</legend>
            {eventGroups().map(([prefix, types]) => (
              <div class="event-group">
                <span class="muted">{prefix}</span>
                {types.map((type) => (
                  <label class="inline">
                    <input
                      type="checkbox"
                      name="events"
                      value={type}
                      checked={chosen.has(type)}
                      data-testid={`event-${type}`}
                    />{" "}
                    {type}
                  </label>
                ))}
              </div>
            ))}
            <Message name="events" state={state} />
          </fieldset>
          <Checkbox
            name="enabled"
            label="Send alerts (off keeps the settings but sends nothing)"
            state={state}
            checked={stored?.enabled ?? true}
          />
          <div class="actions">
            <button type="submit" class="primary" id="webhook-save" data-testid="webhook-save">
              Save webhook
            </button>
          </div>
        </fieldset>
      </form>
      <div class="actions">
        <ActionForm
          action={`/ui/pools/${poolId}/alerts/remove`}
          confirm="Remove the webhook? Baton stops sending alerts and forgets the URL and secret."
          csrf={session.csrf}
          id="webhook-remove"
          testId="webhook-remove"
          label="Remove webhook"
          disabledReason={(canAdmin ? null : NEEDS_ADMIN) ?? (stored ? null : "No webhook is set")}
          danger
        />
      </div>
    </>
  );
}
