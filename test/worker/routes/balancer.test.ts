import { env, exports } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { BalancerModel, type BalancerModelInput } from "../../../shared/balancer";
import type {
  BalancerAnswer,
  BalancerRevision,
  BalancerRevisionDiff,
  BalancerRevisionSummary,
} from "../../../shared/balancer-api";
import type { ErrorBody } from "../../../shared/errors";
import type { Event } from "../../../shared/events";
import { renderBalancer } from "../../../worker/balancer/render";
import { sha256Hex } from "../../../worker/lib/crypto";
import { fullModel, minimalModel } from "../../shared/balancer-models";
import { VARIANTS } from "../balancer/variants";
import {
  ADMIN,
  admin,
  BASE,
  call,
  createApiToken,
  createPool,
  expectError,
  withToken,
} from "../helpers";
import { withPoolCertificates } from "./seed-certificates";

/** Saves `model` with its certificates made the pool's own (withPoolCertificates). */
async function put(poolId: string, model: unknown) {
  const body = poolId === "pool_missing" ? model : await withPoolCertificates(poolId, model);
  return admin<BalancerAnswer>(`/pools/${poolId}/balancer`, { method: "PUT", body });
}

/** The render endpoint answers text, not JSON. */
async function render(poolId: string, query: string) {
  const response = await exports.default.fetch(
    `${BASE}/api/v1/pools/${poolId}/balancer/render?${query}`,
    { headers: ADMIN },
  );
  return { status: response.status, headers: response.headers, text: await response.text() };
}

function withTwoServersMore(): BalancerModelInput {
  const model = minimalModel();
  model.backends = model.backends.map((backend) => ({
    ...backend,
    strategy: "least_conn",
    servers: [...backend.servers, { name: "app3", address: "10.0.0.13", port: 8080 }],
  }));
  return model;
}

