/**
 * Rollouts through the real Worker and coordinator (workerd, D1, an explicit clock): standbys
 * first and the active last, one step at a time, each waiting for its job's result; a failed
 * step stops the rollout before the active; abort; the live revision; refusing raw config apply
 * on a managed pool until an admin detaches it.
 */
import { abortAllDurableObjects } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import type { Event } from "../../../shared/events";
import type { Job } from "../../../shared/jobs";
import { fireAlarmAt, setClock } from "../coordinator/clock";
import { admin, agentCall, createApiToken, expectError, queueJob, withToken } from "../helpers";
import {
  at,
  beat,
  poolOf,
  revisionText,
  rolloutNow,
  runApplies,
  sha256,
  startRollout,
  stepStates,
  T0,
  useHandRenderedRevisions,
} from "./world";

async function events(poolId: string, type: string): Promise<Event[]> {
  return (await admin<{ events: Event[] }>(`/pools/${poolId}/events?type=${type}`)).body.events;
}

// Many requests each: room for a loaded machine.
describe("a rolling rollout", { timeout: 20_000 }, () => {
  it("goes standby by standby, least preferred first, the active last, each after the previous succeeded", async () => {
    const { pool, members } = await poolOf(3);
    const [active, second, third] = [at(members, 0), at(members, 1), at(members, 2)];
    const started = await startRollout(pool.id, { revision: 2 });
    expect(started.status).toBe(201);
    const id = started.body.rollout.id;
    expect(stepStates(started.body.rollout)).toEqual([
      "edge-3:standby:running",
      "edge-2:standby:pending",
      "edge-1:active:pending",
    ]);
    // Nobody but edge-3 gets a job yet.
    expect(await runApplies(active)).toEqual([]);
    expect(await runApplies(second)).toEqual([]);
    const [first] = await runApplies(third);
    expect(first).toBeDefined();
    const job = (await admin<{ job: Job }>(`/jobs/${first}`)).body.job;
    expect(job.payload).toEqual({
      target: "haproxy",
      revision: 2,
      sha256: await sha256(revisionText(2)),
      text: revisionText(2),
      certificates: [],
    });
    expect(stepStates(await rolloutNow(pool.id, id))).toEqual([
      "edge-3:standby:succeeded",
      "edge-2:standby:running",
      "edge-1:active:pending",
    ]);
    expect(await runApplies(active)).toEqual([]);
    expect(await runApplies(second)).toHaveLength(1);
    expect(await runApplies(active)).toHaveLength(1);
    const done = await rolloutNow(pool.id, id);
    expect(done.status).toBe("succeeded");
    expect(done.steps.map((step) => step.note)).toEqual([
      "applied in 700 ms",
      "applied in 700 ms",
      "applied in 700 ms",
    ]);
    const state = await admin<{ balancer: unknown }>(`/pools/${pool.id}/balancer/state`);
    expect(state.body.balancer).toEqual({
      managed: true,
      liveRevision: 2,
      requireConfigParity: null,
      parityEnforced: true,
    });
    const succeeded = await events(pool.id, "rollout.succeeded");
    expect(succeeded.map((event) => event.message)).toEqual([
      "Balancer revision 2 is live on edge-3, edge-2, edge-1",
    ]);
  });

  it("carries on after the coordinator was evicted mid-rollout: state comes back from D1", async () => {
    const { pool, members } = await poolOf(3);
    const started = await startRollout(pool.id, { revision: 7 });
    const delivered = await beat(at(members, 2));
    const [job] = delivered.body.jobs;
    await abortAllDurableObjects();
    await setClock(pool.id, T0 + 1_000);
    await useHandRenderedRevisions(pool.id);
    // The result of a job delivered before the eviction arrives at the new instance.
    const member = at(members, 2);
    await agentCall(member.enrolled, `/jobs/${job?.id}/ack`, { body: { startedAt: T0 } });
    const result = {
      status: "succeeded",
      exitCode: 0,
      outputTail: "",
      startedAt: T0,
      finishedAt: T0 + 900,
    };
    expect(
      (await agentCall(member.enrolled, `/jobs/${job?.id}/result`, { body: result })).status,
    ).toBe(200);
    expect(await runApplies(at(members, 1))).toHaveLength(1);
    expect(await runApplies(at(members, 0))).toHaveLength(1);
    const done = await rolloutNow(pool.id, started.body.rollout.id);
    expect(done.status).toBe("succeeded");
    // Nothing is left running: the next rollout may start.
    expect((await startRollout(pool.id, { revision: 8 })).status).toBe(201);
  });

  it("parallel runs every standby at once, then the active", async () => {
    const { pool, members } = await poolOf(3);
    const started = await startRollout(pool.id, { revision: 3, strategy: "parallel" });
    expect(stepStates(started.body.rollout)).toEqual([
      "edge-3:standby:running",
      "edge-2:standby:running",
      "edge-1:active:pending",
    ]);
    expect(await runApplies(at(members, 0))).toEqual([]);
    await runApplies(at(members, 1));
    expect(await runApplies(at(members, 0))).toEqual([]);
    await runApplies(at(members, 2));
    expect(await runApplies(at(members, 0))).toHaveLength(1);
    expect((await rolloutNow(pool.id, started.body.rollout.id)).status).toBe("succeeded");
  });

  it("parallel: a failed standby stops the rollout once the other running standby is settled", async () => {
    const { pool, members } = await poolOf(3);
    const started = await startRollout(pool.id, { revision: 3, strategy: "parallel" });
    const id = started.body.rollout.id;
    await runApplies(at(members, 2), "failed", "failed: haproxy -c rejected the configuration");
    expect(stepStates(await rolloutNow(pool.id, id))).toEqual([
      "edge-3:standby:failed",
      "edge-2:standby:running",
      "edge-1:active:pending",
    ]);
    await runApplies(at(members, 1));
    const stopped = await rolloutNow(pool.id, id);
    expect(stopped.status).toBe("failed");
    expect(stepStates(stopped)).toEqual([
      "edge-3:standby:failed",
      "edge-2:standby:succeeded",
      "edge-1:active:skipped",
    ]);
    expect(await runApplies(at(members, 0))).toEqual([]);
  });

  it("stops at a failed standby: the active is never reached and the live revision stays", async () => {
    const { pool, members } = await poolOf(3);
    const [active, second, third] = [at(members, 0), at(members, 1), at(members, 2)];
    const first = await startRollout(pool.id, { revision: 1 });
    for (const member of [third, second, active]) await runApplies(member);
    expect((await rolloutNow(pool.id, first.body.rollout.id)).status).toBe("succeeded");

    const started = await startRollout(pool.id, { revision: 4 });
    const id = started.body.rollout.id;
    await runApplies(third);
    const why =
      "revision 4 rolled back (in place for 812 ms): backend be_app has no server UP after the reload (it had before)";
    await runApplies(second, "failed", `swapped in /etc/haproxy/haproxy.cfg\n${why}\n`);
    const stopped = await rolloutNow(pool.id, id);
    expect(stopped.status).toBe("failed");
    expect(stopped.reason).toBe(`edge-2: ${why}`);
    expect(stepStates(stopped)).toEqual([
      "edge-3:standby:succeeded",
      "edge-2:standby:failed",
      "edge-1:active:skipped",
    ]);
    expect(stopped.steps[2]?.note).toBe("not reached: the rollout stopped at edge-2");
    expect(await runApplies(active)).toEqual([]);
    const state = await admin<{ balancer: { liveRevision: number } }>(
      `/pools/${pool.id}/balancer/state`,
    );
    expect(state.body.balancer.liveRevision).toBe(1);
    const failed = await events(pool.id, "rollout.failed");
    expect(failed[0]?.message).toBe(
      `Rollout of balancer revision 4 stopped: edge-2: ${why}; left untouched: edge-1`,
    );
    // Rollback is a rollout of the earlier revision.
    const back = await startRollout(pool.id, { revision: 1 });
    expect(back.status).toBe(201);
  });

  it("fails a step whose job times out (an alarm notices), and leaves the rest untouched", async () => {
    const { pool, members } = await poolOf(2);
    const started = await startRollout(pool.id, { revision: 5 });
    expect(await beat(at(members, 1))).toBeDefined(); // delivered, never reported
    await fireAlarmAt(pool.id, T0 + 10 * 60 * 1000 + 1);
    const stopped = await rolloutNow(pool.id, started.body.rollout.id);
    expect(stopped.status).toBe("failed");
    expect(stepStates(stopped)).toEqual(["edge-2:standby:failed", "edge-1:active:skipped"]);
    expect(stopped.steps[0]?.note).toBe("the job timed out before a result came");
  });

  it("abort: no further step starts, the running one is still recorded", async () => {
    const { pool, members } = await poolOf(3);
    const started = await startRollout(pool.id, { revision: 6 });
    const id = started.body.rollout.id;
    const aborted = await admin<{ rollout: { status: string } }>(
      `/pools/${pool.id}/rollouts/${id}/abort`,
      { method: "POST" },
    );
    expect(aborted.status).toBe(200);
    expect(aborted.body.rollout.status).toBe("aborted");
    await runApplies(at(members, 2));
    expect(await runApplies(at(members, 1))).toEqual([]);
    expect(stepStates(await rolloutNow(pool.id, id))).toEqual([
      "edge-3:standby:succeeded",
      "edge-2:standby:skipped",
      "edge-1:active:skipped",
    ]);
    expectError(
      await admin(`/pools/${pool.id}/rollouts/${id}/abort`, { method: "POST" }),
      409,
      "rollout_finished",
    );
  });
});

