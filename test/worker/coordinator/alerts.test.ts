import { runInDurableObject } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import type { AlertPayload } from "../../../shared/alerts";
import { verifySignature } from "../../../worker/alerts/webhook";
import type { PoolCoordinator } from "../../../worker/coordinator/pool-coordinator";
import { admin, createPool, type Enrolled, enroll, expectError, heartbeat } from "../helpers";
import { tomorrowAt } from "../time";
import { coordinatorStub, fireAlarmAt, scheduledAlarm, setClock } from "./clock";

const T0 = tomorrowAt(12);
const SECRET = "webhook-secret-0123456789";
const URL = "https://hooks.example.com/baton";

interface Received {
  url: string;
  headers: Headers;
  body: string;
}

/** Stands in for the webhook receiver (the real HTTP path is tested against a live one in Node). */
function receiver(statuses: number[] = []) {
  const received: Received[] = [];
  const fetch = async (input: RequestInfo | URL, init?: RequestInit) => {
    received.push({
      url: String(input),
      headers: new Headers(init?.headers),
      body: String(init?.body),
    });
    return new Response("ok", { status: statuses.shift() ?? 200 });
  };
  return { received, fetch };
}

function beat(enrolled: Enrolled, ip: string, haproxy = "active") {
  return heartbeat(enrolled, {
    publicIp: ip,
    services: { haproxy: { installed: true, activeState: haproxy as "active" } },
  });
}

async function setup(statuses: number[] = []) {
  const pool = await createPool({ name: "edge-eu" });
  const hook = receiver(statuses);
  await runInDurableObject(coordinatorStub(pool.id), (instance: PoolCoordinator) => {
    instance.seams.alertFetch = hook.fetch as typeof fetch;
  });
  await setClock(pool.id, T0);
  const put = await admin(`/pools/${pool.id}/alerts`, {
    method: "PUT",
    body: { url: URL, secret: SECRET },
  });
  expect(put.status).toBe(200);
  const a = await enroll(pool.id, { priority: 1 });
  const b = await enroll(pool.id, { priority: 2 });
  await beat(a, "198.51.100.1");
  await beat(b, "198.51.100.2");
  return { pool, hook, a, b };
}

const settled = (poolId: string) => coordinatorStub(poolId).alertsSettled();
const types = (received: Received[]) =>
  received.map((r) => (JSON.parse(r.body) as AlertPayload).type);

describe("webhook alerts", () => {
  it("sends signed alerts for the events a pool subscribes to", async () => {
    const { pool, hook, a } = await setup();
    await beat(a, "198.51.100.1", "failed");
    await settled(pool.id);
    expect(types(hook.received)).toEqual([
      "member.online",
      "failover.promoted",
      "member.online",
      "failover.promoted",
    ]);

    const last = hook.received.at(-1) as Received;
    const payload = JSON.parse(last.body) as AlertPayload;
    expect(last.url).toBe(URL);
    expect(payload).toMatchObject({
      type: "failover.promoted",
      poolId: pool.id,
      poolName: "edge-eu",
    });
    expect(payload.data).toMatchObject({ reason: "service_down" });
    expect(payload.text).toContain("edge-eu");
    expect(last.headers.get("X-Baton-Delivery")).toBe(payload.id);
    const timestamp = last.headers.get("X-Baton-Timestamp") ?? "";
    expect(
      await verifySignature(
        SECRET,
        timestamp,
        last.body,
        last.headers.get("X-Baton-Signature") ?? "",
      ),
    ).toBe(true);
    expect(
      await verifySignature(
        "another-secret-123456",
        timestamp,
        last.body,
        last.headers.get("X-Baton-Signature") ?? "",
      ),
    ).toBe(false);
  });

  it("retries a failed delivery through the alarm, with the same delivery id", async () => {
    const { pool, hook } = await setup([503]);
    await settled(pool.id);
    const first = hook.received[0] as Received;
    expect(
      hook.received.filter(
        (r) => r.headers.get("X-Baton-Delivery") === first.headers.get("X-Baton-Delivery"),
      ),
    ).toHaveLength(1);
    const retryAt = (await scheduledAlarm(pool.id)) ?? 0;
    expect(retryAt).toBeGreaterThan(T0);
    await fireAlarmAt(pool.id, retryAt + 300_000);
    await settled(pool.id);
    const again = hook.received.filter(
      (r) => r.headers.get("X-Baton-Delivery") === first.headers.get("X-Baton-Delivery"),
    );
    expect(again).toHaveLength(2);
  });

  it("sends nothing once alerts are turned off, and keeps the secret to itself", async () => {
    const { pool, hook, a } = await setup();
    await settled(pool.id);
    const shown = await admin<{ alerts: Record<string, unknown> }>(`/pools/${pool.id}/alerts`);
    expect(shown.body.alerts).toMatchObject({ url: URL });
    expect(JSON.stringify(shown.body)).not.toContain(SECRET);
    const before = hook.received.length;
    await admin(`/pools/${pool.id}/alerts`, { method: "DELETE" });
    await beat(a, "198.51.100.1", "failed");
    await settled(pool.id);
    expect(hook.received.length).toBe(before);
  });

  it("keeps the settings but sends nothing while they are switched off, and again once on", async () => {
    const { pool, hook, a } = await setup();
    await settled(pool.id);
    const off = await admin<{ alerts: Record<string, unknown> }>(`/pools/${pool.id}/alerts`, {
      method: "PUT",
      body: { url: URL, secret: SECRET, enabled: false },
    });
    expect(off.body.alerts).toMatchObject({ url: URL, enabled: false });
    const before = hook.received.length;
    await beat(a, "198.51.100.1", "failed");
    await settled(pool.id);
    expect(hook.received.length).toBe(before);

    const events = ["member.service_changed"];
    await admin(`/pools/${pool.id}/alerts`, {
      method: "PUT",
      body: { url: URL, secret: SECRET, events },
    });
    const shown = await admin<{ alerts: Record<string, unknown> }>(`/pools/${pool.id}/alerts`);
    expect(shown.body.alerts).toMatchObject({ enabled: true });
    await beat(a, "198.51.100.1", "active");
    await settled(pool.id);
    expect(types(hook.received.slice(before))).toEqual(["member.service_changed"]);
  });

  it("refuses plain http to other hosts and short secrets", async () => {
    const pool = await createPool();
    const bad = await admin(`/pools/${pool.id}/alerts`, {
      method: "PUT",
      body: { url: "http://hooks.example.com/x", secret: "short" },
    });
    expectError(bad, 400, "validation_failed");
    const paths = (bad.body as { error: { issues: { path: string }[] } }).error.issues.map(
      (issue) => issue.path,
    );
    expect(paths).toEqual(["url", "secret"]);
  });
});
