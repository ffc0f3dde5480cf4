import { describe, expect, it } from "vitest";
import type { ErrorBody } from "../../../shared/errors";
import type { Event } from "../../../shared/events";
import type { Pool } from "../../../shared/pools";
import {
  admin,
  call,
  createApiToken,
  createPool,
  enroll,
  expectError,
  heartbeat,
  withToken,
} from "../helpers";

const MISSING_POOL = "pool_00000000000000000000000000";

describe("POST /api/v1/pools", () => {
  it("creates a pool with defaults and normalises the failover hostname", async () => {
    const result = await admin<{ pool: Pool }>("/pools", {
      body: { name: "  edge eu  ", failoverHostname: "LB.Example.COM." },
    });
    expect(result.status).toBe(201);
    expect(result.body.pool).toMatchObject({
      name: "edge eu",
      profile: "haproxy",
      failoverHostname: "lb.example.com",
      failoverDelayS: 10,
      autoFailover: true,
    });
    expect(result.body.pool.id).toMatch(/^pool_/);
    const fetched = await admin<{ pool: Pool }>(`/pools/${result.body.pool.id}`);
    expect(fetched.body.pool).toEqual(result.body.pool);
  });

  it("refuses a failover hostname another pool has, on create and on rename", async () => {
    const first = await createPool({ failoverHostname: "lb-once.example.com" });
    const again = await admin("/pools", {
      body: { name: "second", failoverHostname: "LB-Once.example.com." },
    });
    expectError(again, 409, "hostname_taken");
    const body = again.body as ErrorBody;
    expect(body.error.message).toContain(first.id);
    expect(body.error.issues).toEqual([
      { path: "failoverHostname", message: expect.stringContaining(first.name) },
    ]);

    const other = await createPool();
    const rename = await admin(`/pools/${other.id}`, {
      method: "PATCH",
      body: { failoverHostname: "lb-once.example.com" },
    });
    expectError(rename, 409, "hostname_taken");
    expect((await admin<{ pool: Pool }>(`/pools/${other.id}`)).body.pool.failoverHostname).toBe(
      other.failoverHostname,
    );
    // Keeping its own hostname is no conflict.
    const same = await admin(`/pools/${first.id}`, {
      method: "PATCH",
      body: { failoverHostname: "lb-once.example.com", name: "renamed" },
    });
    expect(same.status).toBe(200);
  });

  it("refuses a body that fails validation, naming the fields", async () => {
    const result = await admin("/pools", {
      body: { name: "", failoverHostname: "localhost", failoverDelayS: 2 },
    });
    expectError(result, 400, "validation_failed");
    const paths = (result.body as ErrorBody).error.issues?.map((issue) => issue.path);
    expect(paths).toEqual(expect.arrayContaining(["name", "failoverHostname", "failoverDelayS"]));
  });

  it("refuses unknown fields", async () => {
    const result = await admin("/pools", {
      body: { name: "edge", failoverHostname: "lb.example.com", colour: "blue" },
    });
    expectError(result, 400, "validation_failed");
  });

  it("answers malformed JSON with 400 and the error shape", async () => {
    const result = await admin("/pools", { body: '{"name": "edge",' });
    expectError(result, 400, "validation_failed");
  });

  it("needs a token", async () => {
    const body = { name: "edge", failoverHostname: "lb.example.com" };
    expectError(await call("/api/v1/pools", { body }), 401, "unauthorized");
    const unknown = { Authorization: "Bearer bt_not-a-real-token" };
    expectError(await call("/api/v1/pools", { body, headers: unknown }), 401, "unauthorized");
    const notBearer = { Authorization: "Basic dXNlcjpwYXNz" };
    expectError(await call("/api/v1/pools", { body, headers: notBearer }), 401, "unauthorized");
  });

  it("needs the admin role", async () => {
    const body = { name: "edge", failoverHostname: "lb.example.com" };
    for (const role of ["viewer", "operator"] as const) {
      const { token } = await createApiToken(role);
      expectError(await withToken(token, "/pools", { body }), 403, "forbidden");
    }
  });
});

describe("GET /api/v1/pools", () => {
  it("lists pools in pages", async () => {
    const created = [await createPool(), await createPool(), await createPool()];
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const query: string = cursor ? `?limit=1&cursor=${cursor}` : "?limit=1";
      const result = await admin<{ pools: Pool[]; nextCursor: string | null }>(`/pools${query}`);
      expect(result.status).toBe(200);
      expect(result.body.pools.length).toBeLessThanOrEqual(1);
      seen.push(...result.body.pools.map((pool) => pool.id));
      cursor = result.body.nextCursor;
    } while (cursor);
    expect(seen).toEqual(expect.arrayContaining(created.map((pool) => pool.id)));
    expect(new Set(seen).size).toBe(seen.length);
  });

  it("is readable by a viewer", async () => {
    const pool = await createPool();
    const { token } = await createApiToken("viewer");
    const result = await withToken<{ pools: Pool[] }>(token, "/pools?limit=200");
    expect(result.status).toBe(200);
    expect(result.body.pools.map((p) => p.id)).toContain(pool.id);
  });

  it("refuses a bad page size", async () => {
    expectError(await admin("/pools?limit=0"), 400, "validation_failed");
    expectError(await admin("/pools?limit=201"), 400, "validation_failed");
  });

  it("needs a token", async () => {
    expectError(await call("/api/v1/pools"), 401, "unauthorized");
  });
});

