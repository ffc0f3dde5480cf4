import { asc, eq } from "drizzle-orm";
import { DnsOverrides, type DnsSettingsView } from "../../../shared/dns";
import { coordinatorFor } from "../../coordinator/client";
import { unwrap } from "../../coordinator/outcome";
import type { Db } from "../../db/client";
import { dnsAccounts, dnsSettings } from "../../db/schema/dns";
import { members } from "../../db/schema/members";
import { loadDnsSettings, toDnsView } from "../../dns/settings";
import { decryptJson } from "../../lib/secrets";
import { getPool } from "../../pools/store";
import { type DnsLiveView, dnsLiveView } from "./status";

/**
 * How long a page waits for the provider. Shorter than the providers' own request timeout: a
 * slow provider shows as an error on the page rather than holding it up.
 */
export const PAGE_CHECK_TIMEOUT_MS = 5_000;

/** The DNS tab's live part: the coordinator's failover view through the same DNS plan. */
export async function loadDnsLive(env: Env, db: Db, poolId: string): Promise<DnsLiveView> {
  const pool = await getPool(db, poolId);
  const [dns, rows, failover] = await Promise.all([
    db
      .select({
        kind: dnsSettings.kind,
        mode: dnsSettings.mode,
        writeVerifiedAt: dnsSettings.writeVerifiedAt,
        writeVerifiedBy: dnsSettings.writeVerifiedBy,
        writeCheckError: dnsSettings.writeCheckError,
      })
      .from(dnsSettings)
      .where(eq(dnsSettings.poolId, pool.id))
      .get(),
    db
      .select({ id: members.id, name: members.name })
      .from(members)
      .where(eq(members.poolId, pool.id)),
    coordinatorFor(env, pool.id).failoverStatus(pool.id),
  ]);
  const names = new Map(rows.map((row) => [row.id, row.name]));
  const status = unwrap(failover);
  return dnsLiveView({
    pool,
    dns: dns ?? null,
    members: status.members.map((member) => ({
      id: member.id,
      publicIp: member.publicIp,
      ready: member.ready,
      name: names.get(member.id) ?? member.id,
    })),
    activeMemberId: status.activeMemberId,
    now: Date.now(),
  });
}

/** A pool's stored DNS settings for the page: the API's redacted view, never a credential. */
export interface StoredDnsView {
  view: DnsSettingsView;
  accountName: string | null;
  /** Through an account: the pool's own overrides of its settings (no credentials in them). */
  overrides: DnsOverrides;
  /** Whether the pool's own settings hold a credential (an account's are the account's). */
  secretSet: boolean;
}

/**
 * The stored settings: `shown` for the page, `settings` (with credentials) only to talk to the
 * provider. `error` when they cannot be read (no SECRETS_KEY, or it changed).
 */
export async function loadStoredDns(db: Db, secretsKey: string | undefined, poolId: string) {
  const row = await db.select().from(dnsSettings).where(eq(dnsSettings.poolId, poolId)).get();
  if (!row) return { shown: null, settings: null, error: null };
  if (!secretsKey) {
    return {
      shown: null,
      settings: null,
      error: "SECRETS_KEY is not set: the settings cannot be read",
    };
  }
  try {
    const stored = await loadDnsSettings(db, secretsKey, poolId);
    if (!stored) return { shown: null, settings: null, error: null };
    const account = row.accountId
      ? await db
          .select({ name: dnsAccounts.name })
          .from(dnsAccounts)
          .where(eq(dnsAccounts.id, row.accountId))
          .get()
      : undefined;
    const overrides = row.accountId
      ? DnsOverrides.parse(await decryptJson(secretsKey, row.sealed))
      : {};
    const shown: StoredDnsView = {
      view: toDnsView(stored.row, stored.settings),
      accountName: account?.name ?? null,
      overrides,
      secretSet: !row.accountId,
    };
    return { shown, settings: stored.settings, error: null };
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    return { shown: null, settings: null, error: `The stored settings cannot be read: ${message}` };
  }
}

/** Saved DNS accounts for the form's choice: names and kinds only. */
export function loadAccountChoices(db: Db) {
  return db
    .select({ id: dnsAccounts.id, name: dnsAccounts.name, kind: dnsAccounts.kind })
    .from(dnsAccounts)
    .orderBy(asc(dnsAccounts.name));
}