describe("PUT /api/v1/pools/:poolId/balancer", () => {
  it("saves revision 1 with both rendered texts, the mapping and an audit event", async () => {
    const pool = await createPool({ name: "edge-put" });
    const saved = await put(pool.id, fullModel());
    expect(saved.status).toBe(201);
    expect(saved.body.created).toBe(true);
    expect(saved.body.balancer).toMatchObject({ revision: 1, author: "bootstrap" });
    expect(saved.body.balancer?.model).toEqual(
      BalancerModel.parse(await withPoolCertificates(pool.id, fullModel())),
    );
    expect(saved.body.mapping.nginx).toContainEqual(
      expect.objectContaining({ path: "backends.0.healthCheck", fidelity: "nearest" }),
    );
    expect(saved.body.mapping.haproxy).toContainEqual(
      expect.objectContaining({ path: "backends.1.strategy", renders: "balance leastconn" }),
    );
    expect(saved.body.refusals).toEqual({ haproxy: [], nginx: [] });
    const events = await admin<{ events: Event[] }>(
      `/pools/${pool.id}/events?type=balancer.revised`,
    );
    expect(events.body.events).toHaveLength(1);
    expect(events.body.events[0]).toMatchObject({
      actor: "bootstrap",
      message: "Balancer revision 1 saved",
      data: { revision: 1, haproxySha256: saved.body.balancer?.haproxySha256 },
    });
  });

  it("makes no new revision when the model did not change, a new one when it did", async () => {
    const pool = await createPool({ name: "edge-same" });
    expect((await put(pool.id, minimalModel())).status).toBe(201);
    // The same model with its defaults spelled out is the same model.
    const again = await put(pool.id, BalancerModel.parse(minimalModel()));
    expect(again.status).toBe(200);
    expect(again.body).toMatchObject({ created: false, balancer: { revision: 1 } });
    const changed = await put(pool.id, withTwoServersMore());
    expect(changed.status).toBe(201);
    expect(changed.body.balancer?.revision).toBe(2);
    const events = await admin<{ events: Event[] }>(
      `/pools/${pool.id}/events?type=balancer.revised`,
    );
    expect(events.body.events).toHaveLength(2);
  });

  it.each([
    [
      "two frontends on one port",
      "frontends.1.binds.0.port",
      (m: BalancerModelInput) => {
        m.frontends.push({ name: "other", binds: [{ port: 80 }], defaultBackend: "app" });
      },
    ],
    [
      "a route to an unknown backend",
      "frontends.0.routes.0.backend",
      (m: BalancerModelInput) => {
        m.frontends = m.frontends.map((f) => ({
          ...f,
          routes: [{ pathPrefix: "/x", backend: "nope" }],
        }));
      },
    ],
    [
      "a port outside 1–65535",
      "frontends.0.binds.0.port",
      (m: BalancerModelInput) => {
        m.frontends = m.frontends.map((f) => ({ ...f, binds: [{ port: 0 }] }));
      },
    ],
    [
      "a duplicate backend name",
      "backends.1.name",
      (m: BalancerModelInput) => {
        m.backends = [...m.backends, ...m.backends];
      },
    ],
    [
      "a health path without /",
      "backends.0.healthCheck.path",
      (m: BalancerModelInput) => {
        m.backends = m.backends.map((b) => ({ ...b, healthCheck: { path: "health" } }));
      },
    ],
  ])("answers 400 naming the field for %s", async (_, path, edit) => {
    const pool = await createPool({ name: "edge-bad" });
    const model = minimalModel();
    edit(model);
    const result = await put(pool.id, model);
    expectError(result, 400, "validation_failed");
    const body = result.body as unknown as ErrorBody;
    expect(body.error.issues?.map((issue) => issue.path)).toContain(path);
    expect(body.error.message).toContain(path);
    expect((await admin<BalancerAnswer>(`/pools/${pool.id}/balancer`)).body.balancer).toBeNull();
  });

  it("refuses on an nginx pool what nginx cannot do (400 balancer_unsupported), saves it on an HAProxy pool", async () => {
    const nginxPool = await createPool({ name: "edge-nginx", profile: "nginx" });
    const refused = await put(nginxPool.id, VARIANTS["nginx-refusals"]);
    expectError(refused, 400, "balancer_unsupported");
    const body = refused.body as unknown as ErrorBody;
    expect(body.error.issues?.map((issue) => issue.path)).toEqual([
      "backends.0.sticky",
      "frontends.0.binds.1.tls.certificateId",
    ]);
    expect(body.error.message).toContain("This pool runs nginx");
    const haproxyPool = await createPool({ name: "edge-haproxy", profile: "haproxy" });
    const saved = await put(haproxyPool.id, VARIANTS["nginx-refusals"]);
    expect(saved.status).toBe(201);
    expect(saved.body.refusals.nginx.map((refusal) => refusal.path)).toContain("backends.0.sticky");
  });

  it("refuses a TLS bind naming a certificate the pool does not have, at its field", async () => {
    const pool = await createPool({ name: "edge-no-cert" });
    const result = await admin<BalancerAnswer>(`/pools/${pool.id}/balancer`, {
      method: "PUT",
      body: VARIANTS["tls-redirect"],
    });
    expectError(result, 400, "validation_failed");
    const issues = (result.body as unknown as ErrorBody).error.issues ?? [];
    expect(issues).toContainEqual(
      expect.objectContaining({
        path: "frontends.1.binds.0.tls.certificateId",
        message: expect.stringContaining("upload it first"),
      }),
    );
  });

  it("answers 413 for a model whose rendered file would not fit the job that applies it", async () => {
    const pool = await createPool({ name: "edge-huge" });
    // 4,608 servers fit the request (about 216 KiB); with health checks each server renders
    // longer than it is sent, past what a job can carry.
    const servers = Array.from({ length: 256 }, (_, i) => ({
      name: `s${i}`,
      address: `10.0.0.${i % 250}`,
      port: 8080,
    }));
    const model: BalancerModelInput = {
      frontends: [{ name: "web", binds: [{ port: 80 }], defaultBackend: "b0" }],
      backends: Array.from({ length: 18 }, (_, b) => ({
        name: `b${b}`,
        healthCheck: {},
        servers,
      })),
    };
    const result = await put(pool.id, model);
    expectError(result, 413, "payload_too_large");
    expect((result.body as unknown as ErrorBody).error.message).toMatch(
      /The (haproxy|nginx) configuration would be \d+ KiB; at most 200 KiB/,
    );
  });

  it("answers 413 for a request over 256 KiB before reading it, 400 for a body that is not JSON", async () => {
    const pool = await createPool({ name: "edge-body" });
    const oversized = await put(pool.id, { ...minimalModel(), padding: "x".repeat(300 * 1024) });
    expectError(oversized, 413, "payload_too_large");
    expect((oversized.body as unknown as ErrorBody).error.message).toContain("256 KiB");
    expectError(await put(pool.id, "{ not json"), 400, "validation_failed");
  });

  it("saves on a generic pool what nginx refuses, listing the refusals", async () => {
    const pool = await createPool({ name: "edge-generic", profile: "generic" });
    const saved = await put(pool.id, VARIANTS["nginx-refusals"]);
    expect(saved.status).toBe(201);
    expect(saved.body.refusals.nginx).toHaveLength(2);
  });

  it("takes an operator; a viewer may read but not change", async () => {
    const pool = await createPool({ name: "edge-roles" });
    const viewer = await createApiToken("viewer");
    const path = `/pools/${pool.id}/balancer`;
    expectError(
      await withToken(viewer.token, path, { method: "PUT", body: minimalModel() }),
      403,
      "forbidden",
    );
    const operator = await createApiToken("operator");
    const saved = await withToken<BalancerAnswer>(operator.token, path, {
      method: "PUT",
      body: minimalModel(),
    });
    expect(saved.status).toBe(201);
    expect(saved.body.balancer?.author).toBe(`token:${operator.apiToken.id}`);
    expect((await withToken(viewer.token, path)).status).toBe(200);
    expectError(await call(`/api/v1${path}`), 401, "unauthorized");
  });

  it("numbers two saves sent at once 1 and 2, never the same number twice", async () => {
    const pool = await createPool({ name: "edge-race" });
    const [a, b] = await Promise.all([put(pool.id, minimalModel()), put(pool.id, fullModel())]);
    expect([a.status, b.status]).toEqual([201, 201]);
    const numbers = [a.body.balancer?.revision, b.body.balancer?.revision].sort();
    expect(numbers).toEqual([1, 2]);
  });

  it("goes with its pool: deleting the pool deletes its revisions", async () => {
    const pool = await createPool({ name: "edge-deleted" });
    await put(pool.id, minimalModel());
    const count = () =>
      env.DB.prepare("SELECT count(*) AS n FROM balancer_revisions WHERE pool_id = ?")
        .bind(pool.id)
        .first<{ n: number }>();
    expect((await count())?.n).toBe(1);
    expect((await admin(`/pools/${pool.id}`, { method: "DELETE" })).status).toBe(200);
    expect((await count())?.n).toBe(0);
  });

  it("answers 404 for a pool that does not exist", async () => {
    expectError(await put("pool_missing", minimalModel()), 404, "not_found");
    expectError(await admin("/pools/pool_missing/balancer"), 404, "not_found");
  });
});

