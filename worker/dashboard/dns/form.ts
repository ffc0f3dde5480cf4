import type { DnsProviderKind } from "../../../shared/dns";
import { SECRET_FIELD } from "../../dns/stored-secret";
import {
  checked,
  type FormFields,
  type FormState,
  numberOrText,
  textOf,
} from "../common/form-fields";

/** Where a pool's DNS settings come from: its own provider of a kind, or a saved account. */
export type DnsSource = DnsProviderKind | "account";
export const DNS_SOURCES: readonly DnsSource[] = ["cloudflare", "cpanel", "powerdns", "account"];

/** The form's fields, named `<source>.<field>` so every kind's fieldset can be on the page. */
const FIELDS: Record<DnsSource, string[]> = {
  cloudflare: ["apiToken", "zoneId", "proxied", "ttl", "apiBaseUrl"],
  cpanel: ["baseUrl", "username", "apiToken", "zone", "ttl"],
  powerdns: ["baseUrl", "apiKey", "serverId", "zone", "ttl"],
  account: ["accountId", "zoneId", "zone", "serverId", "proxied", "ttl"],
};
const OPTIONAL_TEXT = new Set(["apiBaseUrl", "serverId"]);

const isSource = (value: string): value is DnsSource =>
  (DNS_SOURCES as readonly string[]).includes(value);

export const secretFieldOf = (kind: DnsProviderKind) => `${kind}.${SECRET_FIELD[kind]}`;

export interface DnsFormRequest {
  source: DnsSource | null;
  /** A `PUT /api/v1/pools/:poolId/dns` body as the form describes it, not yet validated. */
  body: {
    provider?: Record<string, unknown>;
    accountId?: string;
    overrides: Record<string, unknown>;
    mode?: string;
  };
  /** The input to show again; secrets are left out, `typedSecret` says whether one was typed. */
  state: FormState;
  typedSecret: boolean;
  /** Fields left empty, secrets included. */
  empty: Set<string>;
}

function providerOf(kind: DnsProviderKind, fields: FormFields): Record<string, unknown> {
  const provider: Record<string, unknown> = { kind };
  for (const name of FIELDS[kind]) {
    const text = textOf(fields, `${kind}.${name}`);
    if (name === "proxied") provider.proxied = checked(fields, `${kind}.proxied`);
    else if (name === "ttl") provider.ttl = numberOrText(text);
    else if (OPTIONAL_TEXT.has(name)) provider[name] = text === "" ? undefined : text;
    else provider[name] = text;
  }
  return provider;
}

/** An account's overrides: only what the form filled in ("account's" proxying is no override). */
function overridesOf(fields: FormFields): Record<string, unknown> {
  const overrides: Record<string, unknown> = {};
  for (const name of ["zoneId", "zone", "serverId"]) {
    const text = textOf(fields, `account.${name}`);
    if (text !== "") overrides[name] = text;
  }
  const proxied = textOf(fields, "account.proxied");
  if (proxied === "true" || proxied === "false") overrides.proxied = proxied === "true";
  const ttl = numberOrText(textOf(fields, "account.ttl"));
  if (ttl !== undefined) overrides.ttl = ttl;
  return overrides;
}

/** Reads the DNS form: the API's body for the chosen source and the input to show again. */
export function dnsRequestFromForm(fields: FormFields): DnsFormRequest {
  const kind = textOf(fields, "kind");
  const source = isSource(kind) ? kind : null;
  const mode = textOf(fields, "mode");
  const values: Record<string, string> = { kind, mode };
  let typedSecret = false;
  const empty = new Set<string>();
  for (const [from, names] of Object.entries(FIELDS)) {
    for (const name of names) {
      const field = `${from}.${name}`;
      if (textOf(fields, field) === "") empty.add(field);
      const secret = from !== "account" && secretFieldOf(from as DnsProviderKind) === field;
      if (secret) typedSecret ||= from === source && textOf(fields, field) !== "";
      else if (fields[field] !== undefined) values[field] = textOf(fields, field);
    }
  }
  const state: FormState = { submitted: true, values, lists: {}, errors: {} };
  const body: DnsFormRequest["body"] = { overrides: {}, mode: mode || undefined };
  if (source === "account") {
    body.accountId = textOf(fields, "account.accountId");
    body.overrides = overridesOf(fields);
  } else if (source) {
    body.provider = providerOf(source, fields);
  } else {
    state.errors.kind = "choose a provider or a saved account";
  }
  return { source, body, state, typedSecret, empty };
}

/** The form field an issue of the PUT body is about. */
export function dnsFieldOf(source: DnsSource | null, path: string[]): string {
  const [head, field] = path;
  if (head === "provider" && source && source !== "account") return `${source}.${field ?? "kind"}`;
  if (head === "overrides") return field ? `account.${field}` : "account";
  if (head === "accountId") return "account.accountId";
  if (head === "mode") return "mode";
  return "form";
}
