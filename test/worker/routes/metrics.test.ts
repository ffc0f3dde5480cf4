import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import type { MemberMetrics } from "../../../shared/metrics";
import { setClock } from "../coordinator/clock";
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

const MISSING_MEMBER = "mem_00000000000000000000000000";
const HOST = { cpuPercent: 25, memUsedBytes: 2_000, memTotalBytes: 8_000, load1: 0.5 };

function metrics(memberId: string, query = "") {
  return admin<MemberMetrics>(`/members/${memberId}/metrics${query}`);
}

/** Writes a pool sample row as the coordinator would (at, and each member's figures). */
function sample(poolId: string, at: number, members: Record<string, object>) {
  return env.DB.prepare("INSERT INTO metric_samples (pool_id, at, members) VALUES (?, ?, ?)")
    .bind(poolId, at, JSON.stringify(members))
    .run();
}

describe("GET /api/v1/members/:memberId/metrics", () => {
  it("a member never sampled has an empty series; the hour is the default range", async () => {
    const pool = await createPool();
    const edge = await enroll(pool.id);
    const before = Date.now();
    const result = await metrics(edge.member.id);
    expect(result.status).toBe(200);
    expect(result.body).toMatchObject({
      memberId: edge.member.id,
      range: "hour",
      sampleIntervalMs: 30_000,
      bucketMs: 0,
      gapAfterMs: 46_500,
      points: [],
    });
    expect(result.body.to).toBeGreaterThanOrEqual(before);
    expect(result.body.to - result.body.from).toBe(3_600_000);
  });

  it("serves the member's own figures, nulls for samples it was absent from, nothing older", async () => {
    const pool = await createPool();
    const [a, b] = [await enroll(pool.id), await enroll(pool.id)];
    const otherPool = await createPool({ name: "other", failoverHostname: "lb2.example.com" });
    const now = Date.now();
    const [idA, idB] = [a.member.id, b.member.id];
    await sample(pool.id, now - 2 * 3_600_000, { [idA]: { cpuPercent: 99 } }); // a day's, not an hour's
    await sample(pool.id, now - 90_000, { [idA]: { cpuPercent: 10, rttMs: 12 }, [idB]: {} });
    await sample(pool.id, now - 60_000, { [idB]: { cpuPercent: 70, currentConnections: 4 } });
    await sample(pool.id, now - 30_000, {
      [idA]: { cpuPercent: 30, memUsedBytes: 1_024, memTotalBytes: 4_096, sessionRate: 2 },
    });
    await sample(otherPool.id, now - 45_000, { [idA]: { cpuPercent: 55 } }); // never A's pool

    const hour = await metrics(idA, "?range=hour");
    expect(hour.status).toBe(200);
    expect(hour.body.points.map((point) => [point.at, point.cpuPercent, point.rttMs])).toEqual([
      [now - 90_000, 10, 12],
      [now - 60_000, null, null],
      [now - 30_000, 30, null],
    ]);
    expect(hour.body.points[2]).toMatchObject({
      memUsedBytes: 1_024,
      memTotalBytes: 4_096,
      sessionRate: 2,
      currentConnections: null,
    });

    const day = await metrics(idA, "?range=day");
    expect(day.body.range).toBe("day");
    expect(day.body.points.map((point) => point.cpuPercent)).toEqual([99, 10, null, 30]);

    const ofB = await metrics(idB);
    expect(ofB.body.points.map((point) => point.currentConnections)).toEqual([null, 4, null]);
  });

  it("a full day is averaged on the server into at most 300 points", async () => {
    const pool = await createPool();
    const edge = await enroll(pool.id);
    const now = Date.now();
    // 2,880 rows, one every 30 s for 24 h, CPU alternating 10 and 20, 5 sessions or 9.
    await env.DB.prepare(
      `WITH RECURSIVE seq(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM seq WHERE i < 2879)
       INSERT INTO metric_samples (pool_id, at, members)
       SELECT ?1, ?2 - i * 30000, json_object(?3, json_object(
         'cpuPercent', 10 + (i % 2) * 10, 'currentConnections', 5 + (i % 2) * 4, 'rttMs', 40))
       FROM seq`,
    )
      .bind(pool.id, now - 1_000, edge.member.id)
      .run();
    const day = await metrics(edge.member.id, "?range=day");
    expect(day.status).toBe(200);
    expect(day.body.bucketMs).toBe(289_000);
    expect(day.body.points.length).toBeLessThanOrEqual(300);
    expect(day.body.points.length).toBeGreaterThan(290);
    expect(JSON.stringify(day.body).length).toBeLessThan(60_000);
    for (const point of day.body.points.slice(1, -1)) {
      expect(point.cpuPercent).toBeGreaterThanOrEqual(14);
      expect(point.cpuPercent).toBeLessThanOrEqual(16);
      expect(point.currentConnections).toBe(9); // the bucket's peak, not its mean
      expect(point.rttMs).toBe(40);
    }
    // The hour of the same rows needs no downsampling: 120 samples.
    const hour = await metrics(edge.member.id, "?range=hour");
    expect(hour.body.bucketMs).toBe(0);
    expect(hour.body.points).toHaveLength(120);
  });

  it("carries the round-trips the agent reported, averaged over the sample interval", async () => {
    const pool = await createPool();
    const edge = await enroll(pool.id);
    // The coordinator's clock a few minutes back, so its sample lies within the last hour.
    const t0 = Date.now() - 5 * 60_000;
    await setClock(pool.id, t0);
    expect((await heartbeat(edge, { host: HOST })).status).toBe(200); // first beat: no rtt yet
    await setClock(pool.id, t0 + 1_000);
    expect((await heartbeat(edge, { host: HOST, rttMs: 10 })).status).toBe(200);
    await setClock(pool.id, t0 + 2_000);
    expect((await heartbeat(edge, { host: HOST, rttMs: 23 })).status).toBe(200);
    await setClock(pool.id, t0 + 30_000);
    expect((await heartbeat(edge, { host: HOST, rttMs: 30 })).status).toBe(200);

    const hour = await metrics(edge.member.id);
    expect(hour.body.points).toEqual([
      {
        at: t0 + 30_000,
        rttMs: 21, // (10 + 23 + 30) / 3
        cpuPercent: 25,
        memUsedBytes: 2_000,
        memTotalBytes: 8_000,
        load1: 0.5,
        currentConnections: null,
        sessionRate: null,
      },
    ]);
  });

  it("an older agent's heartbeat without a round-trip is accepted and charted without one", async () => {
    const pool = await createPool();
    const edge = await enroll(pool.id);
    const t0 = Date.now() - 5 * 60_000;
    await setClock(pool.id, t0);
    expect((await heartbeat(edge, { host: HOST })).status).toBe(200);
    await setClock(pool.id, t0 + 30_000);
    expect((await heartbeat(edge, { host: HOST })).status).toBe(200);
    const [point] = (await metrics(edge.member.id)).body.points;
    expect(point).toMatchObject({ cpuPercent: 25, rttMs: null });
  });

  it("refuses a round-trip off the protocol", async () => {
    const pool = await createPool();
    const edge = await enroll(pool.id);
    expectError(await heartbeat(edge, { rttMs: -5 }), 400, "validation_failed");
    expectError(await heartbeat(edge, { rttMs: 1.5 }), 400, "validation_failed");
  });

  it("400 validation_failed for a range that is not hour or day", async () => {
    const pool = await createPool();
    const edge = await enroll(pool.id);
    for (const query of ["?range=week", "?range=", "?range=HOUR"]) {
      const result = await metrics(edge.member.id, query);
      expectError(result, 400, "validation_failed");
      const body = result.body as unknown as { error: { issues: { path: string }[] } };
      expect(body.error.issues.map((issue) => issue.path)).toEqual(["range"]);
    }
  });

  it("404 for an unknown member, 401 without a token, and a viewer may read", async () => {
    expectError(await metrics(MISSING_MEMBER), 404, "not_found");
    const pool = await createPool();
    const edge = await enroll(pool.id);
    expectError(await call(`/api/v1/members/${edge.member.id}/metrics`), 401, "unauthorized");
    const viewer = await createApiToken("viewer");
    const read = await withToken<MemberMetrics>(
      viewer.token,
      `/members/${edge.member.id}/metrics?range=day`,
    );
    expect(read.status).toBe(200);
    expect(read.body.points).toEqual([]);
  });
});
