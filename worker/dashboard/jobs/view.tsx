import type { Backup } from "../../../shared/backups";
import {
  CANARY_KINDS,
  FINISHED_JOB_STATUSES,
  type Job,
  type JobKind,
  type JobKindAvailability,
  type JobStatus,
} from "../../../shared/jobs";
import type { DashboardSession } from "../../types";
import { ActionForm, NEEDS_OPERATOR } from "../common/action-form";
import { formatDuration } from "../common/format";
import { formatTime, When } from "../common/when";
import type { ServerChoices } from "./server-choices";
import { ServerPicker } from "./server-picker";

export const JOB_STATUS_LABEL: Record<JobStatus, string> = {
  held: "Held for its canary",
  queued: "Queued",
  delivered: "Delivered to the agent",
  running: "Running",
  succeeded: "Succeeded",
  failed: "Failed",
  timed_out: "Timed out",
  cancelled: "Cancelled",
};

export function isFinished(status: JobStatus): boolean {
  return FINISHED_JOB_STATUSES.includes(status);
}

function duration(job: Job): string | null {
  if (job.startedAt === null || job.finishedAt === null) return null;
  return formatDuration(job.finishedAt - job.startedAt);
}

/** Payload inputs shown for some kinds (dashboard/app.js hides the others' fieldsets). */
interface PayloadGroup {
  id: string;
  legend: string;
  kinds: JobKind[];
}

const RESTORE: PayloadGroup = {
  id: "restore",
  legend: "Backup to restore",
  kinds: ["haproxy.restore", "nginx.restore"],
};
const SERVER: PayloadGroup = {
  id: "server",
  legend: "HAProxy backend and server",
  kinds: ["haproxy.drain", "haproxy.ready"],
};
const CONFIG: PayloadGroup = {
  id: "config",
  legend: "Configuration to apply",
  kinds: ["haproxy.config.apply", "nginx.config.apply"],
};
const AGENT: PayloadGroup = { id: "agent", legend: "Agent release", kinds: ["agent.update"] };

function Group({ group, children }: { group: PayloadGroup; children: unknown }) {
  return (
    <fieldset
      class="payload"
      data-payload-group={group.id}
      data-shown-by="job-kind"
      data-shown-for={group.kinds.join(" ")}
      hidden
    >
      <legend>
        {group.legend} <span class="muted">(for {group.kinds.join(", ")})</span>
      </legend>
      {children}
    </fieldset>
  );
}

interface JobFormProps {
  memberId: string;
  memberName: string;
  kinds: JobKindAvailability[];
  /** The pool's backups, newest first. */
  backups: Backup[];
  /** What the drain and ready jobs pick from: the member's latest HAProxy table. */
  servers: ServerChoices;
  session: DashboardSession;
  canOperate: boolean;
}

