import type { DnsProviderKind } from "../../../shared/dns";
import type { CheckResult } from "../../dns/write-verification";
import type { DashboardSession } from "../../types";
import { NEEDS_ADMIN } from "../common/action-form";
import { FormError, Radios, RetypeSecret, Select } from "../common/fields";
import type { FormState } from "../common/form-fields";
import { DNS_FIELD_LABEL } from "./field-labels";
import { KIND_LABEL, ProviderFieldsets } from "./fields";
import type { StoredDnsView } from "./load";
import { DNS_MODE_LABEL, DnsCheckResult, DnsFormNotTested } from "./view";

interface DnsFormProps {
  poolId: string;
  stored: StoredDnsView | null;
  accounts: { id: string; name: string; kind: DnsProviderKind }[];
  state: FormState;
  /** A credential was typed but not saved: it is not shown again, so it must be typed again. */
  typedSecret: boolean;
  session: DashboardSession;
  canAdmin: boolean;
  /** The result of testing the form's values, when the page shows one (no scripts). */
  test?: { result: CheckResult; of: string };
  /** A test of the form's values refused before it ran: the fields to fix (no scripts). */
  notTested?: Record<string, string>;
}

/**
 * The pool's DNS provider (admin): one fieldset per kind (dashboard/app.js shows the chosen
 * one), or a saved account with this pool's overrides, and the DNS mode. Posts the API's PUT
 * body; "Test these settings" checks the form's values without saving them.
 */
export function DnsForm(props: DnsFormProps) {
  const { poolId, stored, accounts, state, session, canAdmin } = props;
  const ownKind = stored && stored.view.accountId === null ? stored.view.provider.kind : null;
  const source =
    state.values.kind ||
    (stored ? (stored.view.accountId ? "account" : String(ownKind)) : "cloudflare");
  return (
    <form
      method="post"
      action={`/ui/pools/${poolId}/dns`}
      class="stacked"
      data-testid="dns-form"
      data-confirm="Save these DNS settings? Baton writes the pool's records with them right away."
    >
      <input type="hidden" name="_csrf" value={session.csrf} />
      <FormError state={state} />
      <RetypeSecret state={state} typed={props.typedSecret} what="credential" />
      {!canAdmin && (
        <p class="muted" data-testid="dns-form-disabled">
          {NEEDS_ADMIN}: you can see these settings but not change them.
        </p>
      )}
      <fieldset class="plain" disabled={!canAdmin}>
        <Select
          name="kind"
          id="dns-kind"
          label={DNS_FIELD_LABEL.kind}
          state={state}
          selected={source}
          options={[
            ...(["cloudflare", "cpanel", "powerdns"] as const).map((kind) => ({
              value: kind,
              label: KIND_LABEL[kind],
            })),
            {
              value: "account",
              label:
                accounts.length > 0
                  ? "A saved DNS account"
                  : "A saved DNS account (none saved yet)",
              disabled: accounts.length === 0,
            },
          ]}
        />
        {canAdmin && (
          <p class="muted" data-testid="dns-accounts-link">
            One credential for several pools: save it on the{" "}
            <a href="/dns-accounts">DNS accounts</a> page, then choose it here.
          </p>
        )}
        <ProviderFieldsets stored={stored} accounts={accounts} state={state} shown={source} />
        <Radios
          name="mode"
          legend="DNS mode"
          state={state}
          selected={stored?.view.mode ?? "active_standby"}
          options={[
            { value: "active_standby", label: DNS_MODE_LABEL.active_standby },
            { value: "round_robin", label: DNS_MODE_LABEL.round_robin },
          ]}
        />
        <div class="actions">
          <button type="submit" class="primary" id="dns-save" data-testid="dns-save">
            Save DNS settings
          </button>
          <button
            type="submit"
            id="dns-test-form"
            formaction={`/ui/pools/${poolId}/dns/test`}
            data-inline-result="dns-form-test-result"
            data-testid="dns-test-form"
          >
            Test these settings
          </button>
        </div>
        <div id="dns-form-test-result" data-testid="dns-form-test-result" aria-live="polite">
          {props.test && <DnsCheckResult result={props.test.result} of={props.test.of} />}
          {props.notTested && <DnsFormNotTested errors={props.notTested} />}
        </div>
      </fieldset>
    </form>
  );
}
