import { describe, expect, it } from "vitest";
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

interface Stats {
  requests: { calls: number; statements: number; rowsWritten: number };
  coordinators: { calls: number; statements: number; rowsWritten: number; heartbeats: number };
  pools: number;
}

async function stats(): Promise<Stats> {
  const result = await admin<Stats>("/system/stats");
  expect(result.status).toBe(200);
  return result.body;
}

describe("GET /api/v1/system/stats", () => {
  it("counts heartbeats and the D1 work they cost", async () => {
    const pool = await createPool();
    const enrolled = await enroll(pool.id);
    const before = await stats();

    expect((await heartbeat(enrolled)).status).toBe(200);
    expect((await heartbeat(enrolled)).status).toBe(200);
    const after = await stats();

    expect(after.coordinators.heartbeats - before.coordinators.heartbeats).toBe(2);
    // The first beat brings the member online: an event and a catalog update, in one batch.
    expect(after.coordinators.calls).toBeGreaterThan(before.coordinators.calls);
    expect(after.coordinators.rowsWritten).toBeGreaterThan(before.coordinators.rowsWritten);
    // Each beat looks its secret up in D1 from the request side.
    expect(after.requests.calls - before.requests.calls).toBeGreaterThanOrEqual(2);
    expect(after.requests.statements).toBeGreaterThanOrEqual(after.requests.calls);
  });

  it("counts D1 calls of admin requests", async () => {
    const before = await stats();
    await createPool();
    const after = await stats();
    expect(after.requests.calls).toBeGreaterThan(before.requests.calls);
    expect(after.requests.rowsWritten).toBeGreaterThan(before.requests.rowsWritten);
    expect(after.pools).toBe(before.pools + 1);
  });

  it("counts the pools that exist", async () => {
    await createPool();
    const listed = await admin<{ pools: unknown[] }>("/pools?limit=200");
    expect((await stats()).pools).toBe(listed.body.pools.length);
  });

  it("needs the admin role", async () => {
    for (const role of ["viewer", "operator"] as const) {
      const { token } = await createApiToken(role);
      expectError(await withToken(token, "/system/stats"), 403, "forbidden");
    }
    expectError(await call("/api/v1/system/stats"), 401, "unauthorized");
  });
});
