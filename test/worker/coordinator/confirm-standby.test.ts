/**
 * A promotion the active's own report calls for (its HAProxy down, or it would not serve) waits a
 * moment for the standby's fresh word when the standby can be asked (it has a WebSocket): both
 * members' HAProxy killed at once must not send traffic to the standby whose death report is a
 * few milliseconds behind the active's. A standby on HTTP heartbeats (the fallback) cannot be
 * asked: the promotion waits for its next beat instead.
 */
import { describe, expect, it } from "vitest";
import type { Event } from "../../../shared/events";
import type { Pool } from "../../../shared/pools";
import { DEFAULT_HEARTBEAT_INTERVAL_MS, heartbeatIntervalFor } from "../../../shared/protocol";
import { CONFIRM_WAIT_MS, NEXT_BEAT_SLACK_MS } from "../../../worker/coordinator/failover-keeper";
import { admin, createPool, type Enrolled, enroll, heartbeat } from "../helpers";
import { tomorrowAt } from "../time";
import { connect, socketBeat, type TestSocket } from "./agent-socket-client";
import { fireAlarmAt, scheduledAlarm, setClock } from "./clock";

const T0 = tomorrowAt(12);
const A_IP = "198.51.100.1";
const B_IP = "198.51.100.2";

function beatWith(socket: TestSocket, enrolled: Enrolled, ip: string, state: string) {
  return socketBeat(socket, enrolled, {
    publicIp: ip,
    services: { haproxy: { installed: true, activeState: state } },
  });
}

async function activeOf(poolId: string) {
  return (await admin<{ pool: Pool }>(`/pools/${poolId}`)).body.pool.activeMemberId;
}

async function eventTypes(poolId: string) {
  const result = await admin<{ events: Event[] }>(`/pools/${poolId}/events?type=failover.*`);
  return result.body.events.map((event) => event.type);
}

/** A pool of two socket members, a active and b a ready standby, at T0. */
async function twoSocketMembers() {
  const pool = await createPool({ failoverDelayS: 5 });
  const a = await enroll(pool.id, { priority: 1 });
  const b = await enroll(pool.id, { priority: 2 });
  await setClock(pool.id, T0);
  const [socketA, socketB] = [await connect(a), await connect(b)];
  await socketA.nextPush(); // interval
  await socketB.nextPush();
  await beatWith(socketA, a, A_IP, "active");
  await setClock(pool.id, T0 + 400);
  await beatWith(socketB, b, B_IP, "active");
  expect(await activeOf(pool.id)).toBe(a.member.id);
  return { pool, a, b, socketA, socketB };
}

/** The heartbeat interval of a pool with a 5 s failover delay. */
const INTERVAL_MS = heartbeatIntervalFor(DEFAULT_HEARTBEAT_INTERVAL_MS, 5);

/** a active on a WebSocket, b a ready standby heartbeating over HTTP (last at T0 + 400). */
async function socketActiveHttpStandby() {
  const pool = await createPool({ failoverDelayS: 5 });
  const a = await enroll(pool.id, { priority: 1 });
  const b = await enroll(pool.id, { priority: 2 });
  await setClock(pool.id, T0);
  const socketA = await connect(a);
  await beatWith(socketA, a, A_IP, "active");
  const httpBeat = async (member: Enrolled, state: "active" | "failed") => {
    const report = {
      publicIp: B_IP,
      services: { haproxy: { installed: true, activeState: state } },
    };
    expect((await heartbeat(member, report)).status).toBe(200);
  };
  await setClock(pool.id, T0 + 400);
  await httpBeat(b, "active");
  expect(await activeOf(pool.id)).toBe(a.member.id);
  return { pool, a, b, socketA, httpBeat };
}

