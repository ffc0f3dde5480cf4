import { and, desc, eq, inArray, lt, type SQL, sql } from "drizzle-orm";
import type { Backup } from "../../shared/backups";
import type { MonitoredService } from "../../shared/heartbeat";
import type { PageQuery } from "../../shared/pagination";
import type { Db } from "../db/client";
import { type BackupRow, backups } from "../db/schema/backups";
import type { MemberRow } from "../db/schema/members";
import { ApiError } from "../errors";
import { insertEvent } from "../events/store";
import { newId } from "../lib/ids";
import { page } from "../lib/page";
import { backupExists } from "./admission";
import { type BackupRetention, backupsToPrune, retentionText } from "./retention";

/** Every column but the archive: lists and metadata never read the bytes. */
const META = {
  id: backups.id,
  poolId: backups.poolId,
  memberId: backups.memberId,
  memberName: backups.memberName,
  memberHostname: backups.memberHostname,
  service: backups.service,
  sizeBytes: backups.sizeBytes,
  sha256: backups.sha256,
  jobId: backups.jobId,
  createdAt: backups.createdAt,
};

export function toBackup(row: BackupRow): Backup {
  const { archive: _archive, ...meta } = row;
  return meta;
}

/** A backup's metadata, or undefined. */
export async function findBackup(db: Db, backupId: string): Promise<Backup | undefined> {
  return db.select(META).from(backups).where(eq(backups.id, backupId)).get();
}

export async function getBackup(db: Db, backupId: string): Promise<Backup> {
  const found = await findBackup(db, backupId);
  if (!found) throw new ApiError("not_found", `Backup ${backupId} does not exist`);
  return found;
}

/** D1 hands a blob back as an ArrayBuffer (or, in older runtimes, an array of bytes). */
function bytesOf(value: ArrayBuffer | ArrayBufferView | number[]): Uint8Array {
  if (Array.isArray(value)) return Uint8Array.from(value);
  if (ArrayBuffer.isView(value)) {
    return new Uint8Array(value.buffer, value.byteOffset, value.byteLength);
  }
  return new Uint8Array(value);
}

/** A backup with its archive, or undefined; `poolId` limits it to one pool's backups. */
export async function findArchive(db: Db, backupId: string, poolId?: string) {
  const conditions: SQL[] = [eq(backups.id, backupId)];
  if (poolId) conditions.push(eq(backups.poolId, poolId));
  // Read raw: drizzle's blob mapping needs Node's Buffer, which this Worker runs without.
  const archive = sql<ArrayBuffer | number[]>`${backups.archive}`;
  const row = await db
    .select({ ...META, archive })
    .from(backups)
    .where(and(...conditions))
    .get();
  return row ? { ...row, archive: bytesOf(row.archive) } : undefined;
}

/** Backups of one member or one pool, newest first. */
export async function listBackups(
  db: Db,
  owner: { memberId: string } | { poolId: string },
  query: PageQuery,
) {
  const conditions: SQL[] = [
    "memberId" in owner ? eq(backups.memberId, owner.memberId) : eq(backups.poolId, owner.poolId),
  ];
  if (query.cursor) conditions.push(lt(backups.id, query.cursor));
  const rows = await db
    .select(META)
    .from(backups)
    .where(and(...conditions))
    .orderBy(desc(backups.id))
    .limit(query.limit + 1);
  return page(rows, query.limit);
}

export interface NewBackup {
  member: MemberRow;
  service: MonitoredService;
  archive: Uint8Array;
  sha256: string;
  /** The backup job it answers (admitUploadJob). */
  jobId: string;
}

/** D1's answer when the unique index on job_id refuses a second backup for one job. */
function isUniqueViolation(error: unknown): boolean {
  return /UNIQUE constraint failed/i.test(String((error as Error)?.message ?? error));
}

/**
 * Stores an uploaded archive with its `backup.stored` event, and in the same batch deletes the
 * member's oldest backups past `retention` (each with a `backup.deleted` event by `retention`).
 */
export async function storeBackup(
  db: Db,
  input: NewBackup,
  now: number,
  retention: BackupRetention,
): Promise<Backup> {
  const { member, service, archive, sha256, jobId } = input;
  const row: BackupRow = {
    id: newId("bak", now),
    poolId: member.poolId,
    memberId: member.id,
    memberName: member.name,
    memberHostname: member.hostname,
    service,
    sizeBytes: archive.byteLength,
    sha256,
    jobId,
    archive,
    createdAt: now,
  };
  const existing = await db
    .select({ id: backups.id, sizeBytes: backups.sizeBytes, service: backups.service })
    .from(backups)
    .where(eq(backups.memberId, member.id))
    .orderBy(desc(backups.id));
  const pruned = backupsToPrune(existing, row.sizeBytes, retention);
  const stored = insertEvent(
    db,
    {
      poolId: member.poolId,
      memberId: member.id,
      type: "backup.stored",
      actor: `agent:${member.id}`,
      message: `${service} backup of ${member.name} stored (${archive.byteLength} bytes)`,
      data: { backupId: row.id, service, sizeBytes: row.sizeBytes, sha256, jobId },
    },
    now,
  );
  const deletions = pruned.map((old) =>
    insertEvent(
      db,
      {
        poolId: member.poolId,
        memberId: member.id,
        type: "backup.deleted",
        actor: "retention",
        message: `${old.service} backup of ${member.name} deleted: each member keeps its ${retentionText(retention)}`,
        data: { backupId: old.id, service: old.service, sizeBytes: old.sizeBytes },
      },
      now,
    ),
  );
  try {
    await db.batch([
      db.insert(backups).values(row),
      stored,
      ...(pruned.length > 0
        ? [
            db.delete(backups).where(
              inArray(
                backups.id,
                pruned.map((old) => old.id),
              ),
            ),
          ]
        : []),
      ...deletions,
    ]);
  } catch (error) {
    if (isUniqueViolation(error)) throw backupExists(jobId);
    throw error;
  }
  return toBackup(row);
}

/** Deletes a backup with its `backup.deleted` event, in one batch. */
export async function deleteBackup(db: Db, backupId: string, actor: string, now: number) {
  const backup = await getBackup(db, backupId);
  await db.batch([
    db.delete(backups).where(eq(backups.id, backupId)),
    insertEvent(
      db,
      {
        poolId: backup.poolId,
        memberId: backup.memberId,
        type: "backup.deleted",
        actor,
        message: `${backup.service} backup of ${backup.memberName} deleted`,
        data: { backupId, service: backup.service, sha256: backup.sha256 },
      },
      now,
    ),
  ]);
  return backup;
}

/** The file name a downloaded archive is saved under. */
export function archiveFileName(backup: Backup): string {
  const stamp = new Date(backup.createdAt).toISOString().replace(/[-:]/g, "").replace(/\..*/, "Z");
  const host = backup.memberHostname.replace(/[^A-Za-z0-9.-]/g, "_");
  return `baton-${host}-${backup.service}-${stamp}.tar.gz`;
}
