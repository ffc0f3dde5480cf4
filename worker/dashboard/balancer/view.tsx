import type { BalancerRevisionDiff } from "../../../shared/balancer-api";
import type { DashboardSession } from "../../types";
import { ActionForm, NEEDS_OPERATOR } from "../common/action-form";
import type { FormState } from "../common/form-fields";
import { When } from "../common/when";
import { DiffView } from "./diff-view";
import type { BalancerTabView } from "./load";
import { ModelView } from "./model-view";
import { ReapplyLiveConfig } from "./reapply";
import { RolloutSteps } from "./rollout-view";
import { ScrollBox } from "./scroll-box";

/** "standbys first: edge-b, then the ACTIVE edge-a": who a rollout reaches, in order. */
export function orderInWords(order: BalancerTabView["order"]): string {
  const standbys = order.filter((step) => step.role === "standby").map((step) => step.name);
  const active = order.find((step) => step.role === "active");
  const then = active ? `the ACTIVE ${active.name}` : "";
  if (standbys.length === 0) return active ? `only ${then}` : "no member";
  const first = `standbys first: ${standbys.join(", ")}`;
  return active ? `${first}, then ${then}` : first;
}

/**
 * The revision a Roll back applies: the live revision before the current one (the one that
 * went live by the latest succeeded rollout of another revision), or null.
 */
export function rollbackRevision(view: BalancerTabView): number | null {
  const live = view.state?.liveRevision ?? null;
  if (live === null) return null;
  const earlier = view.rollouts.find(
    (rollout) => rollout.status === "succeeded" && rollout.revision !== live,
  );
  return earlier?.revision ?? null;
}

