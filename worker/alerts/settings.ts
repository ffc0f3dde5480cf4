import { eq } from "drizzle-orm";
import type { AlertSettings } from "../../shared/alerts";
import type { Db } from "../db/client";
import { type AlertSettingsRow, alertSettings } from "../db/schema/alerts";
import { runWrites } from "../db/writes";
import { insertEvent } from "../events/store";
import { decryptJson, encryptJson } from "../lib/secrets";

/** The API's view: never the signing secret. */
export function toAlertView(row: AlertSettingsRow) {
  return { url: row.url, events: row.events, updatedAt: row.updatedAt, updatedBy: row.updatedBy };
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
  return { url: row.url, secret, events: row.events };
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
        message: `Webhook alerts go to ${input.url}`,
        data: { alerts: { url: input.url, events: input.events } },
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
