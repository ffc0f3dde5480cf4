/**
 * The standby canary (issue #12 item 4), through the real Worker and coordinator: a config apply
 * queued for the active is held until the same content succeeded on a standby, released when it
 * does, failed with the canary's reason when it does not; `force` skips it; a pool with no other
 * member online applies directly and says so.
 */
import { describe, expect, it } from "vitest";
import type { Event } from "../../../shared/events";
import type { Job } from "../../../shared/jobs";
import type { Pool } from "../../../shared/pools";
import { stored } from "../backups/uploads";
import {
  admin,
  agentCall,
  createPool,
  type Enrolled,
  enroll,
  heartbeat,
  queueJob,
} from "../helpers";
import { tomorrowAt } from "../time";
import { everySecond, fireAlarmAt, setClock } from "./clock";

const T0 = tomorrowAt(12);
const CONFIG = { kind: "haproxy.config.apply", payload: { config: "global\n  maxconn 100\n" } };

/** A heartbeat of a member that would serve: haproxy active, a public address. */
function beat(enrolled: Enrolled, ip: string) {
  return heartbeat(enrolled, {
    publicIp: ip,
    services: { haproxy: { installed: true, activeState: "active" } },
  });
}

async function job(id: string): Promise<Job> {
  return (await admin<{ job: Job }>(`/jobs/${id}`)).body.job;
}

async function memberJobs(memberId: string): Promise<Job[]> {
  return (await admin<{ jobs: Job[] }>(`/members/${memberId}/jobs`)).body.jobs;
}

/** The member's agent takes its delivered jobs, runs them and reports `status`. */
async function runDelivered(
  enrolled: Enrolled,
  ip: string,
  status: "succeeded" | "failed",
  outputTail = "",
): Promise<string[]> {
  const answer = await beat(enrolled, ip);
  const ids = answer.body.jobs.map((one) => one.id);
  for (const id of ids) {
    await agentCall(enrolled, `/jobs/${id}/ack`, { body: { startedAt: T0 } });
    const result = {
      status,
      exitCode: status === "succeeded" ? 0 : 1,
      outputTail,
      startedAt: T0,
      finishedAt: T0 + 500,
    };
    expect((await agentCall(enrolled, `/jobs/${id}/result`, { body: result })).status).toBe(200);
  }
  return ids;
}

/** A pool of two members at T0, A (priority 1) active, B a ready standby. */
async function twoMembers() {
  const pool = await createPool({ failoverDelayS: 10 });
  const a = await enroll(pool.id, { priority: 1 });
  const b = await enroll(pool.id, { priority: 2 });
  await setClock(pool.id, T0);
  await beat(a, "198.51.100.1");
  await beat(b, "198.51.100.2");
  const { body } = await admin<{ pool: Pool }>(`/pools/${pool.id}`);
  expect(body.pool.activeMemberId).toBe(a.member.id);
  return { pool, a, b };
}

