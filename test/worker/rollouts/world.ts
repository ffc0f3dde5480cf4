/**
 * A pool with members at a fixed clock for the rollout tests, and a revision source of texts
 * rendered by hand (the model's renderer is not what these tests are about): revision N of the
 * pool's balancer is a text naming N, with its SHA-256.
 */
import { runInDurableObject } from "cloudflare:test";
import { expect } from "vitest";
import { balancerHeader } from "../../../shared/balancer";
import type { Pool } from "../../../shared/pools";
import type { Rollout } from "../../../shared/rollouts";
import type { PoolCoordinator } from "../../../worker/coordinator/pool-coordinator";
import type { RenderedRevision } from "../../../worker/rollouts/revision-source";
import { coordinatorStub, setClock } from "../coordinator/clock";
import { admin, agentCall, createPool, type Enrolled, enroll, heartbeat } from "../helpers";
import { tomorrowAt } from "../time";

export const T0 = tomorrowAt(12);

export async function sha256(text: string): Promise<string> {
  const digest = await crypto.subtle.digest("SHA-256", new TextEncoder().encode(text));
  return [...new Uint8Array(digest)].map((byte) => byte.toString(16).padStart(2, "0")).join("");
}

export function revisionText(revision: number): string {
  return `${balancerHeader(revision, "edge", "pool_test")}\nglobal\n  maxconn ${revision}00\n`;
}

/** Revisions 1 to 9 exist; anything else does not. */
export async function useHandRenderedRevisions(poolId: string): Promise<void> {
  await runInDurableObject(coordinatorStub(poolId), (instance: PoolCoordinator) => {
    instance.seams.revisionSource = async (_db, _poolId, revision, target) => {
      if (revision > 9) return null;
      const text = revisionText(revision);
      const rendered: RenderedRevision = {
        revision,
        target,
        text,
        sha256: await sha256(text),
        certificates: [],
      };
      return rendered;
    };
  });
}

export interface Member {
  enrolled: Enrolled;
  ip: string;
  /** What its agent says is on disk. */
  onDisk: { revision: number | null; sha256: string | null } | undefined;
}

/** A heartbeat of a member that would serve, with its balancer file as `member.onDisk`. */
export function beat(member: Member) {
  return heartbeat(member.enrolled, {
    publicIp: member.ip,
    services: { haproxy: { installed: true, activeState: "active" } },
    ...(member.onDisk ? { balancer: member.onDisk } : {}),
  });
}

/**
 * The member's agent runs the balancer.apply jobs this beat delivers: reports `status`, and on
 * success its file becomes the revision's. Returns the job ids.
 */
export async function runApplies(
  member: Member,
  status: "succeeded" | "failed" = "succeeded",
  outputTail = "",
): Promise<string[]> {
  const answer = await beat(member);
  expect(answer.status).toBe(200);
  const applies = answer.body.jobs.filter((job) => job.kind === "balancer.apply");
  for (const job of applies) {
    await agentCall(member.enrolled, `/jobs/${job.id}/ack`, { body: { startedAt: T0 } });
    const result = {
      status,
      exitCode: status === "succeeded" ? 0 : 1,
      outputTail,
      startedAt: T0,
      finishedAt: T0 + 700,
    };
    expect(
      (await agentCall(member.enrolled, `/jobs/${job.id}/result`, { body: result })).status,
    ).toBe(200);
    if (status === "succeeded") {
      const payload = job.payload as { revision: number; sha256: string };
      member.onDisk = { revision: payload.revision, sha256: payload.sha256 };
    }
  }
  return applies.map((job) => job.id);
}

/**
 * A pool of `count` members at T0 (priority 1, 2, 3…: the first is active), each beating with a
 * hand-written config on disk, and hand-rendered revisions.
 */
export async function poolOf(count: number) {
  const pool = await createPool({ failoverDelayS: 10 });
  await setClock(pool.id, T0);
  await useHandRenderedRevisions(pool.id);
  const members: Member[] = [];
  for (let i = 0; i < count; i++) {
    const enrolled = await enroll(pool.id, { priority: i + 1, name: `edge-${i + 1}` });
    const member: Member = {
      enrolled,
      ip: `198.51.100.${i + 1}`,
      onDisk: { revision: null, sha256: await sha256(`hand ${i}`) },
    };
    members.push(member);
    await beat(member);
  }
  const { body } = await admin<{ pool: Pool }>(`/pools/${pool.id}`);
  expect(body.pool.activeMemberId).toBe(members[0]?.enrolled.member.id);
  return { pool, members };
}

/** The `index`th member (the tests' pools are built with enough). */
export function at(members: readonly Member[], index: number): Member {
  const member = members[index];
  if (!member) throw new Error(`no member ${index}`);
  return member;
}

export async function startRollout(poolId: string, body: Record<string, unknown>) {
  return admin<{ rollout: Rollout }>(`/pools/${poolId}/rollouts`, { body });
}

export async function rolloutNow(poolId: string, rolloutId: string): Promise<Rollout> {
  const result = await admin<{ rollout: Rollout }>(`/pools/${poolId}/rollouts/${rolloutId}`);
  expect(result.status).toBe(200);
  return result.body.rollout;
}

export const stepStates = (rollout: Rollout) =>
  rollout.steps.map((step) => `${step.memberName}:${step.role}:${step.status}`);
