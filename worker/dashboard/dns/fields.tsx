import { type DnsProviderKind, TTL_RULES } from "../../../shared/dns";
import { Checkbox, Input, Message, Select } from "../common/fields";
import type { FormState } from "../common/form-fields";
import { DNS_FIELD_LABEL } from "./field-labels";
import type { DnsSource } from "./form";
import type { StoredDnsView } from "./load";

export const KIND_LABEL: Record<DnsProviderKind, string> = {
  cloudflare: "Cloudflare",
  cpanel: "cPanel / WHM",
  powerdns: "PowerDNS",
};

/** The stored, redacted setting of the pool's own provider of `kind`, if that is what it has. */
function storedOf(stored: StoredDnsView | null, kind: DnsProviderKind) {
  const own = stored && stored.view.accountId === null && stored.view.provider.kind === kind;
  return (field: string): string | null => {
    const value = own ? stored.view.provider[field] : undefined;
    return value === undefined || value === null ? null : String(value);
  };
}

/**
 * A write-only credential: its box is always empty; its hint says whether one is stored, never
 * what it is.
 */
function Credential(props: {
  name: string;
  label: string;
  state: FormState;
  set: boolean;
  what: string;
}) {
  const { name, label, state, set, what } = props;
  const hint = (
    <span data-testid="secret-state" data-set={String(set)}>
      {set
        ? `${what} set — leave empty to keep it. It is only sent to the address saved with it.`
        : `Required: no ${what.toLowerCase()} is stored for this provider.`}
    </span>
  );
  return <Input name={name} label={label} type="password" state={state} hint={hint} />;
}

/** What each provider takes, from the same rules the API validates with (shared/dns.ts). */
const TTL_HINT: Record<DnsSource, string> = {
  cloudflare: `Cloudflare takes ${TTL_RULES.cloudflare.automatic} (automatic) or ${TTL_RULES.cloudflare.min}–${TTL_RULES.cloudflare.max}; 2–59 are refused. Low keeps a failover quick: ${TTL_RULES.cloudflare.min} is the lowest.`,
  cpanel: `${TTL_RULES.cpanel.min}–${TTL_RULES.cpanel.max}. Resolvers keep the old address this long after a failover: keep it low (60).`,
  powerdns: `${TTL_RULES.powerdns.min}–${TTL_RULES.powerdns.max}. Resolvers keep the old address this long after a failover: keep it low (60).`,
  account:
    "Empty: the account's. Cloudflare: 1 (automatic) or 60–86400; cPanel and PowerDNS: 1–86400.",
};

function Ttl(props: { kind: DnsSource; state: FormState; value: string | null }) {
  const { kind, state, value } = props;
  return (
    <Input
      name={`${kind}.ttl`}
      label={DNS_FIELD_LABEL[`${kind}.ttl`]}
      type="number"
      state={state}
      value={value}
      hint={TTL_HINT[kind]}
    />
  );
}

function Kind(props: { kind: DnsSource; shown: string; legend: string; children: unknown }) {
  return (
    <fieldset
      class="payload"
      data-shown-by="dns-kind"
      data-shown-for={props.kind}
      hidden={props.kind !== props.shown}
      data-testid={`dns-fields-${props.kind}`}
    >
      <legend>{props.legend}</legend>
      {props.children}
    </fieldset>
  );
}

/**
 * One fieldset per provider kind and one for a saved account; only the chosen one (`shown`, the
 * kind select's value) is served visible, and dashboard/app.js shows (and submits) the one chosen
 * after. Fields start from the stored settings, never a credential.
 */
