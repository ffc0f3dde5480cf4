import { abortAllDurableObjects, runInDurableObject } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import type { DnsSettingsView } from "../../../shared/dns";
import type { Event } from "../../../shared/events";
import type { Pool } from "../../../shared/pools";
import { DNS_RETRY_BASE_MS, DRIFT_CHECK_INTERVAL_MS } from "../../../worker/coordinator/dns-sync";
import type { PoolCoordinator } from "../../../worker/coordinator/pool-coordinator";
import { sortAddresses } from "../../../worker/dns/plan";
import { type DesiredRecords, DnsError, type DnsProvider } from "../../../worker/dns/provider";
import {
  admin,
  createPool,
  type Enrolled,
  enroll,
  expectError,
  heartbeat,
  uniqueHostname,
} from "../helpers";
import { tomorrowAt } from "../time";
import { coordinatorStub, fireAlarmAt, scheduledAlarm, setClock } from "./clock";

const T0 = tomorrowAt(12);
const POWERDNS = {
  kind: "powerdns",
  baseUrl: "http://127.0.0.1:1",
  apiKey: "not-a-real-key",
  zone: "example.com",
  ttl: 30,
};

/**
 * An in-memory DNS provider standing in for the real ones (tested against their APIs elsewhere).
 * Like them, it answers addresses in numeric order. `down` refuses every call; `calls` counts
 * every call, read or write.
 */
class MemoryDns implements DnsProvider {
  records = new Map<string, string[]>();
  writes: DesiredRecords[] = [];
  failures: DnsError[] = [];
  down = false;
  calls = 0;

  async readAddresses(name: string) {
    this.calls += 1;
    if (this.down) throw new DnsError("connection refused", true);
    return sortAddresses(this.records.get(name) ?? []);
  }
  async setAddresses(records: DesiredRecords) {
    this.calls += 1;
    if (this.down) throw new DnsError("connection refused", true);
    const failure = this.failures.shift();
    if (failure) throw failure;
    this.writes.push(records);
    this.records.set(records.name, sortAddresses(records.addresses));
  }
  async check(name: string) {
    return {
      ok: true,
      writable: true,
      detail: "memory",
      addresses: await this.readAddresses(name),
    };
  }
}

function beat(enrolled: Enrolled, ip: string, haproxy = "active") {
  return heartbeat(enrolled, {
    publicIp: ip,
    services: { haproxy: { installed: true, activeState: haproxy as "active" } },
  });
}

async function events(poolId: string, type: string) {
  return (await admin<{ events: Event[] }>(`/pools/${poolId}/events?type=${type}`)).body.events;
}

async function settled(poolId: string) {
  await coordinatorStub(poolId).dnsSettled();
}

/**
 * B's next beat, as a serving standby: over HTTP it cannot be asked to report, so a promotion the
 * active's own report calls for waits for this (test/worker/coordinator/confirm-standby.test.ts).
 */
function standbyBeats(b: Enrolled) {
  return beat(b, "198.51.100.2");
}

/** A pool with members A (active) and B, whose DNS is an in-memory provider. */
async function setup(mode = "active_standby", ips = ["198.51.100.1", "198.51.100.2"]) {
  // Each pool needs its own failover hostname; the in-memory provider is the pool's own anyway.
  const name = uniqueHostname();
  const pool = await createPool({ failoverHostname: name });
  const dns = new MemoryDns();
  await runInDurableObject(coordinatorStub(pool.id), (instance: PoolCoordinator) => {
    instance.seams.dnsProviderFor = () => dns;
  });
  await setClock(pool.id, T0);
  const a = await enroll(pool.id, { priority: 1 });
  const b = await enroll(pool.id, { priority: 2 });
  await beat(a, ips[0] ?? "");
  await beat(b, ips[1] ?? "");
  const put = await admin(`/pools/${pool.id}/dns`, {
    method: "PUT",
    body: { provider: POWERDNS, mode },
  });
  expect(put.status).toBe(200);
  await settled(pool.id);
  return { pool, dns, a, b, name };
}

