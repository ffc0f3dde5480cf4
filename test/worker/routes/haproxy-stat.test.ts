import { describe, expect, it } from "vitest";
import { HAPROXY_STAT_WANTED_MS, type HaproxyStatRow } from "../../../shared/haproxy-stat";
import { coordinatorStub, setClock } from "../coordinator/clock";
import {
  admin,
  agentCall,
  call,
  createApiToken,
  createPool,
  type Enrolled,
  enroll,
  expectError,
  heartbeat,
  withToken,
} from "../helpers";
import { tomorrowAt } from "../time";

const T0 = tomorrowAt(12);
const MISSING_MEMBER = "mem_00000000000000000000000000";

const ROW: HaproxyStatRow = {
  proxy: "be_app",
  service: "web1",
  kind: "server",
  status: "UP",
  checkStatus: "L7OK",
  checkDesc: "Layer7 check passed",
  scur: 3,
  smax: 10,
  stot: 1234,
  rate: 2,
  weight: 1,
  lastchg: 3600,
  addr: "10.0.0.5:8080",
  mode: "http",
};

function stat(memberId: string) {
  return admin<{ collectedAt: number | null; rows: HaproxyStatRow[] }>(
    `/members/${memberId}/haproxy/stat`,
  );
}

function report(enrolled: Enrolled, body: unknown, headers: Record<string, string> = {}) {
  return agentCall(enrolled, "/haproxy/stat", { body, headers });
}

async function wanted(enrolled: Enrolled) {
  const beat = await heartbeat(enrolled);
  expect(beat.status).toBe(200);
  return beat.body.wants.haproxyStat;
}

describe("HAProxy status table on request", () => {
  it("asks every member at once for the overview's flow, and answers each one's latest table", async () => {
    const pool = await createPool();
    const [edge, other] = [await enroll(pool.id), await enroll(pool.id)];
    await setClock(pool.id, T0);
    expect([await wanted(edge), await wanted(other)]).toEqual([false, false]);

    const first = await coordinatorStub(pool.id).haproxyStats(pool.id);
    expect(first).toEqual({
      ok: true,
      value: {
        [edge.member.id]: { collectedAt: null, rows: [] },
        [other.member.id]: { collectedAt: null, rows: [] },
      },
    });
    // Both agents are asked now, the standby as well as the active.
    expect([await wanted(edge), await wanted(other)]).toEqual([true, true]);
    expect((await report(other, { collectedAt: T0 + 500, rows: [ROW] })).status).toBe(204);
    const second = await coordinatorStub(pool.id).haproxyStats(pool.id);
    expect(second.ok && second.value[other.member.id]).toEqual({
      collectedAt: T0 + 500,
      rows: [ROW],
    });
    expect(second.ok && second.value[edge.member.id]).toEqual({ collectedAt: null, rows: [] });
  });

  it("asks the agent while someone looks, and serves the latest table it sent", async () => {
    const pool = await createPool();
    const [edge, other] = [await enroll(pool.id), await enroll(pool.id)];
    await setClock(pool.id, T0);
    expect(await wanted(edge)).toBe(false);

    const first = await stat(edge.member.id);
    expect(first.status).toBe(200);
    expect(first.body).toEqual({ collectedAt: null, rows: [] });
    expect(await wanted(edge)).toBe(true);
    expect(await wanted(other)).toBe(false);

    const sent = await report(edge, { collectedAt: T0 + 500, rows: [ROW] });
    expect(sent.status).toBe(204);
    expect((await stat(edge.member.id)).body).toEqual({ collectedAt: T0 + 500, rows: [ROW] });
    // An older table arriving late does not replace the newer one.
    expect((await report(edge, { collectedAt: T0, rows: [] })).status).toBe(204);
    expect((await stat(edge.member.id)).body.rows).toEqual([ROW]);

    // Wanted for HAPROXY_STAT_WANTED_MS after the last request, then no more.
    await setClock(pool.id, T0 + HAPROXY_STAT_WANTED_MS - 1);
    expect(await wanted(edge)).toBe(true);
    await setClock(pool.id, T0 + HAPROXY_STAT_WANTED_MS);
    expect(await wanted(edge)).toBe(false);
  });

  it("keeps the table in memory: no D1 query or write", async () => {
    const pool = await createPool();
    const edge = await enroll(pool.id);
    await heartbeat(edge);
    const before = await coordinatorStub(pool.id).stats();
    expect((await report(edge, { collectedAt: T0, rows: [ROW] })).status).toBe(204);
    expect((await stat(edge.member.id)).body.rows).toEqual([ROW]);
    const after = await coordinatorStub(pool.id).stats();
    expect(after.calls - before.calls).toBe(0);
    expect(after.rowsWritten - before.rowsWritten).toBe(0);
  });

  it("keeps the later columns (limits, bytes, errors, check details) and accepts rows without them", async () => {
    const edge = await enroll((await createPool()).id);
    const full: HaproxyStatRow = {
      ...ROW,
      slim: 100,
      bin: 4096,
      bout: 81920,
      ereq: null,
      econ: 1,
      eresp: 2,
      checkCode: 200,
      checkDurationMs: 3,
      lastChk: "HTTP status check returned code <200>",
      downtime: 12,
    };
    // ROW is what an agent from before these columns sends.
    expect((await report(edge, { collectedAt: T0, rows: [full, ROW] })).status).toBe(204);
    expect((await stat(edge.member.id)).body.rows).toEqual([full, ROW]);
  });

  it("refuses an invalid table with 400, naming the field", async () => {
    const edge = await enroll((await createPool()).id);
    const bad = await report(edge, { collectedAt: T0, rows: [{ ...ROW, kind: "pool" }] });
    expectError(bad, 400, "validation_failed");
    expectError(await report(edge, "{"), 400, "validation_failed");
  });

  it("checks the agent's secret and address", async () => {
    const edge = await enroll((await createPool()).id);
    const body = { collectedAt: T0, rows: [] };
    expectError(await report({ ...edge, secret: "wrong" }, body), 401, "bad_secret");
    expectError(
      await report(edge, body, { "CF-Connecting-IP": "192.0.2.99" }),
      403,
      "ip_not_allowed",
    );
  });

  it("is readable by a viewer, needs a token, and answers 404 for an unknown member", async () => {
    const edge = await enroll((await createPool()).id);
    const { token } = await createApiToken("viewer");
    const path = `/members/${edge.member.id}/haproxy/stat`;
    expect((await withToken(token, path)).status).toBe(200);
    expectError(await call(`/api/v1${path}`), 401, "unauthorized");
    expectError(await stat(MISSING_MEMBER), 404, "not_found");
  });
});
