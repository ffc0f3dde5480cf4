import { runInDurableObject } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import type { AlertPayload } from "../../../shared/alerts";
import { verifySignature } from "../../../worker/alerts/webhook";
import type { PoolCoordinator } from "../../../worker/coordinator/pool-coordinator";
import { coordinatorStub } from "../coordinator/clock";
import { admin, createApiToken, createPool, expectError, withToken } from "../helpers";

const SECRET = "webhook-secret-0123456789";
const URL = "https://hooks.example.com/baton";

/** A pool whose coordinator posts webhooks to a recording receiver answering `status`. */
async function poolWithReceiver(status: number, body = "ok") {
  const pool = await createPool();
  const received: { headers: Headers; body: string }[] = [];
  await runInDurableObject(coordinatorStub(pool.id), (instance: PoolCoordinator) => {
    instance.seams.alertFetch = (async (_input: RequestInfo | URL, init?: RequestInit) => {
      received.push({ headers: new Headers(init?.headers), body: String(init?.body) });
      return new Response(body, { status });
    }) as typeof fetch;
  });
  return { pool, received };
}

interface TestAnswer {
  test: { ok: boolean; status?: number; error?: string; durationMs: number; url: string };
}

describe("POST /pools/:poolId/alerts/test", () => {
  it("sends one signed alert.test to the saved webhook and answers what the receiver said", async () => {
    const { pool, received } = await poolWithReceiver(202);
    await admin(`/pools/${pool.id}/alerts`, { method: "PUT", body: { url: URL, secret: SECRET } });
    const result = await admin<TestAnswer>(`/pools/${pool.id}/alerts/test`, { method: "POST" });
    expect(result.status).toBe(200);
    expect(result.body.test).toMatchObject({ ok: true, status: 202, url: URL });
    expect(result.body.test.durationMs).toBeGreaterThanOrEqual(0);
    expect(received).toHaveLength(1);
    const sent = received[0] as { headers: Headers; body: string };
    const payload = JSON.parse(sent.body) as AlertPayload;
    expect(payload).toMatchObject({ type: "alert.test", poolId: pool.id, poolName: pool.name });
    expect(sent.headers.get("X-Baton-Event")).toBe("alert.test");
    const timestamp = Number(sent.headers.get("X-Baton-Timestamp"));
    const signature = sent.headers.get("X-Baton-Signature") ?? "";
    expect(await verifySignature(SECRET, timestamp, sent.body, signature)).toBe(true);
  });

  it("reports a refusal with its status and error code, sent even while alerts are off", async () => {
    const { pool } = await poolWithReceiver(400, "invalid_payload");
    const body = { url: URL, secret: SECRET, enabled: false };
    await admin(`/pools/${pool.id}/alerts`, { method: "PUT", body });
    const result = await admin<TestAnswer>(`/pools/${pool.id}/alerts/test`, { method: "POST" });
    expect(result.status).toBe(200);
    expect(result.body.test).toMatchObject({
      ok: false,
      status: 400,
      error: "HTTP 400: invalid_payload",
    });
  });

  it("answers 404 when the pool has no webhook, and 403 to an operator", async () => {
    const { pool, received } = await poolWithReceiver(200);
    const none = await admin(`/pools/${pool.id}/alerts/test`, { method: "POST" });
    expectError(none, 404, "not_found");
    expect((none.body as { error: { message: string } }).error.message).toContain("no webhook");
    const { token } = await createApiToken("operator");
    const denied = await withToken(token, `/pools/${pool.id}/alerts/test`, { method: "POST" });
    expectError(denied, 403, "forbidden");
    expectError(await admin("/pools/pool_nope/alerts/test", { method: "POST" }), 404, "not_found");
    expect(received).toHaveLength(0);
  });
});