describe("DNS sync", () => {
  it("points the record at the active once a provider is set, and says so", async () => {
    const { pool, dns, name } = await setup();
    expect(dns.records.get(name)).toEqual(["198.51.100.1"]);
    expect(dns.writes[0]).toMatchObject({ name: name, ttl: 30 });
    const [updated] = await events(pool.id, "dns.updated");
    expect(updated?.data).toMatchObject({ addresses: ["198.51.100.1"], confirmedAt: T0 });
    const after = (await admin<{ pool: Pool }>(`/pools/${pool.id}`)).body.pool;
    expect(after.dnsSyncedAt).toBe(T0);
    expect(after.dnsLastError).toBeNull();
  });

  it("moves the record with a flip, confirming it with the flip's timings", async () => {
    const { pool, dns, a, b, name } = await setup();
    await setClock(pool.id, T0 + 3_000);
    await beat(a, "198.51.100.1", "failed");
    await standbyBeats(b);
    await settled(pool.id);
    expect(dns.records.get(name)).toEqual(["198.51.100.2"]);
    const [updated] = await events(pool.id, "dns.updated");
    expect(updated?.data).toMatchObject({
      addresses: ["198.51.100.2"],
      previous: ["198.51.100.1"],
      confirmedAt: T0 + 3_000,
      flip: { reason: "service_down", detectedAt: T0 + 3_000, decidedAt: T0 + 3_000 },
    });
  });

  it("follows the active's new public IP", async () => {
    const { pool, dns, a, name } = await setup();
    await beat(a, "198.51.100.77");
    await settled(pool.id);
    expect(dns.records.get(name)).toEqual(["198.51.100.77"]);
  });

  it("retries a failed update with backoff until the provider confirms, reporting the error once", async () => {
    const { pool, dns, a, b, name } = await setup();
    dns.failures.push(
      new DnsError("PowerDNS answered 503", true),
      new DnsError("PowerDNS answered 503", true),
    );
    await setClock(pool.id, T0 + 1_000);
    await beat(a, "198.51.100.1", "failed");
    await standbyBeats(b);
    await settled(pool.id);
    expect(dns.records.get(name)).toEqual(["198.51.100.1"]);
    let current = (await admin<{ pool: Pool }>(`/pools/${pool.id}`)).body.pool;
    expect(current.dnsLastError).toBe("PowerDNS answered 503");

    await fireAlarmAt(pool.id, T0 + 1_000 + DNS_RETRY_BASE_MS);
    await settled(pool.id);
    expect(dns.records.get(name)).toEqual(["198.51.100.1"]);
    await fireAlarmAt(pool.id, T0 + 1_000 + DNS_RETRY_BASE_MS + 2 * DNS_RETRY_BASE_MS);
    await settled(pool.id);
    expect(dns.records.get(name)).toEqual(["198.51.100.2"]);

    current = (await admin<{ pool: Pool }>(`/pools/${pool.id}`)).body.pool;
    expect(current.dnsLastError).toBeNull();
    expect(await events(pool.id, "dns.error")).toHaveLength(1);
    expect(await events(pool.id, "dns.recovered")).toHaveLength(1);
  });

  it("raises a refusal that needs a person at once, even after a retryable failure", async () => {
    const { pool, dns, a, b } = await setup();
    dns.failures.push(
      new DnsError("PowerDNS answered 503", true),
      new DnsError("PowerDNS answered 403 Forbidden", false),
    );
    await setClock(pool.id, T0 + 1_000);
    await beat(a, "198.51.100.1", "failed");
    await standbyBeats(b);
    await settled(pool.id);
    await fireAlarmAt(pool.id, T0 + 1_000 + DNS_RETRY_BASE_MS);
    await settled(pool.id);
    const errors = await events(pool.id, "dns.error");
    expect(errors.map((event) => event.data?.retryable).sort()).toEqual([false, true]);
    const refusal = errors.find((event) => event.data?.retryable === false);
    expect(refusal?.message).toBe(
      `DNS update for ${pool.failoverHostname} was refused and will not succeed by retrying: PowerDNS answered 403 Forbidden`,
    );
    // The refusal also withdraws the proof of write access the pool showed.
    const view = await admin<{ dns: DnsSettingsView }>(`/pools/${pool.id}/dns`);
    expect(view.body.dns).toMatchObject({
      writeVerifiedAt: null,
      writeCheckError: "PowerDNS answered 403 Forbidden",
    });
  });

  it("counts a record update the provider accepted as proof of write access", async () => {
    const { pool } = await setup();
    const view = await admin<{ dns: DnsSettingsView }>(`/pools/${pool.id}/dns`);
    expect(view.body.dns).toMatchObject({ writeVerifiedAt: T0, writeVerifiedBy: "system" });
  });

  it("puts back a record edited outside Baton", async () => {
    const { pool, dns, name } = await setup();
    dns.records.set(name, ["192.0.2.66"]);
    await fireAlarmAt(pool.id, T0 + DRIFT_CHECK_INTERVAL_MS);
    await settled(pool.id);
    expect(dns.records.get(name)).toEqual(["198.51.100.1"]);
    const [repaired] = await events(pool.id, "dns.drift_repaired");
    expect(repaired?.data).toEqual({ found: ["192.0.2.66"], wanted: ["198.51.100.1"] });
  });

  it("serves every ready member in round robin, and drops one that goes down", async () => {
    const { pool, dns, b, name } = await setup("round_robin");
    expect(dns.records.get(name)).toEqual(["198.51.100.1", "198.51.100.2"]);
    await beat(b, "198.51.100.2", "inactive");
    await settled(pool.id);
    expect(dns.records.get(name)).toEqual(["198.51.100.1"]);
  });
});

