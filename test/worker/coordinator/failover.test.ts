import { abortAllDurableObjects } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import type { Event } from "../../../shared/events";
import type { Pool } from "../../../shared/pools";
import { admin, createPool, type Enrolled, enroll, expectError, heartbeat } from "../helpers";
import { tomorrowAt } from "../time";
import { everySecond, fireAlarmAt, scheduledAlarm, setClock } from "./clock";

const T0 = tomorrowAt(12);

type Service = "active" | "inactive" | "failed" | "reloading";

/** A heartbeat carrying haproxy's state and the member's public IP. */
function beat(enrolled: Enrolled, ip: string, haproxy: Service = "active") {
  return heartbeat(enrolled, {
    publicIp: ip,
    services: { haproxy: { installed: true, activeState: haproxy } },
  });
}

async function getPool(poolId: string): Promise<Pool> {
  return (await admin<{ pool: Pool }>(`/pools/${poolId}`)).body.pool;
}

async function flips(poolId: string) {
  const result = await admin<{ events: Event[] }>(`/pools/${poolId}/events?type=failover.promoted`);
  return result.body.events;
}

/** A pool of two members, both beating at T0, with A (priority 1) active. */
async function twoMembers(pool: Record<string, unknown> = {}) {
  const created = await createPool({ failoverDelayS: 10, ...pool });
  const a = await enroll(created.id, { priority: 1 });
  const b = await enroll(created.id, { priority: 2 });
  await setClock(created.id, T0);
  expect((await beat(a, "198.51.100.1")).status).toBe(200);
  expect((await beat(b, "198.51.100.2")).status).toBe(200);
  expect((await getPool(created.id)).activeMemberId).toBe(a.member.id);
  return { pool: created, a, b };
}