export function ProviderFieldsets(props: {
  stored: StoredDnsView | null;
  accounts: { id: string; name: string; kind: DnsProviderKind }[];
  state: FormState;
  /** The kind select's value as served. */
  shown: string;
  /** The DNS accounts page's own form offers the provider kinds only. */
  withAccount?: boolean;
}) {
  const { stored, accounts, state, shown, withAccount = true } = props;
  const ownKind = stored && stored.view.accountId === null ? stored.view.provider.kind : null;
  const secretSet = (kind: DnsProviderKind) => !!stored?.secretSet && ownKind === kind;
  const cf = storedOf(stored, "cloudflare");
  const cp = storedOf(stored, "cpanel");
  const pd = storedOf(stored, "powerdns");
  const over = stored?.view.accountId ? stored.overrides : {};
  const text = (value: unknown) => (value === undefined ? null : String(value));
  return (
    <>
      <Kind kind="cloudflare" shown={shown} legend="Cloudflare">
        <Credential
          name="cloudflare.apiToken"
          label={DNS_FIELD_LABEL["cloudflare.apiToken"]}
          state={state}
          set={secretSet("cloudflare")}
          what="Token"
        />
        <Input
          name="cloudflare.zoneId"
          label={DNS_FIELD_LABEL["cloudflare.zoneId"]}
          state={state}
          value={cf("zoneId")}
        />
        <Checkbox
          name="cloudflare.proxied"
          label={DNS_FIELD_LABEL["cloudflare.proxied"]}
          state={state}
          checked={cf("proxied") === "true"}
        />
        <Ttl kind="cloudflare" state={state} value={cf("ttl") ?? "60"} />
        <Input
          name="cloudflare.apiBaseUrl"
          label={DNS_FIELD_LABEL["cloudflare.apiBaseUrl"]}
          type="url"
          state={state}
          value={cf("apiBaseUrl")}
          hint="Empty for Cloudflare's own API; for API gateways and tests."
        />
      </Kind>
      <Kind kind="cpanel" shown={shown} legend="cPanel / WHM">
        <Input
          name="cpanel.baseUrl"
          label={DNS_FIELD_LABEL["cpanel.baseUrl"]}
          type="url"
          state={state}
          value={cp("baseUrl")}
          placeholder="https://cpanel.example.com"
          hint="A host name with a publicly trusted certificate: https://cpanel.example.com (cPanel's proxy subdomain, port 443) or https://server.example.com:2083. Not a bare IP address: a deployed Worker cannot fetch one."
        />
        <Input
          name="cpanel.username"
          label={DNS_FIELD_LABEL["cpanel.username"]}
          state={state}
          value={cp("username")}
        />
        <Credential
          name="cpanel.apiToken"
          label={DNS_FIELD_LABEL["cpanel.apiToken"]}
          state={state}
          set={secretSet("cpanel")}
          what="Token"
        />
        <Input
          name="cpanel.zone"
          label={DNS_FIELD_LABEL["cpanel.zone"]}
          state={state}
          value={cp("zone")}
          placeholder="example.com"
        />
        <Ttl kind="cpanel" state={state} value={cp("ttl") ?? "60"} />
      </Kind>
      <Kind kind="powerdns" shown={shown} legend="PowerDNS">
        <Input
          name="powerdns.baseUrl"
          label={DNS_FIELD_LABEL["powerdns.baseUrl"]}
          type="url"
          state={state}
          value={pd("baseUrl")}
          placeholder="http://127.0.0.1:8081"
        />
        <Credential
          name="powerdns.apiKey"
          label={DNS_FIELD_LABEL["powerdns.apiKey"]}
          state={state}
          set={secretSet("powerdns")}
          what="Key"
        />
        <Input
          name="powerdns.serverId"
          label={DNS_FIELD_LABEL["powerdns.serverId"]}
          state={state}
          value={pd("serverId") ?? "localhost"}
        />
        <Input
          name="powerdns.zone"
          label={DNS_FIELD_LABEL["powerdns.zone"]}
          state={state}
          value={pd("zone")}
          placeholder="example.com"
        />
        <Ttl kind="powerdns" state={state} value={pd("ttl") ?? "60"} />
      </Kind>
      {withAccount && (
        <Kind kind="account" shown={shown} legend="Saved DNS account">
          <Message name="account" state={state} />
          <Select
            name="account.accountId"
            label={DNS_FIELD_LABEL["account.accountId"]}
            state={state}
            selected={stored?.view.accountId ?? null}
            options={accounts.map((account) => ({
              value: account.id,
              label: `${account.name} (${KIND_LABEL[account.kind]})`,
            }))}
            hint="Its credentials stay with the account. Leave a field below empty to use the account's."
          />
          <Input
            name="account.zoneId"
            label={DNS_FIELD_LABEL["account.zoneId"]}
            state={state}
            value={text(over.zoneId)}
          />
          <Input
            name="account.zone"
            label={DNS_FIELD_LABEL["account.zone"]}
            state={state}
            value={text(over.zone)}
          />
          <Input
            name="account.serverId"
            label={DNS_FIELD_LABEL["account.serverId"]}
            state={state}
            value={text(over.serverId)}
          />
          <Select
            name="account.proxied"
            label={DNS_FIELD_LABEL["account.proxied"]}
            state={state}
            selected={over.proxied === undefined ? "" : String(over.proxied)}
            options={[
              { value: "", label: "As the account says" },
              { value: "true", label: "Proxied" },
              { value: "false", label: "DNS only" },
            ]}
          />
          <Ttl kind="account" state={state} value={text(over.ttl)} />
        </Kind>
      )}
    </>
  );
}
