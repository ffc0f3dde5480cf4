import type { DashboardSession } from "../../types";
import { FormError } from "../common/fields";
import type { FormState } from "../common/form-fields";
import { formatTime } from "../common/when";
import { type BalancerSync, syncSettled } from "./balancer-sync";
import type { FirstHeartbeat } from "./first-heartbeat";
import { InstallCommand } from "./install-command";
import { MemberFields } from "./member-form";
import { NEEDS_ADMIN } from "./view";

interface AddMemberFormProps {
  poolId: string;
  state: FormState;
  session: DashboardSession;
  canAdmin: boolean;
}

export function AddMemberForm({ poolId, state, session, canAdmin }: AddMemberFormProps) {
  return (
    <section aria-labelledby="add-title">
      <h2 id="add-title">The member's name, hostname and addresses</h2>
      <p>
        Enroll a VM of this pool. The answer is its install command, with a secret that is shown
        only once.
      </p>
      {!canAdmin && (
        <p class="notice" data-testid="add-member-read-only">
          {NEEDS_ADMIN}: you cannot add members.
        </p>
      )}
      <FormError state={state} />
      <form
        method="post"
        action={`/pools/${poolId}/members/new`}
        data-testid="add-member-form"
        class="stacked"
      >
        <input type="hidden" name="_csrf" value={session.csrf} />
        <fieldset class="plain" disabled={!canAdmin}>
          <MemberFields state={state} priorityOptional />
          <div class="actions">
            <button type="submit" class="primary" id="add-member" data-testid="add-member-submit">
              Add member
            </button>
          </div>
        </fieldset>
      </form>
    </section>
  );
}

/** Polled until the agent's first heartbeat arrives; `data-live-done` then stops the polling. */
export function FirstHeartbeatView(props: {
  memberId: string;
  name: string;
  first: FirstHeartbeat | null;
  sync?: BalancerSync | null;
}) {
  const { first } = props;
  if (!first) {
    return (
      <div data-testid="first-heartbeat" data-state="waiting">
        <p class="waiting">
          <strong>Waiting for the first heartbeat…</strong>{" "}
          <span class="muted">
            Run the command on the VM; this updates by itself once {props.name}'s agent reports.
          </span>
        </p>
      </div>
    );
  }
  return (
    <div
      data-testid="first-heartbeat"
      data-state="seen"
      data-live-done={
        syncSettled(props.sync ?? null)
          ? `${props.name} reported: first heartbeat received`
          : undefined
      }
    >
      <p class="ok">
        <strong>First heartbeat received</strong> at{" "}
        <span data-testid="first-heartbeat-at">{formatTime(first.at)}</span>.
      </p>
      <dl>
        <dt>Agent version</dt>
        <dd data-testid="first-heartbeat-agent">{first.agentVersion ?? "not reported"}</dd>
        <dt>Public IP</dt>
        <dd data-testid="first-heartbeat-ip">{first.publicIp ?? "not reported"}</dd>
      </dl>
      <SyncLine sync={props.sync ?? null} name={props.name} />
      <p>
        <a href={`/members/${props.memberId}/status`} data-testid="enrolled-status-link">
          Open {props.name}'s status
        </a>
      </p>
    </div>
  );
}

const SYNC_TEXT = {
  waiting: "waiting for it to start",
  pending: "queued",
  running: "being applied",
  succeeded: "applied: it runs the same config as the active",
  failed: "failed",
  skipped: "skipped",
} as const;

/** The managed balancer's live revision reaching the new member (nothing without one). */
function SyncLine({ sync, name }: { sync: BalancerSync | null; name: string }) {
  if (!sync) return null;
  const tone =
    sync.status === "succeeded" ? "ok" : sync.status === "failed" ? "error-text" : "warn";
  return (
    <p data-testid="balancer-sync" data-status={sync.status}>
      Balancer revision {sync.revision} to {name}:{" "}
      <strong class={tone}>{SYNC_TEXT[sync.status]}</strong>
      {sync.note ? <span class="muted"> ({sync.note})</span> : null}
      {sync.status !== "succeeded" && (
        <span class="muted"> Not ready for failover until it runs the active's config.</span>
      )}
    </p>
  );
}

/** After enrolling: the one-liner (this answer only), then the first heartbeat arriving. */
export function Enrolled(props: {
  member: { id: string; name: string; hostname: string };
  poolId: string;
  command: string;
}) {
  const { member } = props;
  return (
    <section class="secret-panel" data-testid="enrolled" aria-labelledby="enrolled-title">
      <h2 id="enrolled-title">
        {member.name} ({member.hostname}) is enrolled
      </h2>
      <p>Run this on the VM as root. It installs the agent with the member's secret:</p>
      <InstallCommand command={props.command} />
      <p class="notice warn">
        The secret is shown only now. If it is lost, rotate it on the member's Settings tab.
      </p>
      <h3>First heartbeat</h3>
      <div
        id="first-heartbeat-live"
        data-live-src={`/ui/members/${member.id}/first-heartbeat/fragment`}
        aria-live="polite"
      >
        <FirstHeartbeatView memberId={member.id} name={member.name} first={null} />
      </div>
      <p class="live-status muted" data-live-status aria-live="polite" />
      <p>
        <a href={`/pools/${props.poolId}`}>Back to the pool</a>
      </p>
    </section>
  );
}
