import type { DnsMode } from "../../../shared/dns";
import type { CheckResult } from "../../dns/write-verification";
import type { DashboardSession } from "../../types";
import { ActionForm, NEEDS_ADMIN, NEEDS_OPERATOR } from "../common/action-form";
import { formatAge } from "../common/format";
import { dnsLabel } from "../common/labels";
import { formatTime } from "../common/when";
import { fieldErrorsInWords } from "./field-labels";
import { type DnsLiveView, servedKey } from "./status";
import { DnsWriteFact } from "./write";

export const DNS_MODE_LABEL: Record<DnsMode, string> = {
  active_standby: "Active/standby: one A record, the active member's",
  round_robin: "Round robin: one A record per ready member",
};

const sameAddresses = (a: string[], b: string[]) =>
  a.length === b.length && [...a].sort().join() === [...b].sort().join();

/**
 * The DNS tab's live part (GET /ui/pools/:poolId/dns/fragment, swapped in by dashboard/app.js):
 * what the coordinator wants the hostname to serve, and how the last sync went.
 */
export function DnsLive({ live }: { live: DnsLiveView }) {
  const { dns } = live;
  return (
    <div data-server-now={live.generatedAt} data-testid="dns-live">
      <span hidden data-follow-key-for="dns-served" data-key={servedKey(live)} />
      <ul class="facts" aria-label="DNS state">
        <li
          class={dns.state === "in_sync" ? "ok" : "warn"}
          data-testid="dns-state"
          data-dns-state={dns.state}
        >
          {dnsLabel(dns)}
        </li>
        {dns.mode && <li data-testid="dns-mode">Mode: {DNS_MODE_LABEL[dns.mode]}</li>}
        <DnsWriteFact dns={dns} />
      </ul>
      <dl class="dns-facts">
        <dt>Baton wants</dt>
        <dd
          data-testid="dns-desired"
          data-addresses={live.desired?.map((d) => d.address).join(" ")}
        >
          {live.desired === null && <span class="muted">nothing: no DNS provider is set</span>}
          {live.desired?.map((item) => (
            <span class="address">
              {live.hostname} → <strong>{item.address}</strong>{" "}
              <span class="muted">({item.members.join(", ")})</span>
            </span>
          ))}
          {live.desiredNote && <span class="muted">{live.desiredNote}</span>}
        </dd>
        <dt>Last sync</dt>
        <dd data-testid="dns-synced-at">
          {dns.syncedAt === null
            ? "never confirmed by the provider"
            : `${formatTime(dns.syncedAt)} (${formatAge(live.generatedAt - dns.syncedAt)})`}
        </dd>
        <dt>Last error</dt>
        <dd data-testid="dns-last-error" class={dns.lastError ? "error-text" : undefined}>
          {dns.lastError ?? "none"}
        </dd>
      </dl>
    </div>
  );
}

/** What the provider serves now, read when the page was made, against what Baton wants. */
export function DnsActual(props: {
  result: CheckResult;
  desired: string[] | null;
  poolId: string;
}) {
  const { result, desired } = props;
  const matches = result.ok && desired !== null && sameAddresses(result.addresses, desired);
  return (
    <div
      data-testid="dns-actual"
      data-ok={String(result.ok)}
      data-addresses={result.addresses.join(" ")}
    >
      {result.ok ? (
        <p>
          {result.addresses.length === 0 ? (
            <strong>No A record</strong>
          ) : (
            result.addresses.map((address) => <strong class="address">{address}</strong>)
          )}{" "}
          <span class={matches ? "ok" : "warn"} data-testid="dns-actual-match">
            {matches ? "matches what Baton wants" : "differs from what Baton wants"}
          </span>
        </p>
      ) : (
        <p class="flash flash-error" data-testid="dns-actual-error">
          The provider could not be read: {result.detail}
        </p>
      )}
      <p class="muted">
        Read at {formatTime(result.checkedAt)}.{" "}
        <a href={`/pools/${props.poolId}/dns`} data-testid="dns-actual-again">
          Read again
        </a>
      </p>
    </div>
  );
}

/** The answer to "Test connection": what POST /ui/pools/:poolId/dns/test shows. */
export function DnsCheckResult({ result, of }: { result: CheckResult; of: string }) {
  return (
    <div
      class={result.ok ? "flash" : "flash flash-error"}
      data-testid="dns-check"
      data-ok={String(result.ok)}
      data-writable={String(result.writable)}
    >
      <strong>
        {result.ok
          ? "Connection works and Baton can write"
          : result.detail.includes("but writing failed")
            ? "Baton can read but not write"
            : "Connection failed"}
      </strong>{" "}
      ({of}): <span data-testid="dns-check-detail">{result.detail}</span>{" "}
      <span class="muted">· {formatTime(result.checkedAt)}</span>
    </div>
  );
}

/**
 * "Test these settings" before testing: the form has fields to fix. Said in the labels' words,
 * never as "Connection failed"; each message also rides in a <template> that dashboard/app.js
 * puts next to its field when the answer came inline (a full page draws them there itself).
 */
export function DnsFormNotTested({ errors }: { errors: Record<string, string> }) {
  return (
    <div
      class="flash flash-error"
      data-testid="dns-check"
      data-ok="false"
      data-tested="false"
      role="alert"
    >
      <strong>Not tested: fix the fields marked in the form first</strong> (
      {fieldErrorsInWords(errors)}).
      <template data-field-errors>
        {Object.entries(errors).map(([field, message]) => (
          <p data-error-for={field}>{message}</p>
        ))}
      </template>
    </div>
  );
}

/** Test the saved settings (operator+), and remove them (admin, confirmed). */
export function DnsActions(props: {
  poolId: string;
  hasSettings: boolean;
  session: DashboardSession;
  canOperate: boolean;
  canAdmin: boolean;
}) {
  const { poolId, hasSettings, session } = props;
  const noSettings = hasSettings ? null : "No DNS provider is saved";
  return (
    <div class="actions">
      <form method="post" action={`/ui/pools/${poolId}/dns/test`}>
        <input type="hidden" name="_csrf" value={session.csrf} />
        <button
          type="submit"
          id="dns-test"
          data-testid="dns-test"
          data-inline-result="dns-test-result"
          disabled={!props.canOperate || !hasSettings}
          title={(props.canOperate ? null : NEEDS_OPERATOR) ?? noSettings ?? undefined}
        >
          Test connection
        </button>
        <span class="muted">
          {" "}
          Reads the record, then writes and removes a TXT record _baton-check.&lt;hostname&gt; to
          prove Baton can write.
        </span>
      </form>
      <ActionForm
        action={`/ui/pools/${poolId}/dns/remove`}
        confirm="Remove the DNS provider? Baton stops editing the pool's records; the records stay as they are."
        csrf={session.csrf}
        id="dns-remove"
        testId="dns-remove"
        label="Remove DNS provider"
        disabledReason={(props.canAdmin ? null : NEEDS_ADMIN) ?? noSettings}
        danger
      />
    </div>
  );
}
