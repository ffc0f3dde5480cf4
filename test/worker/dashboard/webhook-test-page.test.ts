import { runInDurableObject } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import type { AlertPayload } from "../../../shared/alerts";
import type { PoolCoordinator } from "../../../worker/coordinator/pool-coordinator";
import { coordinatorStub } from "../coordinator/clock";
import { admin, createPool } from "../helpers";
import { byTestId, textOf } from "./html";
import { browserAs, htmlOf, postForm } from "./pages-as";

// "Send test event" on the pool's Settings tab: one signed alert.test through the coordinator's
// dispatcher, its answer shown inline on the page.
const HOOK = "https://hooks.example.com/baton";
const SECRET = "webhook-signing-secret-1234";

async function poolWithReceiver(status: number, body = "") {
  const pool = await createPool();
  const received: string[] = [];
  await runInDurableObject(coordinatorStub(pool.id), (instance: PoolCoordinator) => {
    instance.seams.alertFetch = (async (_input: RequestInfo | URL, init?: RequestInit) => {
      received.push(String(init?.body));
      return new Response(body, { status });
    }) as typeof fetch;
  });
  return { pool, received };
}

const saveHook = (poolId: string) =>
  admin(`/pools/${poolId}/alerts`, { method: "PUT", body: { url: HOOK, secret: SECRET } });

describe("Send test event (pool Settings tab)", () => {
  it("sends an alert.test and shows the receiver's status and time on the page", async () => {
    const session = await browserAs("admin");
    const { pool, received } = await poolWithReceiver(200);
    await saveHook(pool.id);
    const before = await htmlOf(session, `/pools/${pool.id}/settings`);
    expect(byTestId(before, "webhook-test-send")[0]).not.toHaveProperty("disabled");
    const response = await postForm(session, `/ui/pools/${pool.id}/alerts/test`);
    expect(response.status).toBe(200);
    const html = await response.text();
    expect(byTestId(html, "webhook-test-result")[0]?.["data-ok"]).toBe("true");
    expect(textOf(html, "webhook-test-result")).toMatch(/answered HTTP 200 in \d+ ms/);
    expect(received.map((body) => (JSON.parse(body) as AlertPayload).type)).toEqual(["alert.test"]);
  });

  it("says what went wrong when the receiver refuses", async () => {
    const session = await browserAs("admin");
    const { pool } = await poolWithReceiver(404, "no_service");
    await saveHook(pool.id);
    const html = await (await postForm(session, `/ui/pools/${pool.id}/alerts/test`)).text();
    expect(byTestId(html, "webhook-test-result")[0]?.["data-ok"]).toBe("false");
    expect(textOf(html, "webhook-test-result")).toContain("HTTP 404: no_service");
  });

  it("is disabled until a webhook is saved, and for non-admins", async () => {
    const { pool, received } = await poolWithReceiver(200);
    const adminHtml = await htmlOf(await browserAs("admin"), `/pools/${pool.id}/settings`);
    expect(byTestId(adminHtml, "webhook-test-send")[0]?.title).toBe("Save a webhook first");
    await saveHook(pool.id);
    const operator = await browserAs("operator");
    const html = await htmlOf(operator, `/pools/${pool.id}/settings`);
    expect(byTestId(html, "webhook-test-send")[0]?.title).toBe("Needs the admin role");
    const refused = await postForm(operator, `/ui/pools/${pool.id}/alerts/test`);
    expect(refused.status).toBe(403);
    expect(received).toHaveLength(0);
  });
});
