import { asc, eq, gt } from "drizzle-orm";
import type { SaveDnsAccount } from "../../shared/dns";
import type { PageQuery } from "../../shared/pagination";
import type { Db } from "../db/client";
import { type DnsAccountRow, dnsAccounts, dnsSettings } from "../db/schema/dns";
import { runWrites } from "../db/writes";
import { ApiError } from "../errors";
import { insertEvent } from "../events/store";
import { newId } from "../lib/ids";
import type { OutboundPolicy } from "../lib/outbound-url";
import { page } from "../lib/page";
import { decryptJson, encryptJson } from "../lib/secrets";
import { requireAllowedProviderUrl } from "./provider-url";
import { loadAccountSettings, redact } from "./settings";

/** The API's view of an account: its settings without credentials, and the pools using it. */
async function toAccountView(db: Db, secretsKey: string, row: DnsAccountRow) {
  const settings = await decryptJson(secretsKey, row.sealed);
  const { id, name, kind, createdAt, updatedAt, updatedBy } = row;
  const pools = await poolsUsing(db, id);
  return {
    id,
    name,
    kind,
    provider: redact(settings as never),
    pools,
    createdAt,
    updatedAt,
    updatedBy,
  };
}

/** Ids of the pools whose DNS goes through an account. */
export async function poolsUsing(db: Db, accountId: string): Promise<string[]> {
  const rows = await db
    .select({ poolId: dnsSettings.poolId })
    .from(dnsSettings)
    .where(eq(dnsSettings.accountId, accountId));
  return rows.map((row) => row.poolId);
}

export async function saveDnsAccount(
  db: Db,
  secretsKey: string,
  accountId: string | null,
  input: SaveDnsAccount,
  policy: OutboundPolicy,
  actor: string,
  now: number,
) {
  requireAllowedProviderUrl(input.provider, policy);
  const existing = accountId
    ? (await loadAccountSettings(db, secretsKey, accountId)).account
    : null;
  if (existing && existing.kind !== input.provider.kind) {
    throw new ApiError(
      "validation_failed",
      `Invalid body: provider.kind: account ${existing.id} is ${existing.kind}; make a new account for ${input.provider.kind}`,
      [{ path: "provider.kind", message: `must stay ${existing.kind}` }],
    );
  }
  const row: DnsAccountRow = {
    id: existing?.id ?? newId("dnsacct", now),
    name: input.name,
    kind: input.provider.kind,
    sealed: await encryptJson(secretsKey, input.provider),
    createdAt: existing?.createdAt ?? now,
    updatedAt: now,
    updatedBy: actor,
  };
  const message = `DNS account ${row.name} (${row.kind}) ${existing ? "updated" : "created"}`;
  await runWrites(db, [
    db.insert(dnsAccounts).values(row).onConflictDoUpdate({ target: dnsAccounts.id, set: row }),
    insertEvent(
      db,
      {
        poolId: null,
        type: "dns.account_saved",
        actor,
        message,
        data: { accountId: row.id, provider: redact(input.provider) },
      },
      now,
    ),
  ]);
  return toAccountView(db, secretsKey, row);
}

export async function listDnsAccounts(db: Db, secretsKey: string, query: PageQuery) {
  const rows = await db
    .select()
    .from(dnsAccounts)
    .where(query.cursor ? gt(dnsAccounts.id, query.cursor) : undefined)
    .orderBy(asc(dnsAccounts.id))
    .limit(query.limit + 1);
  const { items, nextCursor } = page(rows, query.limit);
  return {
    items: await Promise.all(items.map((row) => toAccountView(db, secretsKey, row))),
    nextCursor,
  };
}

export async function getDnsAccount(db: Db, secretsKey: string, accountId: string) {
  const { account } = await loadAccountSettings(db, secretsKey, accountId);
  return toAccountView(db, secretsKey, account);
}

/** Deletes an account no pool uses. */
export async function removeDnsAccount(db: Db, accountId: string, actor: string, now: number) {
  const row = await db.select().from(dnsAccounts).where(eq(dnsAccounts.id, accountId)).get();
  if (!row) throw new ApiError("not_found", `DNS account ${accountId} does not exist`);
  const pools = await poolsUsing(db, accountId);
  if (pools.length > 0) {
    throw new ApiError(
      "account_in_use",
      `DNS account ${row.name} is used by ${pools.join(", ")}: point those pools elsewhere first`,
    );
  }
  await runWrites(db, [
    db.delete(dnsAccounts).where(eq(dnsAccounts.id, accountId)),
    insertEvent(
      db,
      {
        poolId: null,
        type: "dns.account_removed",
        actor,
        message: `DNS account ${row.name} deleted`,
        data: { accountId },
      },
      now,
    ),
  ]);
}