function ParityTable({ view, session }: { view: BalancerTabView; session: DashboardSession }) {
  return (
    <ScrollBox id="balancer-parity-scroll" label="Each member's config">
      <table class="jobs" data-testid="balancer-parity">
        <thead>
          <tr>
            <th scope="col">Member</th>
            <th scope="col">Role</th>
            <th scope="col">Config</th>
            <th scope="col">Readiness</th>
          </tr>
        </thead>
        <tbody>
          {view.members.map((member) => (
            <tr data-testid="balancer-member" data-name={member.view.name}>
              <th scope="row">{member.view.name}</th>
              <td>{member.view.role === "active" ? "ACTIVE" : "standby"}</td>
              <td>
                <span
                  class={`parity parity-${member.parity.kind}`}
                  data-testid="parity-badge"
                  data-parity={member.parity.kind}
                >
                  {member.parity.text}
                </span>
                <ReapplyLiveConfig
                  member={{ id: member.view.id, name: member.view.name }}
                  parity={member.parity}
                  csrf={session.csrf}
                  disabledReason={session.role === "viewer" ? NEEDS_OPERATOR : null}
                  back="balancer"
                />
              </td>
              <td class="muted" data-testid="balancer-member-readiness">
                {member.view.role === "active"
                  ? "carries the traffic"
                  : member.view.ready
                    ? "ready"
                    : `not ready: ${member.view.notReadyReasons.join("; ") || "unknown"}`}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </ScrollBox>
  );
}

/** The refreshed part of the tab: revisions in use, parity, the model with per-member states, the latest rollout. */
export function BalancerLive({
  view,
  session,
}: {
  view: BalancerTabView;
  session: DashboardSession;
}) {
  const live = view.state?.liveRevision ?? null;
  const newest = view.newest?.revision ?? null;
  return (
    <>
      <p data-testid="balancer-revisions-in-use">
        Live revision <strong data-testid="balancer-live-revision">{live ?? "none yet"}</strong> ·
        newest revision{" "}
        <strong data-testid="balancer-newest-revision">{newest ?? "none yet"}</strong>
        {view.state && (
          <span class="muted">
            {" "}
            · config parity {view.state.parityEnforced ? "enforced" : "not enforced"}
            {view.state.managed ? "" : " · not managed yet (no rollout completed)"}
          </span>
        )}
      </p>
      <ParityTable view={view} session={session} />
      {view.latestRollout && (
        <RolloutSteps rollout={view.latestRollout} session={session} now={view.now} />
      )}
      {view.newest ? (
        <ModelView
          model={view.newest.model}
          members={view.members}
          haproxy={view.pool.profile === "haproxy"}
        />
      ) : (
        <p class="muted" data-testid="balancer-none">
          No balancer model yet. Write one below (operators) or PUT it to /api/v1/pools/
          {view.pool.id}/balancer.
        </p>
      )}
    </>
  );
}

/** Roll out (rolling or parallel) one revision, behind a dialog naming it and the members in order. */
function RollOutForm(props: {
  view: BalancerTabView;
  revision: number;
  session: DashboardSession;
}) {
  const order = orderInWords(props.view.order);
  return (
    <ActionForm
      action={`/ui/pools/${props.view.pool.id}/balancer/rollouts`}
      confirm={`Roll out revision ${props.revision} ({strategy})? ${order}.`}
      csrf={props.session.csrf}
      id={`rollout-start-${props.revision}`}
      testId="rollout-start"
      label="Roll out"
      disabledReason={props.session.role === "viewer" ? NEEDS_OPERATOR : null}
    >
      <input type="hidden" name="revision" value={String(props.revision)} />
      <select
        name="strategy"
        aria-label={`Strategy for revision ${props.revision}`}
        data-testid="rollout-strategy"
      >
        <option value="rolling">rolling: one member at a time</option>
        <option value="parallel">parallel: every standby at once</option>
      </select>
    </ActionForm>
  );
}

/** The revisions, newest first, each with Roll out; the chosen one's diff below. */
export function RevisionList(props: {
  view: BalancerTabView;
  shown: { revision: number; diff: BalancerRevisionDiff } | null;
  session: DashboardSession;
}) {
  const { view } = props;
  const live = view.state?.liveRevision ?? null;
  const back = rollbackRevision(view);
  const target = view.pool.profile === "nginx" ? "nginx" : "haproxy";
  if (view.revisions.length === 0) return <p class="muted">No revisions yet.</p>;
  return (
    <>
      {back !== null && (
        <ActionForm
          action={`/ui/pools/${view.pool.id}/balancer/rollouts`}
          confirm={`Roll back to revision ${back} (the live one before ${live})? ${orderInWords(view.order)}.`}
          csrf={props.session.csrf}
          id="rollout-rollback"
          testId="rollout-rollback"
          label={`Roll back to revision ${back}`}
          disabledReason={props.session.role === "viewer" ? NEEDS_OPERATOR : null}
          danger
        >
          <input type="hidden" name="revision" value={String(back)} />
          <input type="hidden" name="strategy" value="rolling" />
        </ActionForm>
      )}
      <ScrollBox id="balancer-revisions-scroll" label="Revisions">
        <table class="jobs" data-testid="balancer-revisions">
          <thead>
            <tr>
              <th scope="col">Revision</th>
              <th scope="col">By</th>
              <th scope="col">When</th>
              <th scope="col">Diff</th>
              <th scope="col">Roll out</th>
            </tr>
          </thead>
          <tbody>
            {view.revisions.map((revision) => (
              <tr data-testid="balancer-revision" data-revision={String(revision.revision)}>
                <th scope="row">
                  {revision.revision}
                  {revision.revision === live ? <span class="ok"> (live)</span> : null}
                </th>
                <td>{revision.author}</td>
                <td>
                  <When at={revision.createdAt} now={view.now} />
                </td>
                <td>
                  <a
                    href={`/pools/${view.pool.id}/balancer?diff=${revision.revision}#revision-diff`}
                    data-testid="revision-diff-link"
                  >
                    Diff
                  </a>
                </td>
                <td>
                  <RollOutForm view={view} revision={revision.revision} session={props.session} />
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </ScrollBox>
      {props.shown && (
        <section
          id="revision-diff"
          data-testid="revision-diff"
          aria-labelledby="revision-diff-heading"
        >
          <h3 id="revision-diff-heading">
            Revision {props.shown.revision} against{" "}
            {props.shown.diff.previousRevision === null
              ? "nothing (the first)"
              : `revision ${props.shown.diff.previousRevision}`}
          </h3>
          <DiffView diff={props.shown.diff.model} label="The model" testId="revision-diff-model" />
          <DiffView
            diff={props.shown.diff[target]}
            label={`The ${target} file`}
            testId="revision-diff-text"
          />
        </section>
      )}
    </>
  );
}

/** Operators: the model as JSON, saved as a new revision; the API's issues beside it in words. */
export function ModelEditor(props: {
  poolId: string;
  state: FormState;
  issues: { where: string; message: string }[];
  session: DashboardSession;
}) {
  const value = props.state.values.model ?? "";
  if (props.session.role === "viewer") {
    return (
      <p class="muted" data-testid="balancer-editor-disabled">
        {NEEDS_OPERATOR} to edit the balancer or roll it out.
      </p>
    );
  }
  const invalid = props.issues.length > 0;
  return (
    <form
      method="post"
      action={`/ui/pools/${props.poolId}/balancer`}
      class="stacked"
      data-testid="balancer-editor"
    >
      <input type="hidden" name="_csrf" value={props.session.csrf} />
      <div class={invalid ? "field field-invalid" : "field"}>
        <label for="f-model">Model (JSON)</label>
        <textarea
          id="f-model"
          name="model"
          rows={24}
          data-testid="field-model"
          spellcheck={false}
          autocapitalize="none"
          aria-invalid={invalid ? "true" : undefined}
          // After a refusal the browser scrolls to the editor and its errors.
          autofocus={invalid}
          aria-describedby={invalid ? "f-model-error f-model-hint" : "f-model-hint"}
        >
          {value}
        </textarea>
        <p class="hint muted" id="f-model-hint">
          Frontends (binds, host names, routes, default backend) and backends (strategy, health
          check, sticky sessions, servers), as PUT /api/v1/pools/{props.poolId}/balancer takes them.
          Saving makes a new revision; nothing reaches a member until you roll it out.
        </p>
        {invalid && (
          <ul class="field-error" id="f-model-error" data-testid="error-model">
            {props.issues.map((issue) => (
              <li data-testid="model-issue">
                <strong>{issue.where}:</strong> {issue.message}
              </li>
            ))}
          </ul>
        )}
      </div>
      <div class="actions">
        <button type="submit" class="primary" data-testid="balancer-save">
          Save as a new revision
        </button>
      </div>
    </form>
  );
}
