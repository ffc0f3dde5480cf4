import type { Rollout } from "../../../shared/rollouts";
import type { DashboardSession } from "../../types";
import { ActionForm, NEEDS_OPERATOR } from "../common/action-form";
import { When } from "../common/when";
import { ScrollBox } from "./scroll-box";

const STATUS_CLASS = {
  pending: "muted",
  running: "warn",
  succeeded: "ok",
  failed: "error-text",
  skipped: "muted",
  aborted: "error-text",
} as const;

/** A rollout and its steps as they stand (member, role, status, job, note), with Abort while it runs. */
export function RolloutSteps(props: { rollout: Rollout; session: DashboardSession; now: number }) {
  const { rollout } = props;
  const operator = props.session.role !== "viewer";
  const what = {
    rollout: `Rollout (${rollout.strategy})`,
    sync: "Sync to a new member",
    repair: "Live config re-applied to a member",
  }[rollout.kind];
  return (
    <section
      data-testid="rollout"
      data-rollout-id={rollout.id}
      data-status={rollout.status}
      aria-labelledby="rollout-heading"
    >
      <h3 id="rollout-heading">
        {what} of revision {rollout.revision}:{" "}
        <span class={STATUS_CLASS[rollout.status]} data-testid="rollout-status">
          {rollout.status}
        </span>
      </h3>
      <p class="muted">
        Started <When at={rollout.createdAt} now={props.now} />
        {rollout.reason ? <span data-testid="rollout-reason"> · {rollout.reason}</span> : null}
      </p>
      <ScrollBox id="rollout-steps-scroll" label="The rollout's steps">
        <table class="jobs" data-testid="rollout-steps">
          <thead>
            <tr>
              <th scope="col">#</th>
              <th scope="col">Member</th>
              <th scope="col">Role</th>
              <th scope="col">Status</th>
              <th scope="col">Job</th>
              <th scope="col">Note</th>
            </tr>
          </thead>
          <tbody>
            {rollout.steps.map((step) => (
              <tr
                data-testid="rollout-step"
                data-member={step.memberName}
                data-status={step.status}
              >
                <td>{step.position + 1}</td>
                <td>{step.memberName}</td>
                <td>{step.role === "active" ? "ACTIVE" : "standby"}</td>
                <td class={STATUS_CLASS[step.status]} data-testid="rollout-step-status">
                  {step.status}
                </td>
                <td>
                  {step.jobId ? (
                    <a href={`/members/${step.memberId}/jobs`}>
                      <code>{step.jobId}</code>
                    </a>
                  ) : (
                    <span class="muted">none</span>
                  )}
                </td>
                <td data-testid="rollout-step-note">{step.note ?? ""}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </ScrollBox>
      {rollout.status === "running" && (
        <ActionForm
          action={`/ui/pools/${rollout.poolId}/rollouts/${rollout.id}/abort`}
          confirm={`Abort the rollout of revision ${rollout.revision}? A step already running finishes and is recorded; no later member is changed.`}
          csrf={props.session.csrf}
          id={`rollout-abort-${rollout.id}`}
          testId="rollout-abort"
          label="Abort rollout"
          disabledReason={operator ? null : NEEDS_OPERATOR}
          danger
        />
      )}
    </section>
  );
}
