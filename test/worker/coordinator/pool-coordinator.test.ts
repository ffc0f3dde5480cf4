import { abortAllDurableObjects } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import type { Event } from "../../../shared/events";
import type { Member } from "../../../shared/members";
import { requestMeter } from "../../../worker/app";
import type { CoordinatorStats } from "../../../worker/coordinator/pool-coordinator";
import { admin, createPool, enroll, heartbeat, queueJob } from "../helpers";
import { tomorrowAt } from "../time";
import { coordinatorStub, fireAlarmAt, scheduledAlarm, setClock } from "./clock";

const T0 = tomorrowAt(12);
const HOST = { cpuPercent: 12.5, memUsedBytes: 1_000, memTotalBytes: 4_000, load1: 0.3 };

async function events(poolId: string, type: string) {
  const result = await admin<{ events: Event[] }>(`/pools/${poolId}/events?type=${type}`);
  return result.body.events;
}

async function memberStatus(memberId: string) {
  const result = await admin<{ member: Member }>(`/members/${memberId}`);
  return result.body.member;
}

async function coordinatorStats(poolId: string): Promise<CoordinatorStats> {
  return coordinatorStub(poolId).stats();
}

describe("liveness", () => {
  it("sets its alarm at the failover deadline and marks a silent member offline when it fires", async () => {
    const pool = await createPool({ failoverDelayS: 10 });
    const edge = await enroll(pool.id);
    await setClock(pool.id, T0);
    expect((await heartbeat(edge)).status).toBe(200);
    expect(await scheduledAlarm(pool.id)).toBe(T0 + 10_000);
    expect((await memberStatus(edge.member.id)).status).toBe("online");

    // A beat later pushes the deadline; the alarm stays, fires, finds the member alive, re-arms.
    await setClock(pool.id, T0 + 4_000);
    await heartbeat(edge);
    expect(await fireAlarmAt(pool.id, T0 + 10_000)).toBe(true);
    expect((await memberStatus(edge.member.id)).status).toBe("online");
    expect(await scheduledAlarm(pool.id)).toBe(T0 + 14_000);

    expect(await fireAlarmAt(pool.id, T0 + 14_000)).toBe(true);
    const member = await memberStatus(edge.member.id);
    expect(member.status).toBe("offline");
    expect(member.lastHeartbeatAt).toBe(T0 + 4_000);
    const [offline] = await events(pool.id, "member.offline");
    expect(offline?.memberId).toBe(edge.member.id);
    expect(offline?.message).toContain("no heartbeat for 10 s");
  });

  it("records a member coming back with how long it was silent", async () => {
    const pool = await createPool({ failoverDelayS: 5 });
    const edge = await enroll(pool.id);
    await setClock(pool.id, T0);
    await heartbeat(edge);
    await fireAlarmAt(pool.id, T0 + 5_000);
    expect((await memberStatus(edge.member.id)).status).toBe("offline");

    await setClock(pool.id, T0 + 65_000);
    await heartbeat(edge);
    expect((await memberStatus(edge.member.id)).status).toBe("online");
    const online = await events(pool.id, "member.online");
    expect(online).toHaveLength(2);
    expect(online[0]?.message).toContain("after 65 s of silence");
  });

  it("records service state changes once per change", async () => {
    const pool = await createPool();
    const edge = await enroll(pool.id);
    const haproxy = (activeState: string) => ({
      services: { haproxy: { installed: true, activeState } },
    });
    await heartbeat(edge, haproxy("active") as never);
    await heartbeat(edge, haproxy("active") as never);
    await heartbeat(edge, haproxy("inactive") as never);
    await heartbeat(edge, haproxy("inactive") as never);
    const changes = await events(pool.id, "member.service_changed");
    expect(changes.map((event) => [event.data.from, event.data.to])).toEqual([
      ["active", "inactive"],
      [null, "active"],
    ]);
    expect(changes[0]?.message).toBe(`haproxy on ${edge.member.name} is inactive (was active)`);
  });

  it("records only the pool's own service: nginx's state is no event in a HAProxy pool", async () => {
    const pool = await createPool({ profile: "haproxy" });
    const edge = await enroll(pool.id);
    const both = (nginx: string) => ({
      services: {
        haproxy: { installed: true, activeState: "active" },
        nginx: { installed: false, activeState: nginx },
      },
    });
    await heartbeat(edge, both("inactive") as never);
    await heartbeat(edge, both("failed") as never);
    const changes = await events(pool.id, "member.service_changed");
    expect(changes.map((event) => event.data.service)).toEqual(["haproxy"]);
  });

  it("never marks a member offline because the coordinator restarted", async () => {
    const pool = await createPool({ failoverDelayS: 10 });
    const edge = await enroll(pool.id);
    await setClock(pool.id, T0);
    await heartbeat(edge);

    await abortAllDurableObjects();
    // The new instance wakes long after the last beat; it counts the member as seen at its start.
    expect(await fireAlarmAt(pool.id, T0 + 60_000)).toBe(true);
    expect((await memberStatus(edge.member.id)).status).toBe("online");
    expect(await scheduledAlarm(pool.id)).toBe(T0 + 70_000);

    expect(await fireAlarmAt(pool.id, T0 + 70_000)).toBe(true);
    expect((await memberStatus(edge.member.id)).status).toBe("offline");
  });

  it("follows a changed failover delay", async () => {
    const pool = await createPool({ failoverDelayS: 30 });
    const edge = await enroll(pool.id);
    await setClock(pool.id, T0);
    await heartbeat(edge);
    expect(await scheduledAlarm(pool.id)).toBe(T0 + 30_000);
    await admin(`/pools/${pool.id}`, { method: "PATCH", body: { failoverDelayS: 5 } });
    expect(await scheduledAlarm(pool.id)).toBe(T0 + 5_000);
  });
});