describe("DNS sync under a failing provider", () => {
  it("honours its backoff while heartbeats keep coming, and confirms within 5 s of the provider's return", async () => {
    const { pool, dns, a, b, name } = await setup();
    dns.down = true;
    const callsBefore = dns.calls;
    const flipAt = T0 + 1_000;
    const backAt = flipAt + 20_000;
    let confirmedAt: number | null = null;
    let callsWhileDown = 0;
    // Both members beat every second; the alarm fires whenever it is due, as workerd would.
    for (let at = flipAt; at <= backAt + 10_000 && confirmedAt === null; at += 250) {
      if (at === backAt) {
        callsWhileDown = dns.calls - callsBefore;
        dns.down = false;
      }
      const alarm = await scheduledAlarm(pool.id);
      if (alarm !== null && alarm <= at) await fireAlarmAt(pool.id, at);
      else await setClock(pool.id, at);
      if ((at - flipAt) % 1_000 === 0) {
        await beat(a, "198.51.100.1", "failed");
        await beat(b, "198.51.100.2");
      }
      await settled(pool.id);
      if (dns.records.get(name)?.[0] === "198.51.100.2") confirmedAt = at;
    }
    expect(callsWhileDown).toBeGreaterThan(0);
    expect(callsWhileDown).toBeLessThanOrEqual(12);
    expect(confirmedAt).not.toBeNull();
    expect((confirmedAt ?? Number.POSITIVE_INFINITY) - backAt).toBeLessThanOrEqual(5_000);
  });

  it("after a restart, reads the record first and writes nothing when it is already right", async () => {
    const { pool, dns, a } = await setup();
    expect(dns.writes).toHaveLength(1);
    await abortAllDurableObjects();
    await runInDurableObject(coordinatorStub(pool.id), (instance: PoolCoordinator) => {
      instance.seams.dnsProviderFor = () => dns;
    });
    await setClock(pool.id, T0 + 1_000);
    await beat(a, "198.51.100.1");
    await settled(pool.id);
    expect(dns.writes).toHaveLength(1);
    expect(await events(pool.id, "dns.updated")).toHaveLength(1);
  });

  it("writes the record again when its settings change, even though its addresses are right", async () => {
    const { pool, dns, name } = await setup();
    expect(dns.writes).toHaveLength(1);
    const put = await admin(`/pools/${pool.id}/dns`, {
      method: "PUT",
      body: { provider: { ...POWERDNS, ttl: 120 }, mode: "active_standby" },
    });
    expect(put.status).toBe(200);
    await settled(pool.id);
    expect(dns.writes.at(-1)).toMatchObject({ name, ttl: 120 });
  });

  it("compares round-robin addresses in numeric order: .9 and .10 are no drift", async () => {
    const { pool, dns, name } = await setup("round_robin", ["198.51.100.9", "198.51.100.10"]);
    expect(dns.records.get(name)).toEqual(["198.51.100.9", "198.51.100.10"]);
    await fireAlarmAt(pool.id, T0 + DRIFT_CHECK_INTERVAL_MS);
    await settled(pool.id);
    expect(await events(pool.id, "dns.drift_repaired")).toHaveLength(0);
    expect(dns.writes).toHaveLength(1);
  });
});

