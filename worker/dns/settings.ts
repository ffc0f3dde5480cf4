import { eq } from "drizzle-orm";
import {
  DnsOverrides,
  DnsProviderSettings,
  type DnsSettingsView,
  type PutDnsSettings,
} from "../../shared/dns";
import type { Db } from "../db/client";
import { type DnsSettingsRow, dnsAccounts, dnsSettings } from "../db/schema/dns";
import { runWrites } from "../db/writes";
import { ApiError } from "../errors";
import { insertEvent } from "../events/store";
import type { OutboundPolicy } from "../lib/outbound-url";
import { decryptJson, encryptJson } from "../lib/secrets";
import { requireAllowedProviderUrl } from "./provider-url";

const SECRET_FIELDS = new Set(["apiToken", "apiKey"]);

/** The settings without credentials, for the API and events. */
export function redact(settings: DnsProviderSettings): Record<string, unknown> {
  return Object.fromEntries(Object.entries(settings).filter(([key]) => !SECRET_FIELDS.has(key)));
}

export function requireSecretsKey(secretsKey: string | undefined): string {
  if (!secretsKey) {
    throw new ApiError(
      "validation_failed",
      "Provider credentials and webhook secrets need the SECRETS_KEY Worker secret to encrypt them: set it (wrangler secret put SECRETS_KEY), then retry",
    );
  }
  return secretsKey;
}

/** A saved DNS account's settings, decrypted. */
export async function loadAccountSettings(db: Db, secretsKey: string, accountId: string) {
  const account = await db.select().from(dnsAccounts).where(eq(dnsAccounts.id, accountId)).get();
  if (!account) throw new ApiError("not_found", `DNS account ${accountId} does not exist`);
  return {
    account,
    settings: DnsProviderSettings.parse(await decryptJson(secretsKey, account.sealed)),
  };
}

/** An account's settings with a pool's overrides on top, checked like the pool's own would be. */
function withOverrides(base: DnsProviderSettings, overrides: DnsOverrides): DnsProviderSettings {
  const merged = DnsProviderSettings.safeParse({ ...base, ...overrides });
  if (merged.success) return merged.data;
  const fields = merged.error.issues.map((issue) => issue.path.join(".")).join(", ");
  throw new ApiError(
    "validation_failed",
    `Invalid body: overrides: ${fields} do not fit a ${base.kind} account`,
    [{ path: "overrides", message: `${fields} do not fit a ${base.kind} account` }],
  );
}

/** A pool's provider settings, decrypted (and merged with its account); null when it has none. */
export async function loadDnsSettings(db: Db, secretsKey: string, poolId: string) {
  const row = await db.select().from(dnsSettings).where(eq(dnsSettings.poolId, poolId)).get();
  if (!row) return null;
  const own = await decryptJson(secretsKey, row.sealed);
  if (!row.accountId) return { row, settings: DnsProviderSettings.parse(own) };
  const { settings } = await loadAccountSettings(db, secretsKey, row.accountId);
  return { row, settings: withOverrides(settings, DnsOverrides.parse(own)) };
}

export function toDnsView(row: DnsSettingsRow, settings: DnsProviderSettings): DnsSettingsView {
  return {
    provider: redact(settings),
    accountId: row.accountId,
    mode: row.mode,
    updatedAt: row.updatedAt,
    updatedBy: row.updatedBy,
    writeVerifiedAt: row.writeVerifiedAt,
    writeVerifiedBy: row.writeVerifiedBy,
    writeCheckError: row.writeCheckError,
  };
}

/**
 * A pool's own provider settings as stored, decrypted; null when it has none or goes through an
 * account (whose credentials are the account's, never the pool's).
 */
export async function loadOwnDnsSettings(db: Db, secretsKey: string, poolId: string) {
  const row = await db.select().from(dnsSettings).where(eq(dnsSettings.poolId, poolId)).get();
  if (!row || row.accountId) return null;
  return DnsProviderSettings.parse(await decryptJson(secretsKey, row.sealed));
}

/**
 * The provider settings a PUT body describes: its own, or its account's with the overrides;
 * refused (400) when they would make the control plane call a URL `policy` does not allow.
 */
export async function resolveDnsSettings(
  db: Db,
  secretsKey: string,
  input: PutDnsSettings,
  policy: OutboundPolicy,
): Promise<DnsProviderSettings> {
  const settings = input.accountId
    ? withOverrides(
        (await loadAccountSettings(db, secretsKey, input.accountId)).settings,
        input.overrides,
      )
    : (input.provider as DnsProviderSettings);
  requireAllowedProviderUrl(settings, policy);
  return settings;
}

/**
 * Stores (or replaces) a pool's provider settings, credentials encrypted. New settings are not
 * trusted to write until a check proves it (worker/dns/write-verification.ts).
 */
export async function saveDnsSettings(
  db: Db,
  secretsKey: string,
  poolId: string,
  input: PutDnsSettings,
  policy: OutboundPolicy,
  actor: string,
  now: number,
) {
  const settings = await resolveDnsSettings(db, secretsKey, input, policy);
  const row: DnsSettingsRow = {
    poolId,
    kind: settings.kind,
    mode: input.mode,
    sealed: await encryptJson(secretsKey, input.accountId ? input.overrides : settings),
    accountId: input.accountId ?? null,
    updatedAt: now,
    updatedBy: actor,
    writeVerifiedAt: null,
    writeVerifiedBy: null,
    writeCheckError: null,
  };
  const shown = { provider: redact(settings), accountId: row.accountId, mode: input.mode };
  const via = input.accountId ? ` through account ${input.accountId}` : "";
  await runWrites(db, [
    db.insert(dnsSettings).values(row).onConflictDoUpdate({ target: dnsSettings.poolId, set: row }),
    insertEvent(
      db,
      {
        poolId,
        type: "pool.updated",
        actor,
        message: `DNS provider set to ${settings.kind}${via} (${input.mode})`,
        data: { dns: shown },
      },
      now,
    ),
  ]);
  return { view: toDnsView(row, settings), settings };
}

export async function removeDnsSettings(db: Db, poolId: string, actor: string, now: number) {
  await runWrites(db, [
    db.delete(dnsSettings).where(eq(dnsSettings.poolId, poolId)),
    insertEvent(
      db,
      {
        poolId,
        type: "pool.updated",
        actor,
        message: "DNS provider removed: Baton no longer edits records",
      },
      now,
    ),
  ]);
}