describe("automatic failover", () => {
  it("gives a new pool's traffic to its first ready member", async () => {
    const pool = await createPool();
    const edge = await enroll(pool.id);
    await heartbeat(edge); // no public IP, no service state: not ready
    expect((await getPool(pool.id)).activeMemberId).toBeNull();
    await beat(edge, "198.51.100.7");
    expect((await getPool(pool.id)).activeMemberId).toBe(edge.member.id);
    const [flip] = await flips(pool.id);
    expect(flip?.data).toMatchObject({
      reason: "no_active",
      from: null,
      to: edge.member.id,
      toIp: "198.51.100.7",
    });
  });

  it("promotes the standby at the active's failover deadline, recording when it was detected", async () => {
    const { pool, a, b } = await twoMembers();
    // The standby keeps beating every second; the active is silent from T0.
    await everySecond(pool.id, T0 + 1_000, T0 + 9_000, () => beat(b, "198.51.100.2"));
    expect(await scheduledAlarm(pool.id)).toBe(T0 + 10_000);

    expect(await fireAlarmAt(pool.id, T0 + 10_000)).toBe(true);
    const after = await getPool(pool.id);
    expect(after.activeMemberId).toBe(b.member.id);
    expect(after.lastFlipAt).toBe(T0 + 10_000);
    const [flip] = await flips(pool.id);
    expect(flip?.message).toBe(
      `Traffic moves from ${a.member.name} (198.51.100.1) to ${b.member.name} (198.51.100.2): heartbeat lost`,
    );
    expect(flip?.data).toEqual({
      reason: "heartbeat_lost",
      from: a.member.id,
      to: b.member.id,
      fromIp: "198.51.100.1",
      toIp: "198.51.100.2",
      detectedAt: T0 + 10_000,
      decidedAt: T0 + 10_000,
      fromLastHeartbeatAt: T0,
    });
  });

  it("acts on the heartbeat that reports HAProxy down, once, even when such beats race", async () => {
    const { pool, a, b } = await twoMembers();
    await setClock(pool.id, T0 + 2_000);
    const beats = await Promise.all([
      beat(a, "198.51.100.1", "inactive"),
      beat(a, "198.51.100.1", "inactive"),
    ]);
    expect(beats.map((result) => result.status)).toEqual([200, 200]);
    // B beats over HTTP, so it cannot be asked: the promotion waits for its next beat.
    expect((await getPool(pool.id)).activeMemberId).toBe(a.member.id);
    await beat(b, "198.51.100.2", "active");
    expect((await getPool(pool.id)).activeMemberId).toBe(b.member.id);
    const recorded = await flips(pool.id);
    expect(recorded.filter((event) => event.data.reason === "service_down")).toHaveLength(1);
  });

  it("ignores reloading", async () => {
    const { pool, a } = await twoMembers();
    await beat(a, "198.51.100.1", "reloading");
    expect((await getPool(pool.id)).activeMemberId).toBe(a.member.id);
  });

  it("leaves traffic in place and raises one alert when no standby is ready", async () => {
    const { pool, a, b } = await twoMembers();
    await beat(b, "198.51.100.2", "failed");
    await beat(a, "198.51.100.1", "failed");
    await beat(a, "198.51.100.1", "failed");
    expect((await getPool(pool.id)).activeMemberId).toBe(a.member.id);
    const alerts = (
      await admin<{ events: Event[] }>(`/pools/${pool.id}/events?type=failover.no_ready_standby`)
    ).body.events;
    expect(alerts).toHaveLength(1);
    expect(alerts[0]?.data).toMatchObject({ activeId: a.member.id, failure: "service_down" });
    // Alerts are read by people: members by name, not id.
    expect(alerts[0]?.message).toBe(
      `No ready standby: traffic stays on ${a.member.name} (service down)`,
    );
  });

  it("with both members down, gives the traffic to the first one that becomes ready again", async () => {
    const { pool, a, b } = await twoMembers();
    await beat(a, "198.51.100.1", "failed"); // A dies: B takes over
    expect((await getPool(pool.id)).activeMemberId).toBe(b.member.id);
    await beat(b, "198.51.100.2", "failed"); // then B dies too: nobody is ready
    expect((await getPool(pool.id)).activeMemberId).toBe(b.member.id);
    await beat(a, "198.51.100.1"); // A is back first, and takes the traffic at once
    expect((await getPool(pool.id)).activeMemberId).toBe(a.member.id);
  });

  it("does not fail back by itself when the old active returns", async () => {
    const { pool, a, b } = await twoMembers();
    await beat(a, "198.51.100.1", "failed");
    await beat(a, "198.51.100.1", "active");
    await setClock(pool.id, T0 + 600_000);
    await beat(b, "198.51.100.2");
    await beat(a, "198.51.100.1");
    expect((await getPool(pool.id)).activeMemberId).toBe(b.member.id);
  });

  it("returns to a preferred primary once it has been ready for the hold-down", async () => {
    const { pool, a, b } = await twoMembers({ failbackHoldDownS: 120 });
    await admin(`/pools/${pool.id}`, {
      method: "PATCH",
      body: { preferredPrimaryId: a.member.id },
    });
    await beat(a, "198.51.100.1", "failed");
    expect((await getPool(pool.id)).activeMemberId).toBe(b.member.id);

    await setClock(pool.id, T0 + 5_000);
    await beat(a, "198.51.100.1"); // ready again from T0 + 5 s
    await beat(b, "198.51.100.2");
    expect(await scheduledAlarm(pool.id)).toBeLessThanOrEqual(T0 + 125_000);
    for (let at = T0 + 10_000; at < T0 + 125_000; at += 5_000) {
      await setClock(pool.id, at);
      await beat(a, "198.51.100.1");
      await beat(b, "198.51.100.2");
    }
    expect((await getPool(pool.id)).activeMemberId).toBe(b.member.id);
    await setClock(pool.id, T0 + 125_000);
    await beat(b, "198.51.100.2");
    expect((await getPool(pool.id)).activeMemberId).toBe(a.member.id);
    const [failback] = await flips(pool.id);
    expect(failback?.data).toMatchObject({
      reason: "failback",
      from: b.member.id,
      to: a.member.id,
    });
  });

  it("refuses a preferred primary from another pool", async () => {
    const { pool } = await twoMembers();
    const other = await enroll((await createPool()).id);
    const result = await admin(`/pools/${pool.id}`, {
      method: "PATCH",
      body: { preferredPrimaryId: other.member.id },
    });
    expectError(result, 400, "validation_failed");
  });
});

