import { BALANCER_TARGETS } from "../../shared/balancer";
import type { BalancerRevisionDiff } from "../../shared/balancer-api";
import type { Db } from "../db/client";
import { unifiedDiff } from "./diff";
import { loadRevision, type StoredRevision } from "./revisions";

const modelText = (revision: StoredRevision | null) =>
  revision ? `${JSON.stringify(revision.model, null, 2)}\n` : "";

/**
 * What changed from the revision before (the model as indented JSON, and each rendered file);
 * the first revision is diffed against nothing.
 */
export async function revisionDiff(
  db: Db,
  revision: StoredRevision,
): Promise<BalancerRevisionDiff> {
  const previous =
    revision.revision > 1 ? await loadRevision(db, revision.poolId, revision.revision - 1) : null;
  const from = previous ? `revision ${previous.revision}` : "nothing";
  const to = `revision ${revision.revision}`;
  const diff: BalancerRevisionDiff = {
    previousRevision: previous?.revision ?? null,
    model: unifiedDiff(modelText(previous), modelText(revision), from, to),
    haproxy: "",
    nginx: "",
  };
  for (const target of BALANCER_TARGETS) {
    diff[target] = unifiedDiff(previous?.[target].text ?? "", revision[target].text, from, to);
  }
  return diff;
}
