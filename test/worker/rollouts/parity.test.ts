/**
 * Config parity, drift and scale-out through the real Worker and coordinator: once a managed
 * revision is live, a standby on another config than the active is not ready (with that reason
 * wherever readiness is shown), a hand edit is recorded once as drift, and a member enrolled
 * later gets the live revision on its first heartbeat and is not ready until it runs it.
 */
import { abortAllDurableObjects } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import type { Event } from "../../../shared/events";
import type { Rollout } from "../../../shared/rollouts";
import { setClock } from "../coordinator/clock";
import { admin, createApiToken, createPool, enroll, expectError, withToken } from "../helpers";
import {
  at,
  beat,
  type Member,
  poolOf,
  revisionText,
  rolloutNow,
  runApplies,
  sha256,
  startRollout,
  stepStates,
  T0,
} from "./world";

interface FailoverStatus {
  members: { id: string; ready: boolean; notReadyReasons: string[] }[];
}

async function reasonsOf(poolId: string, member: Member): Promise<string[]> {
  const status = await admin<{ failover: FailoverStatus }>(`/pools/${poolId}/failover`);
  const found = status.body.failover.members.find((m) => m.id === member.enrolled.member.id);
  if (!found) throw new Error("member missing from the failover status");
  return found.notReadyReasons;
}

async function events(poolId: string, type: string): Promise<Event[]> {
  return (await admin<{ events: Event[] }>(`/pools/${poolId}/events?type=${type}`)).body.events;
}

/** A pool of two whose revision 1 was rolled out to both. */
async function managedPair() {
  const { pool, members } = await poolOf(2);
  const [active, standby] = [at(members, 0), at(members, 1)];
  // Before anything is managed, different hand-written configs are no reason.
  expect(await reasonsOf(pool.id, standby)).toEqual([]);
  await startRollout(pool.id, { revision: 1 });
  await runApplies(standby);
  await runApplies(active);
  await beat(standby);
  await beat(active);
  expect(await reasonsOf(pool.id, standby)).toEqual([]);
  return { pool, active, standby };
}

// Many requests each: room for a loaded machine.
describe("config parity", { timeout: 20_000 }, () => {
  it("a standby on another revision than the active is not ready, until it is on the same again", async () => {
    const { pool, active, standby } = await managedPair();
    standby.onDisk = { revision: 2, sha256: await sha256(revisionText(2)) };
    await beat(standby);
    expect(await reasonsOf(pool.id, standby)).toEqual([
      "runs balancer revision 2, the active runs revision 1",
    ]);
    expect(await reasonsOf(pool.id, active)).toEqual([]);
    // The pools list and the dashboard read the same rule: the pool has no ready standby.
    const { body } = await admin<{ pool: { membersHealthSummary: string | null } }>(
      `/pools/${pool.id}`,
    );
    expect(body.pool.membersHealthSummary ?? "").toMatch(/^No standby is ready/);
    standby.onDisk = { revision: 1, sha256: await sha256(revisionText(1)) };
    await beat(standby);
    expect(await reasonsOf(pool.id, standby)).toEqual([]);
  });

  it("can be turned off by an admin, and back to its default", async () => {
    const { pool, standby } = await managedPair();
    standby.onDisk = { revision: 2, sha256: await sha256(revisionText(2)) };
    await beat(standby);
    const off = await admin<{ balancer: { parityEnforced: boolean } }>(
      `/pools/${pool.id}/balancer/parity`,
      { method: "PUT", body: { requireConfigParity: false } },
    );
    expect(off.body.balancer.parityEnforced).toBe(false);
    expect(await reasonsOf(pool.id, standby)).toEqual([]);
    await admin(`/pools/${pool.id}/balancer/parity`, {
      method: "PUT",
      body: { requireConfigParity: null },
    });
    expect(await reasonsOf(pool.id, standby)).toHaveLength(1);
    const bad = await admin(`/pools/${pool.id}/balancer/parity`, {
      method: "PUT",
      body: { requireConfigParity: "yes" },
    });
    expect(bad.status).toBe(400);
  });
});

// Many requests each: room for a loaded machine.
describe("drift", { timeout: 20_000 }, () => {
  it("a file changed by hand is recorded once, with what was given and what is there", async () => {
    const { pool, standby } = await managedPair();
    standby.onDisk = {
      revision: 1,
      sha256: await sha256(`${revisionText(1)}# tuned by hand\n`),
    };
    for (let i = 0; i < 3; i++) await beat(standby);
    // An evicted coordinator (hibernation, a deploy) remembers it recorded this drift.
    await abortAllDurableObjects();
    await setClock(pool.id, T0 + 1_000);
    await beat(standby);
    const drift = await events(pool.id, "balancer.drift");
    expect(drift).toHaveLength(1);
    expect(drift[0]?.memberId).toBe(standby.enrolled.member.id);
    expect(drift[0]?.message).toMatch(
      /^edge-2's balancer config changed outside Baton: it was given revision 1 \(sha256 [0-9a-f]{12}…\) and now has sha256 [0-9a-f]{12}… \(its header says revision 1\)/,
    );
    expect(await reasonsOf(pool.id, standby)).toEqual([
      "balancer config differs from the active's (both say revision 1: edited by hand?)",
    ]);
  });
});

