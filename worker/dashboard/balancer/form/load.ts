import { BalancerModel } from "../../../../shared/balancer";
import { renderAll } from "../../../balancer/preview";
import { listCertificates } from "../../../certificates/store";
import type { Db } from "../../../db/client";
import type { PoolRow } from "../../../db/schema/pools";
import { type BalancerDraft, draftOfModel } from "./draft";
import { modelInputOf } from "./model-input";
import { nginxNotes } from "./notes";
import { starterDraft } from "./rows";
import type { BalancerFormView } from "./view";

/** A form shown again after a post: its draft, errors and the field to focus. */
export interface FormAgain {
  draft: BalancerDraft;
  errors: Record<string, string>;
  focus: string | null;
}

/** nginx's notes for the draft when it is a valid model (the API's mapping of it), else none. */
function notesOf(pool: Pick<PoolRow, "id" | "name" | "profile">, draft: BalancerDraft) {
  if (pool.profile !== "nginx") return {};
  const parsed = BalancerModel.safeParse(modelInputOf(draft));
  if (!parsed.success) return {};
  return nginxNotes(renderAll(parsed.data, { poolId: pool.id, poolName: pool.name, revision: 0 }));
}

/**
 * The form's view: the posted draft when the form comes back, else the newest model (or a
 * starter model for a pool without one), with the pool's certificates to choose from.
 */
export async function balancerFormView(
  db: Db,
  pool: Pick<PoolRow, "id" | "name" | "profile">,
  newest: BalancerModel | null,
  again: FormAgain | null,
): Promise<BalancerFormView> {
  const draft = again?.draft ?? (newest ? draftOfModel(newest) : starterDraft());
  const certificates = (await listCertificates(db, pool.id)).map((cert) => ({
    id: cert.id,
    label: `${cert.name} (${cert.sans[0] ?? cert.subject})`,
  }));
  return {
    draft,
    errors: again?.errors ?? {},
    focus: again?.focus ?? null,
    certificates,
    notes: notesOf(pool, draft),
  };
}