describe("DNS settings API", () => {
  it("stores credentials encrypted and never shows them", async () => {
    const { pool } = await setup();
    const shown = await admin<{ dns: { provider: Record<string, unknown>; mode: string } }>(
      `/pools/${pool.id}/dns`,
    );
    expect(shown.body.dns.provider).toEqual({
      kind: "powerdns",
      baseUrl: POWERDNS.baseUrl,
      serverId: "localhost",
      zone: "example.com",
      ttl: 30,
    });
    expect(JSON.stringify(shown.body)).not.toContain(POWERDNS.apiKey);
    const { env } = await import("cloudflare:workers");
    const row = await env.DB.prepare("SELECT sealed FROM dns_settings WHERE pool_id = ?")
      .bind(pool.id)
      .first<{ sealed: string }>();
    expect(row?.sealed).toMatch(/^v1\./);
    expect(row?.sealed).not.toContain(POWERDNS.apiKey);
    const events = (await admin<{ events: Event[] }>(`/pools/${pool.id}/events?type=pool.updated`))
      .body.events;
    expect(JSON.stringify(events)).not.toContain(POWERDNS.apiKey);
  });

  it("refuses bad settings with the field at fault, and needs the admin role", async () => {
    const pool = await createPool();
    const bad = await admin(`/pools/${pool.id}/dns`, {
      method: "PUT",
      body: { provider: { kind: "cloudflare", apiToken: "x", zoneId: "nope" } },
    });
    expectError(bad, 400, "validation_failed");
    expect(
      (bad.body as { error: { issues: { path: string }[] } }).error.issues.map(
        (issue) => issue.path,
      ),
    ).toEqual(["provider.apiToken", "provider.zoneId"]);
    const token = await admin<{ token: string }>("/tokens", {
      body: { name: "o", role: "operator" },
    });
    const result = await admin(`/pools/${pool.id}/dns`, {
      method: "PUT",
      body: { provider: POWERDNS },
      headers: { Authorization: `Bearer ${token.body.token}` },
    });
    expectError(result, 403, "forbidden");
    expectError(await admin("/pools/pool_missing/dns"), 404, "not_found");
  });

  it("stops editing records once the provider is removed", async () => {
    const { pool, dns, a, name } = await setup();
    expect((await admin(`/pools/${pool.id}/dns`, { method: "DELETE" })).status).toBe(200);
    await beat(a, "198.51.100.1", "failed");
    await settled(pool.id);
    expect(dns.records.get(name)).toEqual(["198.51.100.1"]);
    expect((await admin<{ dns: unknown }>(`/pools/${pool.id}/dns`)).body.dns).toBeNull();
    expectError(await admin(`/pools/${pool.id}/dns/test`, { body: {} }), 404, "not_found");
  });
});