/** Queues one job. Disabled kinds say why (the same gating the API applies); the server checks again. */
export function JobForm(props: JobFormProps) {
  const { memberId, memberName, kinds, backups, session, canOperate } = props;
  const refused = kinds.filter((kind) => !kind.allowed);
  const services = ["haproxy", "nginx"] as const;
  return (
    <section aria-labelledby="queue-title" class="job-form">
      <h2 id="queue-title">Queue a job</h2>
      <form
        method="post"
        action={`/ui/members/${memberId}/jobs`}
        data-testid="job-form"
        data-confirm={`Queue {kind} on ${memberName}? Its agent runs it at its next heartbeat.`}
        data-confirm-verb="Queue job"
      >
        <input type="hidden" name="_csrf" value={session.csrf} />
        {!canOperate && (
          <p class="flash flash-error" data-testid="job-form-disabled">
            {NEEDS_OPERATOR}: you can see this member's jobs but not queue one.
          </p>
        )}
        <fieldset disabled={!canOperate} class="plain">
          <label for="job-kind">Kind</label>{" "}
          <select id="job-kind" name="kind" data-testid="job-kind" required>
            {/* No kind is chosen for the operator: the first one is an install. */}
            <option value="">Choose a job</option>
            {kinds.map((kind) => (
              <option value={kind.kind} disabled={!kind.allowed} title={kind.reason}>
                {kind.allowed ? kind.kind : `${kind.kind} (not available)`}
              </option>
            ))}
          </select>
          <p class="muted" data-shown-by="job-kind" data-shown-for={noPayloadKinds(kinds)} hidden>
            This kind takes no payload.
          </p>
          <Group group={RESTORE}>
            <label for="job-backup">Backup</label>{" "}
            <select id="job-backup" name="backupId">
              {backups.length === 0 && <option value="">No backups of this pool yet</option>}
              {services.map((service) => {
                const own = backups.filter((backup) => backup.service === service);
                if (own.length === 0) return null;
                return (
                  <optgroup label={service}>
                    {own.map((backup) => (
                      <option value={backup.id}>
                        {`${backup.memberName} · ${formatTime(backup.createdAt)} · ${backup.id}`}
                      </option>
                    ))}
                  </optgroup>
                );
              })}
            </select>
          </Group>
          <Group group={SERVER}>
            <ServerPicker choices={props.servers} />
          </Group>
          <Group group={CONFIG}>
            <label for="job-config">Configuration file</label>
            <textarea id="job-config" name="config" rows={10} spellcheck={false} />
          </Group>
          <Group group={AGENT}>
            <label for="job-version">Version</label>{" "}
            <input id="job-version" name="version" placeholder="1.2.3" autocomplete="off" />{" "}
            <label for="job-sha256">SHA-256</label>{" "}
            <input id="job-sha256" name="sha256" size={64} autocomplete="off" />
          </Group>
          <p data-shown-by="job-kind" data-shown-for={CANARY_KINDS.join(" ")} hidden>
            <label title="On the active member, this change otherwise runs only after it succeeded on a standby">
              <input type="checkbox" name="force" value="on" data-testid="job-force" /> Skip the
              standby canary
            </label>
          </p>
          <div class="actions">
            <button
              type="submit"
              class="primary"
              id="queue-job"
              data-testid="job-submit"
              title={canOperate ? undefined : NEEDS_OPERATOR}
            >
              Queue job
            </button>
          </div>
        </fieldset>
      </form>
      {refused.length > 0 && (
        <details class="refused" open>
          <summary>Not available on {memberName}</summary>
          <ul>
            {refused.map((kind) => (
              <li data-testid="job-kind-refused" data-kind={kind.kind}>
                <code>{kind.kind}</code>: {kind.reason}
              </li>
            ))}
          </ul>
        </details>
      )}
    </section>
  );
}

function noPayloadKinds(kinds: JobKindAvailability[]): string {
  const withPayload = new Set<string>([
    ...RESTORE.kinds,
    ...SERVER.kinds,
    ...CONFIG.kinds,
    ...AGENT.kinds,
  ]);
  return kinds
    .map((kind) => kind.kind)
    .filter((kind) => !withPayload.has(kind))
    .join(" ");
}

