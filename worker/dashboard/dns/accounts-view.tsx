import type { DnsProviderKind } from "../../../shared/dns";
import type { DashboardSession } from "../../types";
import { ActionForm } from "../common/action-form";
import { FormError, Input, Select } from "../common/fields";
import type { FormState } from "../common/form-fields";
import { formatTime } from "../common/when";
import { KIND_LABEL, ProviderFieldsets } from "./fields";

/** An account as the page lists it: never its credential. */
export interface DnsAccountItem {
  id: string;
  name: string;
  kind: DnsProviderKind;
  provider: Record<string, unknown>;
  pools: { id: string; name: string }[];
  updatedAt: number;
}

const SECRET_LABEL: Record<DnsProviderKind, string> = {
  cloudflare: "API token",
  cpanel: "API token",
  powerdns: "API key",
};

/** Where the account writes: the zone (or zone id) and the address, as stored. */
function whereOf(provider: Record<string, unknown>): string {
  const parts = [provider.zone, provider.zoneId, provider.baseUrl ?? provider.apiBaseUrl];
  return parts.filter((part) => typeof part === "string" && part !== "").join(" · ");
}

/** Saves a new account: a name and one provider's settings (the DNS tab's fieldsets). */
export function NewDnsAccountForm(props: { csrf: string; state: FormState }) {
  const { state } = props;
  const kind = state.values.kind || "cloudflare";
  return (
    <form method="post" action="/ui/dns-accounts" class="stacked" data-testid="dns-account-form">
      <input type="hidden" name="_csrf" value={props.csrf} />
      <FormError state={state} />
      <Input
        name="name"
        id="dns-account-name"
        label="Name"
        state={state}
        hint="Say whose it is, e.g. example.com on Cloudflare."
      />
      <Select
        name="kind"
        id="dns-kind"
        label="Provider"
        state={state}
        selected={kind}
        options={(["cloudflare", "cpanel", "powerdns"] as const).map((option) => ({
          value: option,
          label: KIND_LABEL[option],
        }))}
      />
      <ProviderFieldsets
        stored={null}
        accounts={[]}
        state={state}
        shown={kind}
        withAccount={false}
      />
      <div class="actions">
        <button type="submit" class="primary" data-testid="dns-account-submit">
          Save account
        </button>
      </div>
    </form>
  );
}

/** One account: what it writes to, the pools on it, rotating its credential, deleting it. */
export function DnsAccountCard(props: {
  account: DnsAccountItem;
  session: DashboardSession;
  rotateError?: string | undefined;
}) {
  const { account, session } = props;
  const secret = SECRET_LABEL[account.kind];
  const inUse =
    account.pools.length > 0
      ? `Used by ${account.pools.map((pool) => pool.name).join(", ")}: point those pools at another provider on their DNS tab first`
      : null;
  return (
    <li class="card" data-testid="dns-account" data-account-id={account.id}>
      <h3>
        {account.name} <span class="muted">{KIND_LABEL[account.kind]}</span>
      </h3>
      <p class="muted">
        {whereOf(account.provider)} · saved {formatTime(account.updatedAt)}
      </p>
      <p data-testid="dns-account-pools">
        {account.pools.length === 0 ? (
          "No pool uses it."
        ) : (
          <>
            Used by{" "}
            {account.pools.map((pool, index) => (
              <>
                {index > 0 && ", "}
                <a href={`/pools/${pool.id}/dns`}>{pool.name}</a>
              </>
            ))}
            .
          </>
        )}
      </p>
      <form
        method="post"
        action={`/ui/dns-accounts/${account.id}/rotate`}
        class="inline-form"
        data-confirm={`Replace the ${secret} of ${account.name}? ${account.pools.length} pool(s) write their records with the new one from now on.`}
        data-confirm-verb={`Rotate ${secret}`}
      >
        <input type="hidden" name="_csrf" value={session.csrf} />
        <label for={`rotate-${account.id}`}>New {secret}</label>{" "}
        <input
          id={`rotate-${account.id}`}
          type="password"
          name="secret"
          autocomplete="off"
          required
          data-testid="dns-account-secret"
          aria-invalid={props.rotateError ? "true" : undefined}
        />{" "}
        <button type="submit" data-testid="dns-account-rotate">
          Rotate {secret}
        </button>
        {props.rotateError && (
          <p class="field-error" data-testid="dns-account-rotate-error">
            {props.rotateError}
          </p>
        )}
      </form>
      <ActionForm
        action={`/ui/dns-accounts/${account.id}/delete`}
        confirm={`Delete the DNS account ${account.name}? Its credential is forgotten; this cannot be undone.`}
        csrf={session.csrf}
        id={`dns-account-delete-${account.id}`}
        testId="dns-account-delete"
        label="Delete account"
        disabledReason={inUse}
        danger
      />
    </li>
  );
}