describe("GET /api/v1/pools/:poolId/balancer", () => {
  it("is null with empty mappings before the first revision, then the newest", async () => {
    const pool = await createPool({ name: "edge-get" });
    const empty = await admin<BalancerAnswer>(`/pools/${pool.id}/balancer`);
    expect(empty.body).toEqual({
      balancer: null,
      mapping: { haproxy: [], nginx: [] },
      refusals: { haproxy: [], nginx: [] },
    });
    await put(pool.id, minimalModel());
    await put(pool.id, withTwoServersMore());
    const got = await admin<BalancerAnswer>(`/pools/${pool.id}/balancer`);
    expect(got.body.balancer?.revision).toBe(2);
    expect(got.body.balancer?.model.backends[0]?.servers).toHaveLength(3);
    expect(got.body.mapping.haproxy.length).toBeGreaterThan(0);
  });
});

describe("GET /api/v1/pools/:poolId/balancer/revisions", () => {
  it("lists newest first, a page at a time", async () => {
    const pool = await createPool({ name: "edge-list" });
    await put(pool.id, minimalModel());
    await put(pool.id, withTwoServersMore());
    await put(pool.id, fullModel());
    type Page = { revisions: BalancerRevisionSummary[]; nextCursor: string | null };
    const first = await admin<Page>(`/pools/${pool.id}/balancer/revisions?limit=2`);
    expect(first.body.revisions.map((r) => r.revision)).toEqual([3, 2]);
    expect(first.body.revisions[0]).not.toHaveProperty("model");
    const second = await admin<Page>(
      `/pools/${pool.id}/balancer/revisions?limit=2&cursor=${first.body.nextCursor}`,
    );
    expect(second.body).toMatchObject({ nextCursor: null });
    expect(second.body.revisions.map((r) => r.revision)).toEqual([1]);
    expectError(
      await admin(`/pools/${pool.id}/balancer/revisions?limit=0`),
      400,
      "validation_failed",
    );
  });

  it("shows one revision with its diff against the one before", async () => {
    const pool = await createPool({ name: "edge-diff" });
    await put(pool.id, minimalModel());
    await put(pool.id, withTwoServersMore());
    type One = { revision: BalancerRevision; diff: BalancerRevisionDiff };
    const second = await admin<One>(`/pools/${pool.id}/balancer/revisions/2`);
    expect(second.status).toBe(200);
    expect(second.body.revision.revision).toBe(2);
    expect(second.body.diff.previousRevision).toBe(1);
    expect(second.body.diff.haproxy).toContain("--- revision 1\n+++ revision 2\n");
    expect(second.body.diff.haproxy).toContain("\n-  balance roundrobin\n+  balance leastconn\n");
    expect(second.body.diff.haproxy).toContain("\n+  server app3 10.0.0.13:8080 weight 1\n");
    expect(second.body.diff.nginx).toContain(
      "\n+    server 10.0.0.13:8080 weight=1 max_fails=0;  # app3\n",
    );
    expect(second.body.diff.model).toContain(
      '+  "strategy": "least_conn"'.replace("+  ", "+      "),
    );
    const first = await admin<One>(`/pools/${pool.id}/balancer/revisions/1`);
    expect(first.body.diff.previousRevision).toBeNull();
    expect(first.body.diff.haproxy.startsWith("--- nothing\n+++ revision 1\n")).toBe(true);
  });

  it("answers 404 naming the newest revision, 400 for a revision that is not a number", async () => {
    const pool = await createPool({ name: "edge-404" });
    expectError(await admin(`/pools/${pool.id}/balancer/revisions/1`), 404, "not_found");
    await put(pool.id, minimalModel());
    const missing = await admin(`/pools/${pool.id}/balancer/revisions/9`);
    expectError(missing, 404, "not_found");
    expect((missing.body as ErrorBody).error.message).toContain("its newest is 1");
    expectError(await admin(`/pools/${pool.id}/balancer/revisions/two`), 400, "validation_failed");
  });
});