describe("live state", () => {
  it("keeps the latest nginx status and HAProxy summary beside the services", async () => {
    const pool = await createPool({ profile: "nginx" });
    const edge = await enroll(pool.id);
    const nginx = {
      activeConnections: 4,
      accepts: 100,
      handled: 100,
      requests: 250,
      reading: 0,
      writing: 1,
      waiting: 3,
    };
    await heartbeat(edge, {
      services: { nginx: { installed: true, activeState: "active" } },
      nginx,
    });
    const [live] = await coordinatorStub(pool.id).snapshot(pool.id);
    expect(live).toMatchObject({
      memberId: edge.member.id,
      services: { nginx: "active" },
      installed: { nginx: true },
      nginx,
      haproxy: null,
    });
  });
});

describe("D1 budget", () => {
  it("costs no D1 query and no D1 write for heartbeats that change nothing", async () => {
    const pool = await createPool();
    const edge = await enroll(pool.id);
    await setClock(pool.id, T0);
    await heartbeat(edge, { host: HOST });
    const before = await coordinatorStats(pool.id);
    const requestCallsBefore = requestMeter.totals.calls;
    for (let second = 1; second <= 20; second++) {
      await setClock(pool.id, T0 + second * 1_000);
      expect((await heartbeat(edge, { host: HOST })).status).toBe(200);
    }
    const after = await coordinatorStats(pool.id);
    expect(after.heartbeats - before.heartbeats).toBe(20);
    expect(after.calls - before.calls).toBe(0);
    expect(after.rowsWritten - before.rowsWritten).toBe(0);
    // The Worker found the secret's member in its cache: no lookup either.
    expect(requestMeter.totals.calls - requestCallsBefore).toBe(0);
  });

  it("writes one sample row per pool every 30 s with each member's latest figures", async () => {
    const pool = await createPool();
    const [a, b] = [await enroll(pool.id), await enroll(pool.id)];
    if (!a || !b) throw new Error("enroll failed");
    await setClock(pool.id, T0);
    await heartbeat(a, { host: HOST });
    await setClock(pool.id, T0 + 29_000);
    await heartbeat(b, { host: { ...HOST, cpuPercent: 50 } });
    const samples = () =>
      env.DB.prepare("SELECT * FROM metric_samples WHERE pool_id = ?").bind(pool.id).all();
    expect((await samples()).results).toHaveLength(0);

    await setClock(pool.id, T0 + 30_000);
    await heartbeat(a, { host: { ...HOST, cpuPercent: 75 } });
    const rows = (await samples()).results;
    expect(rows).toHaveLength(1);
    const members = JSON.parse(String(rows[0]?.members));
    expect(members[a.member.id].cpuPercent).toBe(75);
    expect(members[b.member.id].cpuPercent).toBe(50);
  });
});

describe("serialisation", () => {
  it("finishes loading before any concurrent heartbeat is handled", async () => {
    const pool = await createPool();
    const [a, b] = [await enroll(pool.id), await enroll(pool.id)];
    if (!a || !b) throw new Error("enroll failed");
    const job = await queueJob(a.member.id, { kind: "haproxy.reload" });
    await abortAllDurableObjects();

    // B's beat wakes the coordinator; A's arrives while it is still loading its jobs from D1.
    const [, beatA] = await Promise.all([heartbeat(b), heartbeat(a)]);
    expect(beatA.body.jobs.map((delivery) => delivery.id)).toEqual([job.id]);
  });

  it("delivers a job once when one member's heartbeats race", async () => {
    const pool = await createPool();
    const edge = await enroll(pool.id);
    const job = await queueJob(edge.member.id, { kind: "haproxy.reload" });
    const beats = await Promise.all(Array.from({ length: 8 }, () => heartbeat(edge)));
    const deliveries = beats.flatMap((beat) => beat.body.jobs);
    expect(deliveries.map((delivery) => delivery.id)).toEqual([job.id]);
    expect(await events(pool.id, "member.online")).toHaveLength(1);
  });
});
