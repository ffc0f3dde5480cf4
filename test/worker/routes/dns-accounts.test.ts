import { runInDurableObject } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import type { DnsProviderSettings } from "../../../shared/dns";
import type { PoolCoordinator } from "../../../worker/coordinator/pool-coordinator";
import type { DesiredRecords, DnsProvider } from "../../../worker/dns/provider";
import { coordinatorStub } from "../coordinator/clock";
import { admin, createApiToken, createPool, expectError, withToken } from "../helpers";

const CLOUDFLARE = {
  kind: "cloudflare",
  apiToken: "cf-token-0123456789abcdefghij",
  zoneId: "0123456789abcdef0123456789abcdef",
  ttl: 60,
};

interface Account {
  id: string;
  name: string;
  kind: string;
  provider: Record<string, unknown>;
  pools: string[];
}

/** Records which settings the pool's coordinator built its provider from. */
async function watchProvider(poolId: string) {
  const built: DnsProviderSettings[] = [];
  await runInDurableObject(coordinatorStub(poolId), (instance: PoolCoordinator) => {
    instance.seams.dnsProviderFor = (settings): DnsProvider => {
      built.push(settings);
      return {
        readAddresses: async () => [],
        setAddresses: async (_records: DesiredRecords) => {},
        check: async () => ({ ok: true, writable: true, detail: "", addresses: [] }),
      };
    };
  });
  return built;
}

async function createAccount(name = "main zone") {
  const result = await admin<{ account: Account }>("/dns-accounts", {
    body: { name, provider: CLOUDFLARE },
  });
  expect(result.status).toBe(201);
  return result.body.account;
}

describe("DNS accounts", () => {
  it("are shared by pools, each with its own zone, and never show the token", async () => {
    const account = await createAccount();
    expect(account.provider).toEqual({
      kind: "cloudflare",
      zoneId: CLOUDFLARE.zoneId,
      proxied: false,
      ttl: 60,
    });
    const [one, two] = [
      await createPool(),
      await createPool({ failoverHostname: "lb.example.org" }),
    ];
    if (!one || !two) throw new Error("pools");
    const otherZone = "fedcba9876543210fedcba9876543210";
    for (const [pool, overrides] of [
      [one, {}],
      [two, { zoneId: otherZone, proxied: true }],
    ] as const) {
      const put = await admin(`/pools/${pool.id}/dns`, {
        method: "PUT",
        body: { accountId: account.id, overrides },
      });
      expect(put.status).toBe(200);
    }
    const shown = await admin<{ dns: { provider: Record<string, unknown>; accountId: string } }>(
      `/pools/${two.id}/dns`,
    );
    expect(shown.body.dns).toMatchObject({
      accountId: account.id,
      provider: { zoneId: otherZone, proxied: true },
    });
    const listed = await admin<{ accounts: Account[] }>("/dns-accounts");
    const mine = listed.body.accounts.find((item) => item.id === account.id);
    expect(mine?.pools.sort()).toEqual([one.id, two.id].sort());
    expect(JSON.stringify(listed.body) + JSON.stringify(shown.body)).not.toContain(
      CLOUDFLARE.apiToken,
    );
  });

  it("hand a rotated token to every pool that uses them", async () => {
    const account = await createAccount();
    const pool = await createPool();
    const built = await watchProvider(pool.id);
    await admin(`/pools/${pool.id}/dns`, { method: "PUT", body: { accountId: account.id } });
    const rotated = { ...CLOUDFLARE, apiToken: "cf-token-rotated-0123456789" };
    const put = await admin(`/dns-accounts/${account.id}`, {
      method: "PUT",
      body: { name: "main zone", provider: rotated },
    });
    expect(put.status).toBe(200);
    expect(
      built.map((settings) => (settings.kind === "cloudflare" ? settings.apiToken : "")),
    ).toEqual([CLOUDFLARE.apiToken, rotated.apiToken]);
  });

  it("cannot be deleted while a pool uses them", async () => {
    const account = await createAccount();
    const pool = await createPool();
    await admin(`/pools/${pool.id}/dns`, { method: "PUT", body: { accountId: account.id } });
    expectError(
      await admin(`/dns-accounts/${account.id}`, { method: "DELETE" }),
      409,
      "account_in_use",
    );
    await admin(`/pools/${pool.id}/dns`, { method: "DELETE" });
    expect((await admin(`/dns-accounts/${account.id}`, { method: "DELETE" })).status).toBe(200);
    expectError(await admin(`/dns-accounts/${account.id}`), 404, "not_found");
  });

  it("refuses bad input, unknown accounts, mismatched overrides and non-admins", async () => {
    const account = await createAccount();
    const pool = await createPool();
    const both = { provider: CLOUDFLARE, accountId: account.id };
    expectError(
      await admin(`/pools/${pool.id}/dns`, { method: "PUT", body: both }),
      400,
      "validation_failed",
    );
    const missing = { accountId: "dnsacct_missing" };
    expectError(
      await admin(`/pools/${pool.id}/dns`, { method: "PUT", body: missing }),
      404,
      "not_found",
    );
    const wrongField = { accountId: account.id, overrides: { zone: "example.com" } };
    expectError(
      await admin(`/pools/${pool.id}/dns`, { method: "PUT", body: wrongField }),
      400,
      "validation_failed",
    );
    const kindChange = {
      name: "x",
      provider: {
        kind: "powerdns",
        baseUrl: "http://127.0.0.1:8081",
        apiKey: "k",
        zone: "example.com",
      },
    };
    expectError(
      await admin(`/dns-accounts/${account.id}`, { method: "PUT", body: kindChange }),
      400,
      "validation_failed",
    );
    expectError(
      await admin("/dns-accounts", { body: { name: "", provider: CLOUDFLARE } }),
      400,
      "validation_failed",
    );
    const { token } = await createApiToken("operator");
    expectError(await withToken(token, "/dns-accounts"), 403, "forbidden");
  });
});