describe("GET /api/v1/pools/:poolId/balancer/render", () => {
  it("answers exactly the rendered text of the newest or the named revision", async () => {
    const pool = await createPool({ name: "edge-render" });
    await put(pool.id, fullModel());
    await put(pool.id, withTwoServersMore());
    const newest = await render(pool.id, "target=nginx");
    expect(newest.status).toBe(200);
    expect(newest.headers.get("Content-Type")).toBe("text/plain; charset=utf-8");
    const meta = { poolId: pool.id, poolName: pool.name, revision: 2 };
    const model = BalancerModel.parse(withTwoServersMore());
    expect(newest.text).toBe(renderBalancer(model, "nginx", meta).text);
    expect(newest.headers.get("X-Baton-Revision")).toBe("2");
    expect(newest.headers.get("X-Baton-Sha256")).toBe(await sha256Hex(newest.text));
    const first = await render(pool.id, "target=haproxy&revision=1");
    expect(first.text.split("\n")[0]).toBe(
      `# Baton balancer of pool edge-render (${pool.id}), revision 1. Managed by Baton: a hand edit here is reported as drift.`,
    );
    expect(first.text).toBe(
      renderBalancer(
        BalancerModel.parse(await withPoolCertificates(pool.id, fullModel())),
        "haproxy",
        { ...meta, revision: 1 },
      ).text,
    );
  });

  it("keeps a revision's text byte for byte after the pool is renamed", async () => {
    const pool = await createPool({ name: "edge-rename" });
    await put(pool.id, minimalModel());
    const before = await render(pool.id, "target=haproxy&revision=1");
    const renamed = await admin(`/pools/${pool.id}`, {
      method: "PATCH",
      body: { name: "renamed" },
    });
    expect(renamed.status).toBe(200);
    const after = await render(pool.id, "target=haproxy&revision=1");
    expect(after.text).toBe(before.text);
    expect(after.text).toContain("of pool edge-rename");
  });

  it("answers 400 for an unknown target and 404 before the first revision", async () => {
    const pool = await createPool({ name: "edge-render-bad" });
    const none = await render(pool.id, "target=haproxy");
    expect(none.status).toBe(404);
    expect((JSON.parse(none.text) as ErrorBody).error.message).toContain(
      "no balancer revision yet",
    );
    await put(pool.id, minimalModel());
    const apache = await render(pool.id, "target=apache");
    expect(apache.status).toBe(400);
    expect((JSON.parse(apache.text) as ErrorBody).error.issues?.[0]?.path).toBe("target");
  });
});

describe("GET /api/v1/balancer/mapping", () => {
  it("lists per field what HAProxy and nginx render, marking nginx's nearest equivalents", async () => {
    type Mapping = {
      fields: { field: string; haproxy: string; nginx: string; nginxFidelity: string }[];
      nginxNotes: Record<string, string>;
    };
    const result = await admin<Mapping>("/balancer/mapping");
    expect(result.status).toBe(200);
    expect(result.body.fields).toContainEqual(
      expect.objectContaining({ field: "backends[].healthCheck", nginxFidelity: "nearest" }),
    );
    expect(result.body.nginxNotes.healthCheck).toContain("no active health checks");
    expectError(await call("/api/v1/balancer/mapping"), 401, "unauthorized");
  });
});