describe("config changes for the active wait for a standby canary", () => {
  it("holds the active's apply, runs the same content on the standby first, then releases it", async () => {
    const { a, b } = await twoMembers();
    const held = await queueJob(a.member.id, CONFIG);
    expect(held.status).toBe("held");
    const [canary] = await memberJobs(b.member.id);
    expect(canary).toMatchObject({
      kind: CONFIG.kind,
      payload: CONFIG.payload,
      status: "queued",
      contentHash: held.contentHash,
      canaryJobId: held.id,
    });
    expect(held.canaryJobId).toBe(canary?.id);
    expect(held.canaryNote).toBe(`waiting for canary ${canary?.id} on ${b.member.name}`);
    expect(held.contentHash).toMatch(/^[0-9a-f]{64}$/);

    // The active's agent is not given the held job.
    expect((await beat(a, "198.51.100.1")).body.jobs).toEqual([]);
    expect(await runDelivered(b, "198.51.100.2", "succeeded")).toEqual([canary?.id]);

    const released = await job(held.id);
    expect(released.status).toBe("queued");
    expect(released.canaryNote).toBe(`canary ${canary?.id} succeeded on ${b.member.name}`);
    expect(
      await runDelivered(a, "198.51.100.1", "succeeded", "haproxy reloaded and active\n"),
    ).toEqual([held.id]);
    expect((await job(held.id)).outputTail).toBe(
      `[baton] canary ${canary?.id} succeeded on ${b.member.name}\nhaproxy reloaded and active\n`,
    );
  });

  it("fails the active's job with the canary's reason when the canary fails, and never delivers it", async () => {
    const { a, b } = await twoMembers();
    const held = await queueJob(a.member.id, CONFIG);
    const why =
      "failed: listener 10.99.99.99:8443: 10.99.99.99 is not an address of this host; not loaded";
    await runDelivered(
      b,
      "198.51.100.2",
      "failed",
      `haproxy: new configuration is valid\n${why}\n`,
    );
    const failed = await job(held.id);
    expect(failed.status).toBe("failed");
    expect(failed.outputTail).toContain(`the same change on ${b.member.name}`);
    expect(failed.outputTail).toContain("10.99.99.99 is not an address of this host");
    expect((await beat(a, "198.51.100.1")).body.jobs).toEqual([]);
  });

  it("fails the held job when its canary times out", async () => {
    const { pool, a } = await twoMembers();
    const held = await queueJob(a.member.id, { ...CONFIG, deadlineS: 60 });
    await fireAlarmAt(pool.id, T0 + 60_000);
    const failed = await job(held.id);
    expect(failed.status).toBe("failed");
    expect(failed.outputTail).toMatch(/did not succeed; it timed out/);
  });

  it("skips the canary when the request says force, and the audit event says so", async () => {
    const { pool, a, b } = await twoMembers();
    const forced = await queueJob(a.member.id, { ...CONFIG, force: true });
    expect(forced.status).toBe("queued");
    expect(forced.canaryNote).toBe("no canary: skipped (force) by bootstrap");
    expect(await memberJobs(b.member.id)).toEqual([]);
    const { body } = await admin<{ events: Event[] }>(`/pools/${pool.id}/events?type=job.queued`);
    expect(body.events.map((event) => event.message)).toContain(
      `Job haproxy.config.apply queued for ${a.member.name}: no canary: skipped (force) by bootstrap`,
    );
  });

  it("needs no new canary when the standby already runs the same content", async () => {
    const { a, b } = await twoMembers();
    const first = await queueJob(b.member.id, CONFIG);
    expect(first.status).toBe("queued");
    expect(first.canaryNote).toBeNull();
    await runDelivered(b, "198.51.100.2", "succeeded");
    const direct = await queueJob(a.member.id, CONFIG);
    expect(direct.status).toBe("queued");
    expect(direct.canaryNote).toBe(
      `canary ${first.id} succeeded on ${b.member.name} with the same content`,
    );
  });

  it("holds the active's job on a same-content job already queued for the standby", async () => {
    const { a, b } = await twoMembers();
    const standby = await queueJob(b.member.id, CONFIG);
    const held = await queueJob(a.member.id, CONFIG);
    expect(held).toMatchObject({ status: "held", canaryJobId: standby.id });
    expect(await memberJobs(b.member.id)).toHaveLength(1);
  });

  it("applies directly, and says so, when no other member is online", async () => {
    const { pool, a } = await twoMembers();
    // B falls silent past the failover delay; A keeps beating every second.
    await everySecond(pool.id, T0 + 1_000, T0 + 11_000, () => beat(a, "198.51.100.1"));
    const direct = await queueJob(a.member.id, CONFIG);
    expect(direct.status).toBe("queued");
    expect(direct.canaryNote).toBe("no canary: no other member of the pool is online");
    await runDelivered(a, "198.51.100.1", "succeeded", "haproxy reloaded and active\n");
    expect((await job(direct.id)).outputTail).toMatch(/^\[baton\] no canary: no other member/);
  });

  it("treats a restore like an apply: the standby restores the same backup first", async () => {
    const { a, b } = await twoMembers();
    const { backup } = await stored(a);
    const restore = { kind: "haproxy.restore", payload: { backupId: backup.id } };
    const held = await queueJob(a.member.id, restore);
    expect(held.status).toBe("held");
    const [canary] = await memberJobs(b.member.id);
    expect(canary).toMatchObject({ ...restore, status: "queued", canaryJobId: held.id });
  });

  it("leaves other kinds, and jobs for standbys, alone", async () => {
    const { a, b } = await twoMembers();
    const reload = await queueJob(a.member.id, { kind: "haproxy.reload" });
    expect(reload).toMatchObject({ status: "queued", canaryNote: null, contentHash: null });
    const standby = await queueJob(b.member.id, CONFIG);
    expect(standby).toMatchObject({ status: "queued", canaryNote: null });
  });
});
