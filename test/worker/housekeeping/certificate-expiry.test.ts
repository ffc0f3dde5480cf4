import { createScheduledController, runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import type { AlertPayload } from "../../../shared/alerts";
import type { Certificate } from "../../../shared/certificates";
import type { Event } from "../../../shared/events";
import type { PoolCoordinator } from "../../../worker/coordinator/pool-coordinator";
import { openDb } from "../../../worker/db/client";
import { D1Meter } from "../../../worker/db/meter";
import { checkCertificateExpiry } from "../../../worker/housekeeping/certificate-expiry";
import worker from "../../../worker/index";
import * as fx from "../certificates/fixtures";
import { coordinatorStub, setClock } from "../coordinator/clock";
import { admin, createPool } from "../helpers";

const DAY_MS = 86_400_000;
const HOUR_MS = 3_600_000;

/** A pool with a webhook (default events) whose receiver records what it gets, and one certificate. */
async function poolWithCertificate() {
  const pool = await createPool({ name: "shop-edge" });
  const received: AlertPayload[] = [];
  await runInDurableObject(coordinatorStub(pool.id), (instance: PoolCoordinator) => {
    instance.seams.alertFetch = (async (_input: RequestInfo | URL, init?: RequestInit) => {
      received.push(JSON.parse(String(init?.body)) as AlertPayload);
      return new Response("ok");
    }) as typeof fetch;
  });
  const put = await admin(`/pools/${pool.id}/alerts`, {
    method: "PUT",
    body: { url: "https://hooks.example.com/baton", secret: "webhook-secret-0123456789" },
  });
  expect(put.status).toBe(200);
  const uploaded = await admin<{ certificate: Certificate }>(`/pools/${pool.id}/certificates`, {
    body: { certificate: fx.RSA_LEAF + fx.INTERMEDIATE, privateKey: fx.RSA_KEY, name: "shop" },
  });
  expect(uploaded.status).toBe(201);
  return { pool, certificate: uploaded.body.certificate, received };
}

/** Runs the cron's check as if it were `at`; the coordinator's clock moves with it. */
async function checkAt(poolId: string, at: number) {
  await setClock(poolId, at);
  const result = await checkCertificateExpiry(openDb(env.DB, new D1Meter()), env, at);
  await coordinatorStub(poolId).alertsSettled();
  return result.certificateNotices;
}

async function certificateEvents(poolId: string) {
  const result = await admin<{ events: Event[] }>(
    `/pools/${poolId}/events?type=certificate.expiring,certificate.expired`,
  );
  return result.body.events.reverse();
}

describe("certificate expiry notices", () => {
  it("warn once 14 days ahead and once at expiry, as events and webhook alerts", async () => {
    const { pool, certificate, received } = await poolWithCertificate();
    const end = certificate.notAfter;

    expect(await checkAt(pool.id, end - 15 * DAY_MS)).toBe(0);
    expect(await checkAt(pool.id, end - 14 * DAY_MS + HOUR_MS)).toBe(1);
    // Every later run before the end, daily or every 15 minutes, stays quiet.
    expect(await checkAt(pool.id, end - 13 * DAY_MS)).toBe(0);
    expect(await checkAt(pool.id, end - HOUR_MS)).toBe(0);
    expect(await checkAt(pool.id, end)).toBe(1);
    expect(await checkAt(pool.id, end + DAY_MS)).toBe(0);

    const events = await certificateEvents(pool.id);
    expect(events.map((event) => [event.type, event.at])).toEqual([
      ["certificate.expiring", end - 14 * DAY_MS + HOUR_MS],
      ["certificate.expired", end],
    ]);
    const day = new Date(end).toISOString().slice(0, 10);
    expect(events[0]?.message).toBe(
      `Certificate shop (shop.example.test, www.shop.example.test, 192.0.2.10) expires in 14 days, on ${day}: upload a renewed one and roll it out`,
    );
    expect(events[0]?.data).toMatchObject({ certificateId: certificate.id, daysLeft: 14 });
    expect(events[1]?.message).toMatch(/expired on .*: clients now refuse it/);

    expect(received.map((alert) => [alert.type, alert.poolName, alert.id])).toEqual([
      ["certificate.expiring", "shop-edge", events[0]?.id],
      ["certificate.expired", "shop-edge", events[1]?.id],
    ]);
    expect(received[0]?.text).toMatch(/^:warning: \*shop-edge\*: Certificate shop/);
  });

  it("a certificate first seen past its end gets only the expired notice", async () => {
    const { pool, certificate, received } = await poolWithCertificate();
    expect(await checkAt(pool.id, certificate.notAfter + 3 * DAY_MS)).toBe(1);
    expect(await checkAt(pool.id, certificate.notAfter + 4 * DAY_MS)).toBe(0);
    expect((await certificateEvents(pool.id)).map((event) => event.type)).toEqual([
      "certificate.expired",
    ]);
    expect(received.map((alert) => alert.type)).toEqual(["certificate.expired"]);
  });

  it("runs in the Worker's cron", async () => {
    const { pool, certificate } = await poolWithCertificate();
    // The fixture is valid for a century: bring its end within the warning window of today.
    await env.DB.prepare("UPDATE certificates SET not_after = ? WHERE id = ?")
      .bind(Date.now() + 3 * DAY_MS, certificate.id)
      .run();
    await setClock(pool.id, Date.now());
    const controller = createScheduledController({ cron: "*/15 * * * *" });
    await worker.scheduled(controller, env);
    const events = await certificateEvents(pool.id);
    expect(events.map((event) => event.type)).toEqual(["certificate.expiring"]);
    expect(events[0]?.message).toMatch(/expires in 3 days/);
  });
});