describe("a promotion the active's report calls for", () => {
  it("asks the standby to report first, and does not promote one that reports itself down", async () => {
    const { pool, a, b, socketA, socketB } = await twoSocketMembers();
    await setClock(pool.id, T0 + 900);
    await beatWith(socketA, a, A_IP, "failed");
    // Not promoted on the standby's report from before the active's failure: asked instead.
    expect(await activeOf(pool.id)).toBe(a.member.id);
    expect(await socketB.nextPush()).toEqual({ type: "report-now" });
    await setClock(pool.id, T0 + 930);
    await beatWith(socketB, b, B_IP, "failed");
    expect(await activeOf(pool.id)).toBe(a.member.id);
    // Newest first: a became active when the pool started (no active yet).
    expect(await eventTypes(pool.id)).toEqual(["failover.no_ready_standby", "failover.promoted"]);
  });

  it("promotes the standby as soon as its fresh report says it serves", async () => {
    const { pool, a, b, socketA, socketB } = await twoSocketMembers();
    await setClock(pool.id, T0 + 900);
    await beatWith(socketA, a, A_IP, "failed");
    expect(await socketB.nextPush()).toEqual({ type: "report-now" });
    await setClock(pool.id, T0 + 920);
    await beatWith(socketB, b, B_IP, "active");
    expect(await activeOf(pool.id)).toBe(b.member.id);
    const promoted = await admin<{ events: Event[] }>(
      `/pools/${pool.id}/events?type=failover.promoted`,
    );
    // Detected when the active reported, decided when the standby confirmed.
    expect(promoted.body.events[0]?.data).toMatchObject({
      reason: "service_down",
      detectedAt: T0 + 900,
      decidedAt: T0 + 920,
    });
  });

  it("promotes on what the standby last said when it does not answer in time", async () => {
    const { pool, a, b, socketA } = await twoSocketMembers();
    await setClock(pool.id, T0 + 900);
    await beatWith(socketA, a, A_IP, "failed");
    expect(await activeOf(pool.id)).toBe(a.member.id);
    expect(await scheduledAlarm(pool.id)).toBe(T0 + 900 + CONFIRM_WAIT_MS);
    expect(await fireAlarmAt(pool.id, T0 + 900 + CONFIRM_WAIT_MS)).toBe(true);
    expect(await activeOf(pool.id)).toBe(b.member.id);
  });

  it("waits for a standby it cannot ask (HTTP heartbeats) until its next beat, and promotes on it", async () => {
    const { pool, a, b, socketA, httpBeat } = await socketActiveHttpStandby();
    await setClock(pool.id, T0 + 900);
    await beatWith(socketA, a, A_IP, "failed");
    expect(await activeOf(pool.id)).toBe(a.member.id);
    await setClock(pool.id, T0 + 400 + INTERVAL_MS);
    await httpBeat(b, "active");
    expect(await activeOf(pool.id)).toBe(b.member.id);
  });

  it("does not promote an HTTP standby whose next beat says its own service is down", async () => {
    const { pool, a, b, socketA, httpBeat } = await socketActiveHttpStandby();
    await setClock(pool.id, T0 + 900);
    await beatWith(socketA, a, A_IP, "failed");
    await setClock(pool.id, T0 + 400 + INTERVAL_MS);
    await httpBeat(b, "failed");
    expect(await activeOf(pool.id)).toBe(a.member.id);
    expect(await eventTypes(pool.id)).toEqual(["failover.no_ready_standby", "failover.promoted"]);
  });

  it("promotes on an HTTP standby's last report when its next beat is not in by then", async () => {
    const { pool, a, b, socketA } = await socketActiveHttpStandby();
    await setClock(pool.id, T0 + 900);
    await beatWith(socketA, a, A_IP, "failed");
    const due = T0 + 400 + INTERVAL_MS + NEXT_BEAT_SLACK_MS;
    expect(await scheduledAlarm(pool.id)).toBe(due);
    expect(await fireAlarmAt(pool.id, due)).toBe(true);
    expect(await activeOf(pool.id)).toBe(b.member.id);
  });
});
