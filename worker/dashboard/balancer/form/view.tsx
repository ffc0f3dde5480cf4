import type { DashboardSession } from "../../../types";
import { fieldId, Message } from "../../common/fields";
import type { FormState } from "../../common/form-fields";
import { pathInWords } from "../issue-path";
import { BackendFieldset } from "./backend-fields";
import { type FormContext, RowButton } from "./controls";
import type { BalancerDraft } from "./draft";
import { FrontendFieldset } from "./frontend-fields";
import { modelInputOf } from "./model-input";
import { valuesOf } from "./values";

/** What the form shows: the draft, the errors of its last save, and the pool's choices. */
export interface BalancerFormView {
  draft: BalancerDraft;
  errors: Record<string, string>;
  notes: Record<string, string>;
  certificates: { id: string; label: string }[];
  focus: string | null;
}

export const countInWords = (count: number) =>
  `Not saved: ${count === 1 ? "1 field needs" : `${count} fields need`} attention`;

/**
 * Every error of a refused save, counted and listed at the top, each linking to its field: the
 * page comes back focused here, and the fields below carry the same messages.
 */
function ErrorSummary(props: { errors: Record<string, string>; draft: BalancerDraft }) {
  const entries = Object.entries(props.errors);
  if (entries.length === 0) return null;
  const model = modelInputOf(props.draft);
  return (
    <div
      class="flash flash-error form-summary"
      role="alert"
      tabindex={-1}
      autofocus
      data-testid="form-summary"
    >
      <p data-testid="form-summary-count">{countInWords(entries.length)}</p>
      <ul>
        {entries.map(([field, message]) =>
          field === "form" ? (
            <li>{message}</li>
          ) : (
            <li>
              <a href={`#${fieldId(field)}`}>{pathInWords(field, model)}:</a> {message}
            </li>
          ),
        )}
      </ul>
    </div>
  );
}

function SaveButton(props: { testId: string }) {
  return (
    <button type="submit" class="primary" data-testid={props.testId}>
      Save as a new revision
    </button>
  );
}

/**
 * Operators: the model field by field, saved as a new revision through the API's own checks.
 * Names of fields are model paths, so every issue lands beside its field. The first button is
 * Save, so Enter in a field saves rather than adding a row.
 */
export function BalancerForm(props: {
  poolId: string;
  view: BalancerFormView;
  session: DashboardSession;
}) {
  const { draft, errors } = props.view;
  const state: FormState = { submitted: true, values: valuesOf(draft), lists: {}, errors };
  const context: FormContext = {
    state,
    notes: props.view.notes,
    backends: draft.backends.map((backend) => backend.name),
    certificates: props.view.certificates,
    focus: props.view.focus,
  };
  return (
    <form
      method="post"
      action={`/ui/pools/${props.poolId}/balancer/form`}
      class="balancer-form"
      data-testid="balancer-form"
      novalidate
    >
      <input type="hidden" name="_csrf" value={props.session.csrf} />
      <ErrorSummary errors={errors} draft={draft} />
      <Message name="form" state={state} />
      <div class="actions">
        <SaveButton testId="balancer-form-save-top" />
      </div>
      <h3 id={fieldId("frontends")}>Frontends</h3>
      <Message name="frontends" state={state} />
      {draft.frontends.map((frontend, f) => (
        <FrontendFieldset context={context} frontend={frontend} index={f} />
      ))}
      <RowButton context={context} edit="add frontends" label="Add a frontend" />
      <h3 id={fieldId("backends")}>Backends</h3>
      <Message name="backends" state={state} />
      {draft.backends.map((backend, b) => (
        <BackendFieldset context={context} backend={backend} index={b} />
      ))}
      <RowButton context={context} edit="add backends" label="Add a backend" />
      <p class="hint muted">
        Saving makes a new revision (the same as PUT /api/v1/pools/{props.poolId}/balancer); nothing
        reaches a member until you roll it out.
      </p>
      <div class="actions">
        <SaveButton testId="balancer-form-save" />
      </div>
    </form>
  );
}
