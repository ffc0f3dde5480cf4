import { BalancerModel } from "../../../../shared/balancer";
import { type SavedBalancer, saveBalancerModel } from "../../../balancer/save";
import type { Db } from "../../../db/client";
import type { PoolRow } from "../../../db/schema/pools";
import { ApiError } from "../../../errors";
import { type FormFields, textOf } from "../../common/form-fields";
import type { BalancerDraft } from "./draft";
import { admissionErrors, schemaErrors } from "./errors";
import { modelInputOf } from "./model-input";
import { draftOfForm } from "./read";
import { applyEdit } from "./rows";
import { valuesOf } from "./values";

/** What a post of the Balancer form came to. */
export type FormSubmission =
  /** A row was added or removed: the form again, nothing saved. */
  | { kind: "edited"; draft: BalancerDraft; focus: string | null }
  /** The schema or the pool refused it: the form again with the errors, as typed. */
  | { kind: "refused"; draft: BalancerDraft; errors: Record<string, string> }
  | { kind: "saved"; saved: SavedBalancer };

/**
 * Reads the posted form and either applies its row edit, or saves it the API's way: the shared
 * schema (fields and cross-field checks), then `saveBalancerModel` (the pool's checks and the
 * revision). Refusals come back keyed by form field.
 */
export async function submitBalancerForm(
  db: Db,
  pool: Pick<PoolRow, "id" | "name" | "profile">,
  fields: FormFields,
  author: string,
  now: number,
): Promise<FormSubmission> {
  const draft = draftOfForm(fields);
  const edit = textOf(fields, "_edit");
  if (edit !== "") return { kind: "edited", ...applyEdit(draft, edit) };
  const parsed = BalancerModel.safeParse(modelInputOf(draft));
  if (!parsed.success) {
    return {
      kind: "refused",
      draft,
      errors: schemaErrors(parsed.error.issues, draft, valuesOf(draft)),
    };
  }
  try {
    return { kind: "saved", saved: await saveBalancerModel(db, pool, parsed.data, author, now) };
  } catch (error) {
    if (!(error instanceof ApiError) || error.status >= 500) throw error;
    return { kind: "refused", draft, errors: admissionErrors(error.issues, error.message) };
  }
}
