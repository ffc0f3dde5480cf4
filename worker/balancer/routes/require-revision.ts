import type { Db } from "../../db/client";
import type { PoolRow } from "../../db/schema/pools";
import { ApiError } from "../../errors";
import { loadRevision, newestRevision, type StoredRevision } from "../revisions";

/** Revision `revision` of the pool, or its newest when none is asked for; 404 saying what exists. */
export async function requireRevision(
  db: Db,
  pool: Pick<PoolRow, "id" | "name">,
  revision: number | undefined,
): Promise<StoredRevision> {
  const found =
    revision === undefined
      ? await newestRevision(db, pool.id)
      : await loadRevision(db, pool.id, revision);
  if (found) return found;
  const newest = revision === undefined ? null : await newestRevision(db, pool.id);
  if (!newest) {
    throw new ApiError(
      "not_found",
      `Pool ${pool.name} has no balancer revision yet: PUT /api/v1/pools/${pool.id}/balancer saves the first`,
    );
  }
  throw new ApiError(
    "not_found",
    `Pool ${pool.name} has no balancer revision ${revision}; its newest is ${newest.revision}`,
  );
}