describe("would it serve", () => {
  function beatWithBackend(enrolled: Enrolled, ip: string, serversUp: number, haproxy = "active") {
    return heartbeat(enrolled, {
      publicIp: ip,
      services: { haproxy: { installed: true, activeState: haproxy as Service } },
      haproxy: {
        backends: [
          {
            name: "web",
            status: serversUp ? "UP" : "DOWN",
            serversUp,
            serversTotal: 1,
            currentSessions: 0,
          },
        ],
      },
    });
  }

  it("never promotes a standby with no backend server up, and says why", async () => {
    const { pool, a, b } = await twoMembers();
    await beatWithBackend(b, "198.51.100.2", 0);
    await beat(a, "198.51.100.1", "failed");
    expect((await getPool(pool.id)).activeMemberId).toBe(a.member.id);
    const status = await admin<{
      failover: { members: { id: string; ready: boolean; notReadyReasons: string[] }[] };
    }>(`/pools/${pool.id}/failover`);
    const standby = status.body.failover.members.find((member) => member.id === b.member.id);
    expect(standby).toMatchObject({
      ready: false,
      notReadyReasons: ["no backend server up (web 0/1)"],
    });
    // Its server comes back: now it would serve, and takes the traffic.
    await beatWithBackend(b, "198.51.100.2", 1);
    expect((await getPool(pool.id)).activeMemberId).toBe(b.member.id);
  });

  it("moves traffic off an active whose backends have no server up, to a standby that has one", async () => {
    const { pool, a, b } = await twoMembers();
    await beatWithBackend(b, "198.51.100.2", 1);
    await beatWithBackend(a, "198.51.100.1", 0);
    expect((await getPool(pool.id)).activeMemberId).toBe(b.member.id);
    const [flip] = await flips(pool.id);
    expect(flip?.data).toMatchObject({
      reason: "cannot_serve",
      from: a.member.id,
      to: b.member.id,
    });
  });

  it("moves traffic off an active whose own probe fails", async () => {
    const { pool, a, b } = await twoMembers();
    await heartbeat(a, {
      publicIp: "198.51.100.1",
      services: { haproxy: { installed: true, activeState: "active" } },
      probe: { url: "http://127.0.0.1/", ok: false, status: 503, ms: 2 },
    });
    expect((await getPool(pool.id)).activeMemberId).toBe(b.member.id);
  });
});

describe("silence the control plane caused", () => {
  async function events(poolId: string, type: string) {
    const result = await admin<{ events: Event[] }>(`/pools/${poolId}/events?type=${type}`);
    return result.body.events;
  }

  it("after an outage in which it heard no member, judges each by a full delay from when it hears again", async () => {
    const { pool, a, b } = await twoMembers({ failoverDelayS: 3 });
    // Nobody gets through for 28 s; the coordinator stays up and its alarms fire.
    await fireAlarmAt(pool.id, T0 + 3_000);
    // The standby's agent is back first; the active's retry comes 1.9 s later.
    await setClock(pool.id, T0 + 28_000);
    expect((await beat(b, "198.51.100.2")).status).toBe(200);
    expect((await getPool(pool.id)).activeMemberId).toBe(a.member.id);
    await setClock(pool.id, T0 + 29_900);
    expect((await beat(a, "198.51.100.1")).status).toBe(200);
    expect(await flips(pool.id)).toHaveLength(1); // the pool's first: A at T0
    expect((await getPool(pool.id)).activeMemberId).toBe(a.member.id);
  });

  it("moves no traffic while it hears no member, though the standby beat last (a cut-off control plane)", async () => {
    const { pool, a, b } = await twoMembers({ failoverDelayS: 3 });
    // The standby's last beat got through 0.9 s after the active's; then the control plane is
    // cut off. At the active's deadline the standby looks fresher, but no one has been heard for
    // over an interval and a second: the silence is the control plane's.
    await setClock(pool.id, T0 + 900);
    expect((await beat(b, "198.51.100.2")).status).toBe(200);
    expect(await scheduledAlarm(pool.id)).toBe(T0 + 3_000);
    expect(await fireAlarmAt(pool.id, T0 + 3_000)).toBe(true);
    expect((await getPool(pool.id)).activeMemberId).toBe(a.member.id);
    // What Baton saw is still said: the members go offline at their deadlines.
    expect(await fireAlarmAt(pool.id, T0 + 3_900)).toBe(true);
    expect(await events(pool.id, "member.offline")).toHaveLength(2);
    await setClock(pool.id, T0 + 33_000);
    expect((await beat(a, "198.51.100.1")).status).toBe(200);
    expect((await beat(b, "198.51.100.2")).status).toBe(200);
    expect(await flips(pool.id)).toHaveLength(1); // the pool's first: A at T0
    expect(await events(pool.id, "failover.no_ready_standby")).toHaveLength(0);
  });

  it("still fails over when the active stays silent for a full delay after the outage", async () => {
    const { pool, a, b } = await twoMembers({ failoverDelayS: 3 });
    await fireAlarmAt(pool.id, T0 + 3_000);
    await setClock(pool.id, T0 + 28_000);
    await beat(b, "198.51.100.2");
    expect(await scheduledAlarm(pool.id)).toBe(T0 + 31_000);
    await setClock(pool.id, T0 + 30_000);
    await beat(b, "198.51.100.2");
    expect(await fireAlarmAt(pool.id, T0 + 31_000)).toBe(true);
    expect((await getPool(pool.id)).activeMemberId).toBe(b.member.id);
    const [flip] = await flips(pool.id);
    expect(flip?.data).toMatchObject({
      reason: "heartbeat_lost",
      from: a.member.id,
      detectedAt: T0 + 31_000,
      fromLastHeartbeatAt: T0,
    });
  });

  it("after a restart, keeps each member's real last heartbeat and judges from the restart", async () => {
    const { pool, a, b } = await twoMembers({ failoverDelayS: 3 });
    await abortAllDurableObjects();
    // The new instance starts on the standby's beat, 28 s later.
    await setClock(pool.id, T0 + 28_000);
    await beat(b, "198.51.100.2");
    expect((await getPool(pool.id)).activeMemberId).toBe(a.member.id);
    // The alarm set before the restart (T0 + 3 s) is overdue: it fires at once and judges no one.
    expect(await fireAlarmAt(pool.id, T0 + 28_100)).toBe(true);
    expect(await events(pool.id, "member.offline")).toHaveLength(0);
    expect(await scheduledAlarm(pool.id)).toBe(T0 + 31_000);
    await setClock(pool.id, T0 + 30_000);
    await beat(b, "198.51.100.2");
    expect(await fireAlarmAt(pool.id, T0 + 31_000)).toBe(true);
    const [offline] = await events(pool.id, "member.offline");
    expect(offline?.data).toMatchObject({ lastHeartbeatAt: T0 });
  });
});

