import type { Context } from "hono";
import { revisionDiff } from "../../balancer/revision-diff";
import { loadRevision } from "../../balancer/revisions";
import type { AppEnv } from "../../types";
import { emptyForm, type FormState } from "../common/form-fields";
import { Layout } from "../common/layout";
import { flashOf, page } from "../common/render";
import { PoolHeading } from "../common/tabs";
import { balancerFormView, type FormAgain } from "./form/load";
import { BalancerForm, countInWords } from "./form/view";
import { loadBalancerTab } from "./load";
import { BalancerLive, ModelEditor, RevisionList } from "./view";

export type Issue = { where: string; message: string };

/** A refused or edited post, drawn again: the JSON editor's text and issues, or the form's. */
export interface Editing {
  json?: { state: FormState; issues: Issue[] };
  form?: FormAgain;
}

function flashOfEditing(editing: Editing) {
  const problems = editing.json?.issues.length ?? 0;
  if (problems > 0) {
    const count = problems === 1 ? "a problem" : `${problems} problems`;
    return `Not saved: ${count} in the model, shown beside the editor`;
  }
  const fields = Object.keys(editing.form?.errors ?? {}).length;
  return fields > 0 ? `${countInWords(fields)}, marked in the form below` : null;
}

/** The Balancer tab: live state, revisions, and the model's editors (the form, JSON as advanced). */
export async function balancerPage(c: Context<AppEnv>, editing: Editing = {}) {
  const db = c.get("db");
  const view = await loadBalancerTab(c.env, db, c.req.param("poolId") ?? "");
  const session = c.get("session");
  const wanted = Number(c.req.query("diff") ?? view.newest?.revision ?? Number.NaN);
  const chosen = Number.isInteger(wanted) ? await loadRevision(db, view.pool.id, wanted) : null;
  const shown = chosen ? { revision: chosen.revision, diff: await revisionDiff(db, chosen) } : null;
  const model = view.newest ? `${JSON.stringify(view.newest.model, null, 2)}\n` : "";
  const refusal = flashOfEditing(editing);
  const flash = refusal ? { kind: "error" as const, message: refusal } : flashOf(c);
  const json = editing.json ?? { state: { ...emptyForm(), values: { model } }, issues: [] };
  const canEdit = session.role !== "viewer";
  const formView = canEdit
    ? await balancerFormView(db, view.pool, view.newest?.model ?? null, editing.form ?? null)
    : null;
  const jsonEditor = (
    <ModelEditor poolId={view.pool.id} state={json.state} issues={json.issues} session={session} />
  );
  return page(
    c,
    <Layout
      title={`${view.pool.name} · Balancer`}
      health={view.pool.membersHealth ?? undefined}
      session={session}
      flash={flash}
    >
      <PoolHeading
        pool={{ ...view.pool, hostname: view.pool.failoverHostname }}
        active="balancer"
      />
      <div
        id="balancer-live"
        data-live-src={`/ui/pools/${view.pool.id}/balancer/fragment`}
        data-testid="balancer-live"
      >
        <BalancerLive view={view} session={session} />
      </div>
      <p class="live-status muted" data-live-status aria-live="polite" />
      <section aria-labelledby="revisions-heading">
        <h2 id="revisions-heading">Revisions</h2>
        <RevisionList view={view} shown={shown} session={session} />
      </section>
      <section aria-labelledby="editor-heading">
        <h2 id="editor-heading">Edit the model</h2>
        {formView ? (
          <>
            <BalancerForm poolId={view.pool.id} view={formView} session={session} />
            <details class="advanced" data-testid="balancer-json" open={!!editing.json}>
              <summary>Advanced: the same model as JSON</summary>
              {jsonEditor}
            </details>
          </>
        ) : (
          jsonEditor
        )}
      </section>
    </Layout>,
  );
}
