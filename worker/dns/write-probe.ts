import { normalizeName } from "./plan";

/**
 * Baton trusts a provider setting only once it has written with it. The probe is a TXT record
 * beside the failover name, `_baton-check.lb.example.com`, holding a fresh nonce: harmless (no
 * resolver or mail system reads that name), in the same zone as the record Baton manages, and
 * removed at once. A leftover (the removal failed) is overwritten by the next probe.
 */
export const PROBE_LABEL = "_baton-check";
export const PROBE_TTL_SECONDS = 60;

export function probeName(hostname: string): string {
  return `${PROBE_LABEL}.${normalizeName(hostname)}`;
}

/** The probe's text: says what it is, and a nonce so a stale probe is never taken for this one. */
export function probeText(): string {
  return `baton write check ${crypto.randomUUID()}`;
}
