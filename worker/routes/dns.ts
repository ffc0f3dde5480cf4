import { Hono } from "hono";
import { z } from "zod";
import { DnsProviderSettings, PutDnsSettings } from "../../shared/dns";
import { allow } from "../auth/admin";
import { coordinatorFor } from "../coordinator/client";
import { requireAllowedProviderUrl } from "../dns/provider-url";
import {
  loadDnsSettings,
  removeDnsSettings,
  requireSecretsKey,
  saveDnsSettings,
  toDnsView,
} from "../dns/settings";
import { checkDns, verifyDnsWrite } from "../dns/write-verification";
import { ApiError } from "../errors";
import { getPool } from "../pools/store";
import type { AppEnv } from "../types";
import { validate } from "../validation";

/** `POST .../dns/test` checks the stored settings, or ones sent to try before saving them. */
const TestDns = z.strictObject({ provider: DnsProviderSettings.optional() });

/** A pool's DNS provider. Credentials go in, never out: answers show them redacted. */
export const dnsRoutes = new Hono<AppEnv>()
  .get("/pools/:poolId/dns", async (c) => {
    const pool = await getPool(c.get("db"), c.req.param("poolId"));
    const key = c.get("config").secretsKey;
    const stored = key ? await loadDnsSettings(c.get("db"), key, pool.id) : null;
    const dns = stored ? toDnsView(stored.row, stored.settings) : null;
    return c.json({ dns, syncedAt: pool.dnsSyncedAt, lastError: pool.dnsLastError });
  })
  .put("/pools/:poolId/dns", allow("admin"), validate("json", PutDnsSettings), async (c) => {
    const pool = await getPool(c.get("db"), c.req.param("poolId"));
    const key = requireSecretsKey(c.get("config").secretsKey);
    const db = c.get("db");
    const actor = c.get("actor").id;
    const saved = await saveDnsSettings(
      db,
      key,
      pool.id,
      c.req.valid("json"),
      c.get("config"),
      actor,
      Date.now(),
    );
    // Saved either way; the answer says whether Baton proved it can write with them.
    const check = await verifyDnsWrite(
      db,
      pool.id,
      saved.settings,
      pool.failoverHostname,
      c.get("config"),
      actor,
    );
    await coordinatorFor(c.env, pool.id).dnsChanged(pool.id);
    const dns = {
      ...saved.view,
      writeVerifiedAt: check.writable ? check.checkedAt : null,
      writeVerifiedBy: check.writable ? actor : null,
      writeCheckError: check.writable ? null : check.detail,
    };
    return c.json({ dns, check });
  })
  .delete("/pools/:poolId/dns", allow("admin"), async (c) => {
    const pool = await getPool(c.get("db"), c.req.param("poolId"));
    await removeDnsSettings(c.get("db"), pool.id, c.get("actor").id, Date.now());
    await coordinatorFor(c.env, pool.id).dnsChanged(pool.id);
    return c.json({ deleted: true });
  })
  .post("/pools/:poolId/dns/test", allow("operator"), validate("json", TestDns), async (c) => {
    const pool = await getPool(c.get("db"), c.req.param("poolId"));
    const given = c.req.valid("json").provider;
    if (given) {
      requireAllowedProviderUrl(given, c.get("config"));
      return c.json({ check: await checkDns(given, pool.failoverHostname, c.get("config")) });
    }
    const key = requireSecretsKey(c.get("config").secretsKey);
    const stored = await loadDnsSettings(c.get("db"), key, pool.id);
    if (!stored)
      throw new ApiError(
        "not_found",
        `Pool ${pool.name} has no DNS provider: PUT /api/v1/pools/${pool.id}/dns first, or send one to test`,
      );
    // The saved settings: what the check proves is kept and shown until they change.
    const check = await verifyDnsWrite(
      c.get("db"),
      pool.id,
      stored.settings,
      pool.failoverHostname,
      c.get("config"),
      c.get("actor").id,
    );
    return c.json({ check });
  });