describe("GET /api/v1/pools/:poolId", () => {
  it("returns the pool to a viewer", async () => {
    const pool = await createPool({ name: "viewed", profile: "nginx" });
    const { token } = await createApiToken("viewer");
    const result = await withToken<{ pool: Pool }>(token, `/pools/${pool.id}`);
    expect(result.status).toBe(200);
    expect(result.body.pool).toMatchObject({ id: pool.id, name: "viewed", profile: "nginx" });
  });

  it("answers 404 for an unknown pool", async () => {
    expectError(await admin(`/pools/${MISSING_POOL}`), 404, "not_found");
  });

  it("needs a token", async () => {
    const pool = await createPool();
    expectError(await call(`/api/v1/pools/${pool.id}`), 401, "unauthorized");
  });
});

describe("PATCH /api/v1/pools/:poolId", () => {
  it("changes the named fields only and records the change", async () => {
    const pool = await createPool({ name: "before" });
    const result = await admin<{ pool: Pool }>(`/pools/${pool.id}`, {
      method: "PATCH",
      body: { failoverDelayS: 120, autoFailover: false },
    });
    expect(result.status).toBe(200);
    expect(result.body.pool).toMatchObject({
      name: "before",
      failoverDelayS: 120,
      autoFailover: false,
    });
    const fetched = await admin<{ pool: Pool }>(`/pools/${pool.id}`);
    expect(fetched.body.pool).toMatchObject({ failoverDelayS: 120, autoFailover: false });
    const events = await admin<{ events: Event[] }>(`/pools/${pool.id}/events?type=pool.updated`);
    expect(events.body.events).toHaveLength(1);
  });

  it("refuses an empty body", async () => {
    const pool = await createPool();
    const result = await admin(`/pools/${pool.id}`, { method: "PATCH", body: {} });
    expectError(result, 400, "validation_failed");
  });

  it("refuses a failover delay above 120 s", async () => {
    const pool = await createPool();
    const result = await admin(`/pools/${pool.id}`, {
      method: "PATCH",
      body: { failoverDelayS: 121 },
    });
    expectError(result, 400, "validation_failed");
    expect((result.body as ErrorBody).error.issues?.[0]?.path).toBe("failoverDelayS");
    const fetched = await admin<{ pool: Pool }>(`/pools/${pool.id}`);
    expect(fetched.body.pool.failoverDelayS).toBe(pool.failoverDelayS);
  });

  it("needs the admin role", async () => {
    const pool = await createPool();
    const { token } = await createApiToken("operator");
    const result = await withToken(token, `/pools/${pool.id}`, {
      method: "PATCH",
      body: { name: "renamed" },
    });
    expectError(result, 403, "forbidden");
    expectError(
      await call(`/api/v1/pools/${pool.id}`, { method: "PATCH", body: { name: "renamed" } }),
      401,
      "unauthorized",
    );
  });

  it("answers 404 for an unknown pool", async () => {
    const result = await admin(`/pools/${MISSING_POOL}`, {
      method: "PATCH",
      body: { name: "renamed" },
    });
    expectError(result, 404, "not_found");
  });
});

describe("DELETE /api/v1/pools/:poolId", () => {
  it("deletes an empty pool", async () => {
    const pool = await createPool();
    const result = await admin<{ pool: Pool; deleted: boolean }>(`/pools/${pool.id}`, {
      method: "DELETE",
    });
    expect(result.status).toBe(200);
    expect(result.body).toMatchObject({ pool: { id: pool.id }, deleted: true });
    expectError(await admin(`/pools/${pool.id}`), 404, "not_found");
  });

  it("refuses a pool with members unless forced, then removes them too", async () => {
    const pool = await createPool();
    const enrolled = await enroll(pool.id);
    expect((await heartbeat(enrolled)).status).toBe(200);

    expectError(await admin(`/pools/${pool.id}`, { method: "DELETE" }), 409, "pool_not_empty");
    expect((await admin(`/members/${enrolled.member.id}`)).status).toBe(200);

    const forced = await admin(`/pools/${pool.id}?force=true`, { method: "DELETE" });
    expect(forced.status).toBe(200);
    expectError(await admin(`/pools/${pool.id}`), 404, "not_found");
    expectError(await admin(`/members/${enrolled.member.id}`), 404, "not_found");
    expectError(await heartbeat(enrolled), 401, "bad_secret");
  });

  it("refuses a force flag that is not true or false", async () => {
    const pool = await createPool();
    const result = await admin(`/pools/${pool.id}?force=yes`, { method: "DELETE" });
    expectError(result, 400, "validation_failed");
    expect((await admin(`/pools/${pool.id}`)).status).toBe(200);
  });

  it("needs the admin role", async () => {
    const pool = await createPool();
    const { token } = await createApiToken("operator");
    expectError(
      await withToken(token, `/pools/${pool.id}`, { method: "DELETE" }),
      403,
      "forbidden",
    );
    expectError(await call(`/api/v1/pools/${pool.id}`, { method: "DELETE" }), 401, "unauthorized");
    expect((await admin(`/pools/${pool.id}`)).status).toBe(200);
  });

  it("answers 404 for an unknown pool", async () => {
    expectError(await admin(`/pools/${MISSING_POOL}`, { method: "DELETE" }), 404, "not_found");
  });
});