describe("manual failover", () => {
  it("makes a ready member active, and refuses one that is not ready", async () => {
    const { pool, a, b } = await twoMembers();
    const promote = (memberId: string) =>
      admin<{ pool: Pool }>(`/pools/${pool.id}/failover/promote`, { body: { memberId } });
    expect((await promote(b.member.id)).body.pool.activeMemberId).toBe(b.member.id);
    await beat(a, "198.51.100.1", "inactive");
    expectError(await promote(a.member.id), 409, "member_not_ready");
    expect((await getPool(pool.id)).activeMemberId).toBe(b.member.id);
    const [manual] = await flips(pool.id);
    expect(manual?.actor).toBe("bootstrap");
    expect(manual?.data.reason).toBe("manual");
  });

  it("cuts to the next ready standby, or says there is none", async () => {
    const { pool, a, b } = await twoMembers();
    const next = await admin<{ pool: Pool }>(`/pools/${pool.id}/failover/next`, { method: "POST" });
    expect(next.body.pool.activeMemberId).toBe(b.member.id);
    await beat(a, "198.51.100.1", "failed");
    expectError(
      await admin(`/pools/${pool.id}/failover/next`, { method: "POST" }),
      409,
      "no_ready_standby",
    );
  });

  it("moves nothing while paused, and acts on resume", async () => {
    const { pool, a, b } = await twoMembers();
    const paused = await admin<{ pool: Pool }>(`/pools/${pool.id}/failover/pause`, {
      method: "POST",
    });
    expect(paused.body.pool.autoFailover).toBe(false);
    await beat(a, "198.51.100.1", "failed");
    expect((await getPool(pool.id)).activeMemberId).toBe(a.member.id);
    await admin(`/pools/${pool.id}/failover/resume`, { method: "POST" });
    expect((await getPool(pool.id)).activeMemberId).toBe(b.member.id);
  });

  it("drains the active by promoting a standby first; never promotes a draining member", async () => {
    const { pool, a, b } = await twoMembers();
    const drained = await admin<{ member: { draining: boolean } }>(
      `/members/${a.member.id}/drain`,
      { method: "POST" },
    );
    expect(drained.body.member.draining).toBe(true);
    expect((await getPool(pool.id)).activeMemberId).toBe(b.member.id);
    await beat(b, "198.51.100.2", "failed");
    expect((await getPool(pool.id)).activeMemberId).toBe(b.member.id);

    await admin(`/members/${a.member.id}/undrain`, { method: "POST" });
    await beat(b, "198.51.100.2", "failed");
    expect((await getPool(pool.id)).activeMemberId).toBe(a.member.id);
  });

  it("refuses to drain the active when no standby can take over, changing nothing", async () => {
    const { pool, a, b } = await twoMembers();
    await beat(b, "198.51.100.2", "failed");
    expectError(
      await admin(`/members/${a.member.id}/drain`, { method: "POST" }),
      409,
      "no_ready_standby",
    );
    const status = await admin<{ failover: { members: { id: string; draining: boolean }[] } }>(
      `/pools/${pool.id}/failover`,
    );
    expect(status.body.failover.members.find((member) => member.id === a.member.id)?.draining).toBe(
      false,
    );
  });

  it("needs the operator role", async () => {
    const { pool } = await twoMembers();
    const token = await admin<{ token: string }>("/tokens", {
      body: { name: "v", role: "viewer" },
    });
    const result = await admin(`/pools/${pool.id}/failover/next`, {
      method: "POST",
      headers: { Authorization: `Bearer ${token.body.token}` },
    });
    expectError(result, 403, "forbidden");
  });
});