const reapply = (memberId: string, token?: string) =>
  token
    ? withToken<{ rollout: Rollout }>(token, `/members/${memberId}/balancer/reapply`, {
        method: "POST",
      })
    : admin<{ rollout: Rollout }>(`/members/${memberId}/balancer/reapply`, { method: "POST" });

// Many requests each: room for a loaded machine.
describe("putting the live revision back", { timeout: 20_000 }, () => {
  it("re-applies the live revision to a drifted member, which is ready again once it runs it", async () => {
    const { pool, standby } = await managedPair();
    standby.onDisk = { revision: 1, sha256: await sha256(`${revisionText(1)}# tuned by hand\n`) };
    await beat(standby);
    expect(await reasonsOf(pool.id, standby)).toHaveLength(1);

    const operator = await createApiToken("operator");
    const started = await reapply(standby.enrolled.member.id, operator.token);
    expect(started.status).toBe(201);
    expect(started.body.rollout).toMatchObject({ kind: "repair", revision: 1, status: "running" });
    expect(stepStates(started.body.rollout)).toEqual(["edge-2:standby:running"]);

    const jobs = await runApplies(standby);
    expect(jobs).toHaveLength(1);
    expect(standby.onDisk).toEqual({ revision: 1, sha256: await sha256(revisionText(1)) });
    await beat(standby);
    expect(await reasonsOf(pool.id, standby)).toEqual([]);
    const done = await rolloutNow(pool.id, started.body.rollout.id);
    expect(done.status).toBe("succeeded");
    const [event] = await events(pool.id, "rollout.started");
    expect(event?.message).toBe("Repair of the live balancer revision 1 (rolling) started: edge-2");
    // The live revision is still 1; the pool's state says so.
    const state = await admin<{ balancer: { liveRevision: number } }>(
      `/pools/${pool.id}/balancer/state`,
    );
    expect(state.body.balancer.liveRevision).toBe(1);
  });

  it("is refused while a rollout runs, before anything is live, for an offline member, to a viewer, for no member", async () => {
    const { pool, active, standby } = await managedPair();
    const running = await startRollout(pool.id, { revision: 2 });
    expect(running.status).toBe(201);
    expectError(await reapply(active.enrolled.member.id), 409, "rollout_running");
    await admin(`/pools/${pool.id}/rollouts/${running.body.rollout.id}/abort`, { method: "POST" });
    await runApplies(standby); // the running step settles

    const viewer = await createApiToken("viewer");
    expectError(await reapply(standby.enrolled.member.id, viewer.token), 403, "forbidden");
    expectError(await reapply("mem_00000000000000000000000000"), 404, "not_found");

    const unmanaged = await createPool();
    const lone = await enroll(unmanaged.id, { name: "edge-lone" });
    const refused = await reapply(lone.member.id);
    expectError(refused, 409, "balancer_not_managed");
    expect(refused.body).toMatchObject({
      error: { message: expect.stringMatching(/has no live balancer revision/) },
    });

    // A member never heard is offline: its step would only wait for its job to time out.
    const late = await enroll(pool.id, { priority: 9, name: "edge-late" });
    expectError(await reapply(late.member.id), 409, "member_not_ready");
  });
});

// Many requests each: room for a loaded machine.
describe("scale-out", { timeout: 20_000 }, () => {
  it("a member enrolled into a managed pool gets the live revision on its first heartbeat and is not ready until it runs it", async () => {
    const { pool } = await managedPair();
    const enrolled = await enroll(pool.id, { priority: 5, name: "edge-new" });
    const newcomer: Member = {
      enrolled,
      ip: "198.51.100.9",
      onDisk: { revision: null, sha256: await sha256("fresh install") },
    };
    const first = await beat(newcomer);
    const applies = first.body.jobs.filter((job) => job.kind === "balancer.apply");
    expect(applies.map((job) => (job.payload as { revision: number }).revision)).toEqual([1]);
    expect(await reasonsOf(pool.id, newcomer)).toEqual([
      "runs a balancer config without a revision header, the active runs revision 1",
    ]);
    // The delivered job goes again after the redelivery delay; here the agent runs it at once.
    newcomer.onDisk = { revision: 1, sha256: await sha256(revisionText(1)) };
    await beat(newcomer);
    expect(await reasonsOf(pool.id, newcomer)).toEqual([]);
    const syncs = await events(pool.id, "rollout.started");
    expect(syncs[0]?.message).toBe(
      "Sync of the live balancer revision 1 (rolling) started: edge-new",
    );
  });
});
