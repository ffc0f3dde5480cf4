import type { DnsProviderKind, DnsProviderSettings } from "../../shared/dns";

/** The credential of each provider kind. */
export const SECRET_FIELD = {
  cloudflare: "apiToken",
  cpanel: "apiToken",
  powerdns: "apiKey",
} as const satisfies Record<DnsProviderKind, string>;

/** Where each kind sends its credential (Cloudflare's unset apiBaseUrl is its public API). */
const ENDPOINT_FIELD = {
  cloudflare: "apiBaseUrl",
  cpanel: "baseUrl",
  powerdns: "baseUrl",
} as const satisfies Record<DnsProviderKind, string>;

export interface StoredSecretResult {
  /** `given`, with the stored credential in place of an empty one when that is allowed. */
  provider: Record<string, unknown>;
  kept: boolean;
  /** Why an empty credential was not filled although one is stored; null otherwise. */
  refusal: string | null;
}

const isKind = (kind: unknown): kind is DnsProviderKind =>
  typeof kind === "string" && Object.hasOwn(SECRET_FIELD, kind);
const isEmpty = (value: unknown) => value === undefined || value === null || value === "";

/**
 * Lets a form leave a credential empty to keep the stored one. `given` is what the form sent (not
 * validated yet), `stored` the pool's own saved settings. The credential is filled in only for the
 * same kind and the same endpoint: a changed address never receives the stored credential, so
 * nobody can read a write-only secret by pointing the provider at a server of their own.
 */
export function keepStoredSecret(
  given: Record<string, unknown>,
  stored: DnsProviderSettings | null,
): StoredSecretResult {
  const unchanged = { provider: given, kept: false, refusal: null };
  if (!isKind(given.kind) || !stored || stored.kind !== given.kind) return unchanged;
  const secret = SECRET_FIELD[given.kind];
  if (!isEmpty(given[secret])) return unchanged;
  const endpoint = ENDPOINT_FIELD[given.kind];
  const storedEndpoint = (stored as Record<string, unknown>)[endpoint];
  const givenEndpoint = isEmpty(given[endpoint]) ? undefined : given[endpoint];
  if (givenEndpoint !== storedEndpoint) {
    const where = typeof storedEndpoint === "string" ? storedEndpoint : "Cloudflare's API";
    return {
      ...unchanged,
      refusal: `type it again: the stored one is only ever sent to ${where}, and the address changed`,
    };
  }
  const value = (stored as Record<string, unknown>)[secret];
  return { provider: { ...given, [secret]: value }, kept: true, refusal: null };
}
