import { eq } from "drizzle-orm";
import type { DnsProviderSettings } from "../../shared/dns";
import type { Db } from "../db/client";
import { dnsSettings } from "../db/schema/dns";
import type { OutboundPolicy } from "../lib/outbound-url";
import { type DnsCheck, DnsError } from "./provider";
import { createDnsProvider } from "./providers";

/** How long a page or a save waits for the provider's check (it writes and removes a probe). */
export const CHECK_TIMEOUT_MS = 8_000;

/** What the provider answered, as a DnsCheck with when it was asked; failures and timeouts included. */
export interface CheckResult extends DnsCheck {
  checkedAt: number;
}

/**
 * The provider's `check` for `hostname` (credentials, zone, what is served, and write access
 * proven with a probe record), given at most `timeoutMs`.
 */
export function checkDns(
  settings: DnsProviderSettings,
  hostname: string,
  policy: OutboundPolicy,
  timeoutMs = CHECK_TIMEOUT_MS,
): Promise<CheckResult> {
  return timed(() => createDnsProvider(settings, policy).check(hostname), timeoutMs);
}

/**
 * What the provider serves for `hostname`, read only (pages show it on every view: they must not
 * write a probe each time), given at most `timeoutMs`.
 */
export function readDns(
  settings: DnsProviderSettings,
  hostname: string,
  policy: OutboundPolicy,
  timeoutMs: number,
): Promise<CheckResult> {
  return timed(async () => {
    try {
      const addresses = await createDnsProvider(settings, policy).readAddresses(hostname);
      const served = addresses.length > 0 ? addresses.join(", ") : "no A record";
      return { ok: true, writable: false, detail: `${hostname} → ${served}`, addresses };
    } catch (error) {
      if (!(error instanceof DnsError)) throw error;
      return { ok: false, writable: false, detail: error.message, addresses: [] };
    }
  }, timeoutMs);
}

async function timed(run: () => Promise<DnsCheck>, timeoutMs: number): Promise<CheckResult> {
  const checkedAt = Date.now();
  const timedOut: DnsCheck = {
    ok: false,
    writable: false,
    detail: `no answer from the provider within ${timeoutMs / 1000} s`,
    addresses: [],
  };
  let timer: ReturnType<typeof setTimeout> | null = null;
  const late = new Promise<DnsCheck>((resolve) => {
    timer = setTimeout(() => resolve(timedOut), timeoutMs);
  });
  try {
    return { ...(await Promise.race([run(), late])), checkedAt };
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    return { ok: false, writable: false, detail: message, addresses: [], checkedAt };
  } finally {
    if (timer !== null) clearTimeout(timer);
  }
}

/**
 * Keeps what a check of a pool's saved settings proved: write access (when, by whom), or why it
 * could not be proven. A failed check leaves an earlier proof of the same settings standing (a
 * provider that is down for a minute has not lost the permission); saving new settings clears it.
 */
export async function recordWriteCheck(
  db: Db,
  poolId: string,
  check: DnsCheck,
  actor: string,
  now: number,
): Promise<void> {
  const set = check.writable
    ? { writeVerifiedAt: now, writeVerifiedBy: actor, writeCheckError: null }
    : { writeCheckError: check.detail };
  await db.update(dnsSettings).set(set).where(eq(dnsSettings.poolId, poolId));
}

/**
 * What a record update during sync proved: the provider accepted it (`refusal` null: verified
 * now, by "system"), or refused it for good (the proof is withdrawn, with the refusal).
 */
export function syncWriteProof(db: Db, poolId: string, now: number, refusal: string | null) {
  const set =
    refusal === null
      ? { writeVerifiedAt: now, writeVerifiedBy: "system", writeCheckError: null }
      : { writeVerifiedAt: null, writeVerifiedBy: null, writeCheckError: refusal };
  return db.update(dnsSettings).set(set).where(eq(dnsSettings.poolId, poolId));
}

/** Checks a pool's saved settings against its hostname and records the outcome. */
export async function verifyDnsWrite(
  db: Db,
  poolId: string,
  settings: DnsProviderSettings,
  hostname: string,
  policy: OutboundPolicy,
  actor: string,
): Promise<CheckResult> {
  const result = await checkDns(settings, hostname, policy);
  await recordWriteCheck(db, poolId, result, actor, result.checkedAt);
  return result;
}
