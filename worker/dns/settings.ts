import { eq } from "drizzle-orm";
import { DnsProviderSettings, type DnsSettingsView, type PutDnsSettings } from "../../shared/dns";
import type { Db } from "../db/client";
import { type DnsSettingsRow, dnsSettings } from "../db/schema/dns";
import { runWrites } from "../db/writes";
import { ApiError } from "../errors";
import { insertEvent } from "../events/store";
import { decryptJson, encryptJson } from "../lib/secrets";

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

/** A pool's provider settings, decrypted; null when the pool has none. */
export async function loadDnsSettings(db: Db, secretsKey: string, poolId: string) {
  const row = await db.select().from(dnsSettings).where(eq(dnsSettings.poolId, poolId)).get();
  if (!row) return null;
  const settings = DnsProviderSettings.parse(await decryptJson(secretsKey, row.sealed));
  return { row, settings };
}

export function toDnsView(row: DnsSettingsRow, settings: DnsProviderSettings): DnsSettingsView {
  return {
    provider: redact(settings),
    mode: row.mode,
    updatedAt: row.updatedAt,
    updatedBy: row.updatedBy,
  };
}

/** Stores (or replaces) a pool's provider settings, credentials encrypted. */
export async function saveDnsSettings(
  db: Db,
  secretsKey: string,
  poolId: string,
  input: PutDnsSettings,
  actor: string,
  now: number,
) {
  const row: DnsSettingsRow = {
    poolId,
    kind: input.provider.kind,
    mode: input.mode,
    sealed: await encryptJson(secretsKey, input.provider),
    updatedAt: now,
    updatedBy: actor,
  };
  const shown = redact(input.provider);
  await runWrites(db, [
    db.insert(dnsSettings).values(row).onConflictDoUpdate({ target: dnsSettings.poolId, set: row }),
    insertEvent(
      db,
      {
        poolId,
        type: "pool.updated",
        actor,
        message: `DNS provider set to ${input.provider.kind} (${input.mode})`,
        data: { dns: { provider: shown, mode: input.mode } },
      },
      now,
    ),
  ]);
  return toDnsView(row, input.provider);
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
