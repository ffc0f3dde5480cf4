import { Hono } from "hono";
import { z } from "zod";
import { DnsProviderSettings, PutDnsSettings } from "../../shared/dns";
import { allow } from "../auth/admin";
import { coordinatorFor } from "../coordinator/client";
import { requireAllowedProviderUrl } from "../dns/provider-url";
import { createDnsProvider } from "../dns/providers";
import {
  loadDnsSettings,
  removeDnsSettings,
  requireSecretsKey,
  saveDnsSettings,
  toDnsView,
} from "../dns/settings";
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
    const dns = await saveDnsSettings(
      c.get("db"),
      key,
      pool.id,
      c.req.valid("json"),
      c.get("config"),
      c.get("actor").id,
      Date.now(),
    );
    await coordinatorFor(c.env, pool.id).dnsChanged(pool.id);
    return c.json({ dns });
  })
  .delete("/pools/:poolId/dns", allow("admin"), async (c) => {
    const pool = await getPool(c.get("db"), c.req.param("poolId"));
    await removeDnsSettings(c.get("db"), pool.id, c.get("actor").id, Date.now());
    await coordinatorFor(c.env, pool.id).dnsChanged(pool.id);
    return c.json({ deleted: true });
  })
  .post("/pools/:poolId/dns/test", allow("operator"), validate("json", TestDns), async (c) => {
    const pool = await getPool(c.get("db"), c.req.param("poolId"));
    let settings = c.req.valid("json").provider;
    if (settings) requireAllowedProviderUrl(settings, c.get("config"));
    if (!settings) {
      const key = requireSecretsKey(c.get("config").secretsKey);
      const stored = await loadDnsSettings(c.get("db"), key, pool.id);
      if (!stored)
        throw new ApiError(
          "not_found",
          `Pool ${pool.name} has no DNS provider: PUT /api/v1/pools/${pool.id}/dns first, or send one to test`,
        );
      settings = stored.settings;
    }
    const check = await createDnsProvider(settings, c.get("config")).check(pool.failoverHostname);
    return c.json({ check });
  });
