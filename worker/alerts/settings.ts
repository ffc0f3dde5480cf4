import { eq } from "drizzle-orm";
import type { AlertSettings } from "../../shared/alerts";
import type { Db } from "../db/client";
import { type AlertSettingsRow, alertSettings } from "../db/schema/alerts";
import { runWrites } from "../db/writes";
import { insertEvent } from "../events/store";
import { decryptJson, encryptJson } from "../lib/secrets";

/** The API's view: never the signing secret. */
export function toAlertView(row: AlertSettingsRow) {
  const { url, events, enabled, updatedAt, updatedBy } = row;
  return { url, events, enabled, updatedAt, updatedBy };
}

/** A pool's webhook settings with the secret decrypted; null when the pool has none. */
export async function loadAlertSettings(
  db: Db,
  secretsKey: string,
  poolId: string,
): Promise<AlertSettings | null> {
  const row = await db.select().from(alertSettings).where(eq(alertSettings.poolId, poolId)).get();
  if (!row) return null;
  const secret = String(await decryptJson(secretsKey, row.sealedSecret));
  return { url: row.url, secret, events: row.events, enabled: row.enabled };
}

/**
 * The stored signing secret in place of an empty one, for forms that leave it empty to keep
 * it; the input as given when one was typed or none is stored (the schema then asks for it).
 * The secret only signs deliveries and is never sent, so a changed URL may keep it.
 */
export async function withStoredAlertSecret(
  db: Db,
  secretsKey: string,
  poolId: string,
  input: Record<string, unknown>,
): Promise<{ input: Record<string, unknown>; kept: boolean }> {
  if (typeof input.secret === "string" && input.secret !== "") return { input, kept: false };
  const stored = await loadAlertSettings(db, secretsKey, poolId);
  if (!stored) return { input, kept: false };
  return { input: { ...input, secret: stored.secret }, kept: true };
}

export async function findAlertRow(db: Db, poolId: string) {
  return db.select().from(alertSettings).where(eq(alertSettings.poolId, poolId)).get();
}

export async function saveAlertSettings(
  db: Db,
  secretsKey: string,
  poolId: string,
  input: AlertSettings,
  actor: string,
  now: number,
) {
  const row: AlertSettingsRow = {
    poolId,
    url: input.url,
    sealedSecret: await encryptJson(secretsKey, input.secret),
    events: input.events,
    enabled: input.enabled,
    updatedAt: now,
    updatedBy: actor,
  };
  await runWrites(db, [
    db
      .insert(alertSettings)
      .values(row)
      .onConflictDoUpdate({ target: alertSettings.poolId, set: row }),
    insertEvent(
      db,
      {
        poolId,
        type: "pool.updated",
        actor,
        message: input.enabled
          ? `Webhook alerts go to ${input.url}`
          : `Webhook alerts to ${input.url} are turned off`,
        data: { alerts: { url: input.url, events: input.events, enabled: input.enabled } },
      },
      now,
    ),
  ]);
  return toAlertView(row);
}

export async function removeAlertSettings(db: Db, poolId: string, actor: string, now: number) {
  await runWrites(db, [
    db.delete(alertSettings).where(eq(alertSettings.poolId, poolId)),
    insertEvent(
      db,
      { poolId, type: "pool.updated", actor, message: "Webhook alerts turned off" },
      now,
    ),
  ]);
}
