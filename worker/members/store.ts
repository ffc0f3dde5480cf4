import { and, asc, eq, gt } from "drizzle-orm";
import type { CreateMember, Member, UpdateMember } from "../../shared/members";
import type { PageQuery } from "../../shared/pagination";
import { ENROLLMENT_SECRET_LENGTH } from "../../shared/protocol";
import type { LiveMember } from "../coordinator/live-member";
import type { Db } from "../db/client";
import { type MemberRow, memberCredentials, members } from "../db/schema/members";
import type { PoolRow } from "../db/schema/pools";
import { ApiError } from "../errors";
import { insertEvent } from "../events/store";
import { randomSecret, sha256Hex } from "../lib/crypto";
import { newId } from "../lib/ids";
import { page } from "../lib/page";

/** The API view of a member: its catalog row with the coordinator's live state on top. */
export function toMember(row: MemberRow, live?: LiveMember): Member {
  const { id, poolId, name, hostname, allowedIps, priority, draining, disabled } = row;
  return {
    id,
    poolId,
    name,
    hostname,
    allowedIps,
    priority,
    status: live?.status ?? row.status,
    lastHeartbeatAt: live?.lastHeartbeatAt ?? row.lastHeartbeatAt,
    agentVersion: live?.agentVersion ?? row.agentVersion,
    publicIp: live?.publicIp ?? row.publicIp,
    draining,
    disabled,
    balancer: live?.balancer ?? null,
    createdAt: row.createdAt,
    updatedAt: row.updatedAt,
  };
}

async function assertHostnameFree(db: Db, poolId: string, hostname: string) {
  const existing = await db
    .select({ id: members.id })
    .from(members)
    .where(and(eq(members.poolId, poolId), eq(members.hostname, hostname)))
    .get();
  if (existing) {
    throw new ApiError(
      "hostname_taken",
      `Pool already has a member with hostname ${hostname} (${existing.id})`,
    );
  }
}

/** Enrolls a member: its secret is returned here once and kept only as a SHA-256 hash. */
export async function enrollMember(
  db: Db,
  pool: PoolRow,
  input: CreateMember,
  actor: string,
  now: number,
) {
  await assertHostnameFree(db, pool.id, input.hostname);
  const secret = randomSecret(ENROLLMENT_SECRET_LENGTH);
  const row: MemberRow = {
    id: newId("mem", now),
    poolId: pool.id,
    ...input,
    status: "unknown",
    lastHeartbeatAt: null,
    agentVersion: null,
    publicIp: null,
    draining: false,
    disabled: false,
    createdAt: now,
    updatedAt: now,
  };
  const secretHash = await sha256Hex(secret);
  try {
    await db.batch([
      db.insert(members).values(row),
      db.insert(memberCredentials).values({ memberId: row.id, secretHash, createdAt: now }),
      insertEvent(
        db,
        {
          poolId: pool.id,
          memberId: row.id,
          type: "member.enrolled",
          actor,
          message: `Member ${row.name} (${row.hostname}) enrolled`,
          data: { hostname: row.hostname, allowedIps: row.allowedIps, priority: row.priority },
        },
        now,
      ),
    ]);
  } catch (error) {
    throw hostnameRace(error, input.hostname);
  }
  return { row, secret, secretHash };
}

/** Two writers of one hostname raced past assertHostnameFree; the unique index stopped one. */
function hostnameRace(error: unknown, hostname: string): unknown {
  if (!String(error).includes("UNIQUE constraint failed: members")) return error;
  return new ApiError("hostname_taken", `Pool already has a member with hostname ${hostname}`);
}

export async function listMembers(db: Db, poolId: string, query: PageQuery) {
  const conditions = [eq(members.poolId, poolId)];
  if (query.cursor) conditions.push(gt(members.id, query.cursor));
  const rows = await db
    .select()
    .from(members)
    .where(and(...conditions))
    .orderBy(asc(members.id))
    .limit(query.limit + 1);
  return page(rows, query.limit);
}

export async function getMember(db: Db, memberId: string): Promise<MemberRow> {
  const row = await db.select().from(members).where(eq(members.id, memberId)).get();
  if (!row) throw new ApiError("not_found", `Member ${memberId} does not exist`);
  return row;
}

export async function updateMember(
  db: Db,
  memberId: string,
  patch: UpdateMember,
  actor: string,
  now: number,
) {
  const before = await getMember(db, memberId);
  if (patch.hostname !== undefined && patch.hostname !== before.hostname) {
    await assertHostnameFree(db, before.poolId, patch.hostname);
  }
  const after: MemberRow = { ...before, ...patch, updatedAt: now };
  try {
    await db.batch([
      db
        .update(members)
        .set({ ...patch, updatedAt: now })
        .where(eq(members.id, memberId)),
      insertEvent(
        db,
        {
          poolId: before.poolId,
          memberId,
          type: "member.updated",
          actor,
          message: `Member ${after.name} updated`,
          data: { changes: patch },
        },
        now,
      ),
    ]);
  } catch (error) {
    throw hostnameRace(error, after.hostname);
  }
  return after;
}

/** Replaces a member's secret (the coordinator makes the old one stop working at once). */
export async function rotateSecret(db: Db, memberId: string, actor: string, now: number) {
  const member = await getMember(db, memberId);
  const secret = randomSecret(ENROLLMENT_SECRET_LENGTH);
  const secretHash = await sha256Hex(secret);
  await db.batch([
    db
      .update(memberCredentials)
      .set({ secretHash, createdAt: now })
      .where(eq(memberCredentials.memberId, memberId)),
    insertEvent(
      db,
      {
        poolId: member.poolId,
        memberId,
        type: "member.secret_rotated",
        actor,
        message: `Secret of member ${member.name} rotated; the agent needs the new one`,
      },
      now,
    ),
  ]);
  return { row: member, secret, secretHash };
}

/** Removes a member with its credential, jobs and samples; its events stay. */
export async function removeMember(db: Db, memberId: string, actor: string, now: number) {
  const member = await getMember(db, memberId);
  await db.batch([
    db.delete(members).where(eq(members.id, memberId)),
    insertEvent(
      db,
      {
        poolId: member.poolId,
        memberId,
        type: "member.removed",
        actor,
        message: `Member ${member.name} (${member.hostname}) removed`,
      },
      now,
    ),
  ]);
  return member;
}
