import { Hono } from "hono";
import { SaveDnsAccount } from "../../shared/dns";
import { PageQuery } from "../../shared/pagination";
import { allow } from "../auth/admin";
import { coordinatorFor } from "../coordinator/client";
import {
  getDnsAccount,
  listDnsAccounts,
  poolsUsing,
  removeDnsAccount,
  saveDnsAccount,
} from "../dns/accounts";
import { requireSecretsKey } from "../dns/settings";
import type { AppEnv } from "../types";
import { validate } from "../validation";

/** DNS accounts: provider credentials saved once and used by several pools (admin only). */
export const dnsAccountRoutes = new Hono<AppEnv>()
  .post("/dns-accounts", allow("admin"), validate("json", SaveDnsAccount), async (c) => {
    const key = requireSecretsKey(c.get("config").secretsKey);
    const account = await saveDnsAccount(
      c.get("db"),
      key,
      null,
      c.req.valid("json"),
      c.get("config"),
      c.get("actor").id,
      Date.now(),
    );
    return c.json({ account }, 201);
  })
  .get("/dns-accounts", allow("admin"), validate("query", PageQuery), async (c) => {
    const key = requireSecretsKey(c.get("config").secretsKey);
    const { items, nextCursor } = await listDnsAccounts(c.get("db"), key, c.req.valid("query"));
    return c.json({ accounts: items, nextCursor });
  })
  .get("/dns-accounts/:accountId", allow("admin"), async (c) => {
    const key = requireSecretsKey(c.get("config").secretsKey);
    return c.json({ account: await getDnsAccount(c.get("db"), key, c.req.param("accountId")) });
  })
  .put("/dns-accounts/:accountId", allow("admin"), validate("json", SaveDnsAccount), async (c) => {
    const key = requireSecretsKey(c.get("config").secretsKey);
    const id = c.req.param("accountId");
    const account = await saveDnsAccount(
      c.get("db"),
      key,
      id,
      c.req.valid("json"),
      c.get("config"),
      c.get("actor").id,
      Date.now(),
    );
    // Every pool on this account writes its records with the new settings from now on.
    await Promise.all(
      (await poolsUsing(c.get("db"), id)).map((poolId) =>
        coordinatorFor(c.env, poolId).dnsChanged(poolId),
      ),
    );
    return c.json({ account });
  })
  .delete("/dns-accounts/:accountId", allow("admin"), async (c) => {
    await removeDnsAccount(c.get("db"), c.req.param("accountId"), c.get("actor").id, Date.now());
    return c.json({ deleted: true });
  });