// Many requests each: room for a loaded machine.
describe("refusals", { timeout: 20_000 }, () => {
  it("one rollout at a time; unknown revision; offline members unless forced; body errors; roles", async () => {
    const { pool, members } = await poolOf(2);
    expectError(await startRollout(pool.id, { revision: 42 }), 404, "not_found");
    expectError(await startRollout(pool.id, { revision: 0 }), 400, "validation_failed");
    expectError(
      await startRollout(pool.id, { revision: 1, strategy: "random" }),
      400,
      "validation_failed",
    );
    expectError(await startRollout("pool_nope", { revision: 1 }), 404, "not_found");
    const viewer = await createApiToken("viewer");
    expectError(
      await withToken(viewer.token, `/pools/${pool.id}/rollouts`, { body: { revision: 1 } }),
      403,
      "forbidden",
    );
    const operator = await createApiToken("operator");
    const first = await withToken<{ rollout: { id: string } }>(
      operator.token,
      `/pools/${pool.id}/rollouts`,
      {
        body: { revision: 1 },
      },
    );
    expect(first.status).toBe(201);
    expectError(await startRollout(pool.id, { revision: 2 }), 409, "rollout_running");
    await runApplies(at(members, 1));
    await runApplies(at(members, 0));
    // edge-2 goes silent past the failover delay.
    await fireAlarmAt(pool.id, T0 + 11_000);
    await beat(at(members, 0));
    const offline = await startRollout(pool.id, { revision: 2 });
    expectError(offline, 409, "member_not_ready");
    expect((offline.body as unknown as { error: { message: string } }).error.message).toMatch(
      /^edge-2 is offline/,
    );
    const forced = await startRollout(pool.id, { revision: 2, force: true });
    expect(stepStates(forced.body.rollout)).toEqual([
      "edge-2:standby:skipped",
      "edge-1:active:running",
    ]);
    expectError(await admin(`/pools/${pool.id}/rollouts/rol_nope`), 404, "not_found");
  });

  it("a managed pool refuses raw config apply until an admin detaches it; balancer.apply is for rollouts only", async () => {
    const { pool, members } = await poolOf(1);
    const member = at(members, 0);
    const raw = { kind: "haproxy.config.apply", payload: { config: "global\n" }, force: true };
    const direct = await admin(`/members/${member.enrolled.member.id}/jobs`, {
      body: {
        kind: "balancer.apply",
        payload: {
          target: "haproxy",
          revision: 1,
          sha256: "a".repeat(64),
          text: "# revision 1\n",
          certificates: [],
        },
      },
    });
    expectError(direct, 409, "job_not_allowed");
    await queueJob(member.enrolled.member.id, raw);
    const started = await startRollout(pool.id, { revision: 1 });
    await runApplies(at(members, 0));
    expect((await rolloutNow(pool.id, started.body.rollout.id)).status).toBe("succeeded");
    const refused = await admin(`/members/${member.enrolled.member.id}/jobs`, { body: raw });
    expectError(refused, 409, "balancer_managed");
    const operator = await createApiToken("operator");
    expectError(
      await withToken(operator.token, `/pools/${pool.id}/balancer/detach`, { method: "POST" }),
      403,
      "forbidden",
    );
    const detached = await admin<{ balancer: { managed: boolean; parityEnforced: boolean } }>(
      `/pools/${pool.id}/balancer/detach`,
      { method: "POST" },
    );
    expect(detached.body.balancer).toMatchObject({ managed: false, parityEnforced: false });
    await queueJob(member.enrolled.member.id, raw);
    expect((await events(pool.id, "balancer.detached")).length).toBe(1);
  });
});
