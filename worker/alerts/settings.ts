import { eq } from "drizzle-orm";
import { AlertSettings } from "../../shared/alerts";
import type { Db } from "../db/client";
import { type AlertSettingsRow, alertSettings } from "../db/schema/alerts";
import { runWrites } from "../db/writes";
import { insertEvent } from "../events/store";
import { requireAllowedUrl } from "../lib/allowed-url";
import {
  type OutboundPolicy,
  outboundRefusalMessage,
  outboundUrlRefusal,
} from "../lib/outbound-url";
import { decryptJson, encryptJson } from "../lib/secrets";
import { maskWebhookUrl } from "./mask-url";

/**
 * The API's and dashboard's view: never the signing secret, and the URL (a credential for chat
 * webhooks) in full only for admins, who may change it; others see its scheme and host.
 */
export function toAlertView(row: AlertSettingsRow, canSeeUrl: boolean) {
  const { events, enabled, updatedAt, updatedBy } = row;
  const url = canSeeUrl ? row.url : maskWebhookUrl(row.url);
  return { url, urlMasked: !canSeeUrl, events, enabled, updatedAt, updatedBy };
}

/**
 * The API's AlertSettings with the control plane's outbound rule on `url`, so a refused URL is
 * reported beside the other fields' problems.
 */
export function alertSettingsFor(policy: OutboundPolicy) {
  return AlertSettings.extend({
    url: AlertSettings.shape.url.superRefine((href, ctx) => {
      const refusal = outboundUrlRefusal(href, policy);
      if (refusal) ctx.addIssue({ code: "custom", message: outboundRefusalMessage(refusal) });
    }),
  });
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

/**
 * Stores a pool's webhook, refused (400) when its URL is not one the control plane may call.
 * The event says where alerts go with the URL masked: viewers read events, and so do webhooks.
 */
export async function saveAlertSettings(
  db: Db,
  secretsKey: string,
  poolId: string,
  input: AlertSettings,
  policy: OutboundPolicy,
  actor: string,
  now: number,
) {
  requireAllowedUrl(input.url, policy, "url");
  const shownUrl = maskWebhookUrl(input.url);
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
          ? `Webhook alerts go to ${shownUrl}`
          : `Webhook alerts to ${shownUrl} are turned off`,
        data: { alerts: { url: shownUrl, events: input.events, enabled: input.enabled } },
      },
      now,
    ),
  ]);
  return toAlertView(row, true);
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
