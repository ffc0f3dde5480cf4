import type { BalancerModel } from "../../shared/balancer";
import type { Db } from "../db/client";
import type { PoolRow } from "../db/schema/pools";
import { admitModel } from "./admission";
import type { Renderings } from "./preview";
import { type StoredRevision, saveRevision } from "./revisions";

export interface SavedBalancer {
  revision: StoredRevision;
  /** False when the newest revision already is this model (nothing was written). */
  created: boolean;
  renderings: Renderings;
}

/**
 * Saves a valid model as the pool's next revision: admitted against the pool first
 * (certificates, sizes, the pool's renderer's refusals; an ApiError with field issues when not),
 * then stored with both rendered texts and an audit event. The API's PUT, the dashboard's JSON
 * editor and its form all save through here, so a revision is made one way only.
 */
export async function saveBalancerModel(
  db: Db,
  pool: Pick<PoolRow, "id" | "name" | "profile">,
  model: BalancerModel,
  author: string,
  now: number,
): Promise<SavedBalancer> {
  const renderings = await admitModel(db, pool, model);
  const saved = await saveRevision(db, pool, model, author, now);
  return { ...saved, renderings };
}

/** The flash after a save, the same from the JSON editor and the form. */
export function savedInWords(saved: Pick<SavedBalancer, "revision" | "created">): string {
  return saved.created
    ? `Saved revision ${saved.revision.revision}: roll it out to apply it`
    : `Nothing changed: revision ${saved.revision.revision} is already this model`;
}