/** The member's jobs, newest first. */
export function JobList({
  memberId,
  jobs,
  actors,
}: {
  memberId: string;
  jobs: Job[];
  actors: Map<string, string>;
}) {
  return (
    <section aria-labelledby="jobs-title">
      <h2 id="jobs-title">Jobs</h2>
      {jobs.length === 0 ? (
        <p class="muted" data-testid="no-jobs">
          No jobs yet.
        </p>
      ) : (
        <table class="jobs">
          <thead>
            <tr>
              <th scope="col">Kind</th>
              <th scope="col">Status</th>
              <th scope="col">Created</th>
              <th scope="col">By</th>
            </tr>
          </thead>
          <tbody>
            {jobs.map((job) => (
              <tr data-testid="job-row" data-job-id={job.id} data-status={job.status}>
                <td>
                  <a href={`/members/${memberId}/jobs/${job.id}`}>{job.kind}</a>
                </td>
                <td class={`status status-${job.status}`}>
                  {JOB_STATUS_LABEL[job.status]}
                  {job.canaryNote && <CanaryNote job={job} />}
                </td>
                <td>
                  <When at={job.createdAt} />
                </td>
                <td>{actors.get(job.createdBy) ?? job.createdBy}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}

/** The job's canary line, its canary job linked (it may be another member's). */
function CanaryNote({ job }: { job: Job }) {
  const { canaryJobId, canaryNote } = job;
  if (!canaryNote) return null;
  const at = canaryJobId ? canaryNote.indexOf(canaryJobId) : -1;
  return (
    <span class="muted canary-note" data-testid="job-canary">
      {" · "}
      {at < 0 || !canaryJobId ? (
        canaryNote
      ) : (
        <>
          {canaryNote.slice(0, at)}
          <a href={`/jobs/${canaryJobId}`}>{canaryJobId}</a>
          {canaryNote.slice(at + canaryJobId.length)}
        </>
      )}
    </span>
  );
}

interface JobDetailProps {
  job: Job;
  actor: string;
  session: DashboardSession;
  canOperate: boolean;
}

/**
 * One job: what GET /ui/members/:memberId/jobs/:jobId/fragment returns and dashboard/app.js swaps
 * in until the job is finished (`data-live-done` stops the polling).
 */
export function JobDetail({ job, actor, session, canOperate }: JobDetailProps) {
  const finished = isFinished(job.status);
  const took = duration(job);
  const payload = Object.keys(job.payload).length > 0 ? JSON.stringify(job.payload, null, 2) : null;
  return (
    <section
      data-testid="job-detail"
      data-status={job.status}
      data-live-done={finished ? `Finished: ${JOB_STATUS_LABEL[job.status]}` : undefined}
    >
      <dl class="job-facts">
        <dt>Status</dt>
        <dd class={`status status-${job.status}`} data-testid="job-status">
          {JOB_STATUS_LABEL[job.status]}
          <CanaryNote job={job} />
        </dd>
        <dt>Exit code</dt>
        <dd data-testid="job-exit-code">{job.exitCode === null ? "none" : String(job.exitCode)}</dd>
        <dt>Created</dt>
        <dd>
          <When at={job.createdAt} /> by {actor}
        </dd>
        <dt>Delivered</dt>
        <dd>
          <When at={job.deliveredAt} />
          {job.deliveryCount > 1 && ` (${job.deliveryCount} deliveries)`}
        </dd>
        <dt>Started</dt>
        <dd>
          <When at={job.startedAt} />
        </dd>
        <dt>Finished</dt>
        <dd>
          <When at={job.finishedAt} />
          {took && ` (took ${took})`}
        </dd>
        {!finished && (
          <>
            <dt>Deadline</dt>
            <dd>
              <When at={job.deadlineAt} />
            </dd>
          </>
        )}
      </dl>
      {payload && (
        <>
          <h2>Payload</h2>
          <pre class="payload-json">{payload}</pre>
        </>
      )}
      {!finished && (
        <div class="actions">
          <ActionForm
            action={`/ui/members/${job.memberId}/jobs/${job.id}/cancel`}
            confirm={`Cancel this ${job.kind} job? If the agent has already started it, it may still finish.`}
            csrf={session.csrf}
            id="cancel-job"
            testId="job-cancel"
            label="Cancel job"
            disabledReason={canOperate ? null : NEEDS_OPERATOR}
            danger
          />
        </div>
      )}
      <h2>Output</h2>
      {job.outputTail ? (
        <pre class="output" data-testid="job-output">
          {job.outputTail}
        </pre>
      ) : (
        <>
          <pre class="output" data-testid="job-output" />
          <p class="muted">{finished ? "The job reported no output." : "No output yet."}</p>
        </>
      )}
    </section>
  );
}
