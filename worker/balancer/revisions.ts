import { and, desc, eq, lt } from "drizzle-orm";
import type { BalancerModel, BalancerTarget } from "../../shared/balancer";
import type { BalancerRevision, BalancerRevisionSummary } from "../../shared/balancer-api";
import type { PageQuery } from "../../shared/pagination";
import type { Db } from "../db/client";
import { type BalancerRevisionRow, balancerRevisions } from "../db/schema/balancer";
import type { PoolRow } from "../db/schema/pools";
import { insertEvent } from "../events/store";
import { renderAll } from "./preview";

/** A revision with both rendered texts: what a rollout applies (the balancer contract). */
export interface StoredRevision {
  poolId: string;
  revision: number;
  author: string;
  createdAt: number;
  model: BalancerModel;
  haproxy: { text: string; sha256: string };
  nginx: { text: string; sha256: string };
}

function toStored(row: BalancerRevisionRow): StoredRevision {
  return {
    poolId: row.poolId,
    revision: row.revision,
    author: row.author,
    createdAt: row.createdAt,
    model: row.model,
    haproxy: { text: row.haproxyText, sha256: row.haproxySha256 },
    nginx: { text: row.nginxText, sha256: row.nginxSha256 },
  };
}

export function toSummary(revision: StoredRevision): BalancerRevisionSummary {
  return {
    revision: revision.revision,
    author: revision.author,
    createdAt: revision.createdAt,
    haproxySha256: revision.haproxy.sha256,
    nginxSha256: revision.nginx.sha256,
  };
}

export function toRevision(revision: StoredRevision): BalancerRevision {
  return { ...toSummary(revision), model: revision.model };
}

/** One revision of a pool's balancer, or null when the pool has no such revision. */
export async function loadRevision(
  db: Db,
  poolId: string,
  revision: number,
): Promise<StoredRevision | null> {
  const row = await db
    .select()
    .from(balancerRevisions)
    .where(and(eq(balancerRevisions.poolId, poolId), eq(balancerRevisions.revision, revision)))
    .get();
  return row ? toStored(row) : null;
}

/** The pool's newest revision (what the next rollout would apply), or null before the first. */
export async function newestRevision(db: Db, poolId: string): Promise<StoredRevision | null> {
  const row = await db
    .select()
    .from(balancerRevisions)
    .where(eq(balancerRevisions.poolId, poolId))
    .orderBy(desc(balancerRevisions.revision))
    .limit(1)
    .get();
  return row ? toStored(row) : null;
}

/** Revisions newest first, without their texts; `cursor` is the last revision number seen. */
export async function listRevisions(db: Db, poolId: string, query: PageQuery) {
  const before = query.cursor === undefined ? undefined : Number(query.cursor);
  const rows = await db
    .select()
    .from(balancerRevisions)
    .where(
      and(
        eq(balancerRevisions.poolId, poolId),
        before === undefined || Number.isNaN(before)
          ? undefined
          : lt(balancerRevisions.revision, before),
      ),
    )
    .orderBy(desc(balancerRevisions.revision))
    .limit(query.limit + 1);
  const items = rows.slice(0, query.limit).map((row) => toSummary(toStored(row)));
  const last = items.at(-1);
  return { items, nextCursor: rows.length > query.limit && last ? String(last.revision) : null };
}

/** The stored text of one target; the render endpoint answers exactly this. */
export function revisionText(revision: StoredRevision, target: BalancerTarget): string {
  return revision[target].text;
}

const sameModel = (a: BalancerModel, b: BalancerModel) => JSON.stringify(a) === JSON.stringify(b);

// Two saves may race for one number; the loser re-reads and tries the next one.
const SAVE_ATTEMPTS = 3;

function isConstraintError(error: unknown): boolean {
  return /UNIQUE constraint failed|SQLITE_CONSTRAINT/i.test(String((error as Error)?.message));
}

/**
 * Saves `model` as the pool's next revision with both rendered texts and an audit event, or
 * returns the newest revision unchanged (`created: false`) when its model is the same.
 */
export async function saveRevision(
  db: Db,
  pool: Pick<PoolRow, "id" | "name">,
  model: BalancerModel,
  author: string,
  now: number,
): Promise<{ revision: StoredRevision; created: boolean }> {
  for (let attempt = 1; ; attempt++) {
    const newest = await newestRevision(db, pool.id);
    if (newest && sameModel(newest.model, model)) return { revision: newest, created: false };
    const number = (newest?.revision ?? 0) + 1;
    const meta = { poolId: pool.id, poolName: pool.name, revision: number };
    const { haproxy, nginx } = renderAll(model, meta);
    const row: BalancerRevisionRow = {
      poolId: pool.id,
      revision: number,
      author,
      createdAt: now,
      model,
      haproxyText: haproxy.text,
      haproxySha256: haproxy.sha256,
      nginxText: nginx.text,
      nginxSha256: nginx.sha256,
    };
    try {
      await db.batch([
        db.insert(balancerRevisions).values(row),
        insertEvent(
          db,
          {
            poolId: pool.id,
            type: "balancer.revised",
            actor: author,
            message: `Balancer revision ${number} saved`,
            data: { revision: number, haproxySha256: haproxy.sha256, nginxSha256: nginx.sha256 },
          },
          now,
        ),
      ]);
      return { revision: toStored(row), created: true };
    } catch (error) {
      if (!isConstraintError(error) || attempt >= SAVE_ATTEMPTS) throw error;
    }
  }
}
