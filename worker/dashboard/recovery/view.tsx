import type { Child } from "hono/jsx";
import type { Backup } from "../../../shared/backups";
import type { JobKindAvailability } from "../../../shared/jobs";
import type { JobSchedule } from "../../../shared/schedules";
import type { DashboardSession } from "../../types";
import { ActionForm, NEEDS_ADMIN, NEEDS_OPERATOR } from "../common/action-form";
import { formatBytes } from "../common/format";
import { formatTime } from "../common/when";
import { backupUploader, shortSha } from "./backups";

/** A backup as the Disaster recovery tab lists it. */
export interface BackupItem extends Backup {
  madeBy: string;
  /** The job page of the job that made it, while that job is kept. */
  jobHref: string | null;
}

export interface MemberBackups {
  member: { id: string; name: string; hostname: string };
  backups: BackupItem[];
  schedules: JobSchedule[];
  nextBackupAt: number | null;
  /** The backup kinds this member could run, and whether it may now. */
  backupKinds: JobKindAvailability[];
}

const SERVICE_LABEL = { haproxy: "HAProxy", nginx: "nginx" } as const;

/** A restore option: when, what, and which job made it (its group names the uploader). */
function backupLabel(backup: BackupItem): string {
  return `${formatTime(backup.createdAt)} · ${SERVICE_LABEL[backup.service]} · ${formatBytes(backup.sizeBytes)} · ${shortSha(backup.sha256)} · ${backup.madeBy}`;
}

function Backups(props: {
  poolId: string;
  backups: BackupItem[];
  canDownload: boolean;
  canRestore: boolean;
}) {
  const { poolId, backups, canDownload, canRestore } = props;
  if (backups.length === 0) {
    return <p class="muted">No backups yet.</p>;
  }
  return (
    <ul class="backup-list">
      {backups.map((backup) => (
        <li data-testid="backup-row" data-backup-id={backup.id} data-service={backup.service}>
          <p class="backup-head">
            <strong>{formatTime(backup.createdAt)}</strong> · {SERVICE_LABEL[backup.service]} ·{" "}
            <span data-testid="backup-size">{formatBytes(backup.sizeBytes)}</span>
          </p>
          <dl>
            <dt>SHA-256</dt>
            <dd>
              <code title={backup.sha256} data-testid="backup-sha">
                {shortSha(backup.sha256)}…
              </code>
              <details class="sha-full">
                <summary>Full checksum</summary>
                <input
                  readonly
                  value={backup.sha256}
                  aria-label={`SHA-256 of backup ${backup.id}`}
                  size={64}
                  data-testid="backup-sha-full"
                />
              </details>
            </dd>
            <dt>Uploaded by</dt>
            <dd data-testid="backup-uploaded-by">{backupUploader(backup)}</dd>
            <dt>Made by</dt>
            <dd data-testid="backup-made-by">
              {backup.madeBy}
              {backup.jobHref && (
                <>
                  {" "}
                  (<a href={backup.jobHref}>job</a>)
                </>
              )}
            </dd>
          </dl>
          <div class="actions">
            {canDownload ? (
              <a
                class="button-link"
                href={`/ui/backups/${backup.id}/archive`}
                download
                data-testid="backup-download"
              >
                Download
              </a>
            ) : (
              <span class="muted">
                Downloading needs the admin role (archives may hold TLS keys)
              </span>
            )}
            {canRestore && (
              <a
                class="button-link"
                href={`/pools/${poolId}/recovery?backup=${backup.id}#restore`}
                data-testid="backup-restore-link"
              >
                Restore…
              </a>
            )}
          </div>
        </li>
      ))}
    </ul>
  );
}

function BackUpNow(props: {
  entry: MemberBackups;
  session: DashboardSession;
  canOperate: boolean;
}) {
  const { entry, session, canOperate } = props;
  const { member } = entry;
  return (
    <>
      {entry.backupKinds.map((kind) => {
        const service = kind.kind === "nginx.backup" ? "nginx" : "HAProxy";
        const several = entry.backupKinds.length > 1;
        return (
          <ActionForm
            action={`/ui/members/${member.id}/backup`}
            confirm={`Back up ${service} on ${member.name} now? Its agent runs ${kind.kind} at its next heartbeat.`}
            csrf={session.csrf}
            id={`backup-${member.id}-${kind.kind}`}
            testId="backup-now"
            label={several ? `Back up ${service} now` : "Back up now"}
            disabledReason={
              canOperate ? (kind.allowed ? null : (kind.reason ?? "Not available")) : NEEDS_OPERATOR
            }
          >
            <input type="hidden" name="kind" value={kind.kind} />
          </ActionForm>
        );
      })}
    </>
  );
}

/** One member's backups with its schedules and a "Back up now" button. */
export function MemberBackupsSection(props: {
  poolId: string;
  entry: MemberBackups;
  session: DashboardSession;
  canOperate: boolean;
  canDownload: boolean;
  canRestore: boolean;
  /** The member's schedule editor. */
  children?: Child;
}) {
  const { entry } = props;
  const { member } = entry;
  return (
    <section
      class="member-backups"
      aria-labelledby={`backups-${member.id}`}
      data-testid="member-backups"
      data-member-id={member.id}
    >
      <h3 id={`backups-${member.id}`}>
        {member.name}
        {member.hostname !== member.name && <span class="muted"> {member.hostname}</span>}
      </h3>
      <p data-testid="next-backup">
        {entry.schedules.length === 0 ? (
          <span class="muted">No scheduled backups.</span>
        ) : (
          <>
            Next backup: <strong>{formatTime(entry.nextBackupAt)}</strong>{" "}
            <span class="muted">
              (
              {entry.schedules
                .map((schedule) => `${schedule.kind} at "${schedule.cron}" UTC`)
                .join(", ")}
              )
            </span>
          </>
        )}
      </p>
      {props.children}
      <div class="actions">
        <BackUpNow entry={entry} session={props.session} canOperate={props.canOperate} />
      </div>
      <Backups
        poolId={props.poolId}
        backups={entry.backups}
        canDownload={props.canDownload}
        canRestore={props.canRestore}
      />
    </section>
  );
}

/** Backups whose member has been removed: the very ones a replacement restores. */
export function OrphanBackupsSection(props: {
  poolId: string;
  backups: BackupItem[];
  canDownload: boolean;
  canRestore: boolean;
}) {
  if (props.backups.length === 0) return null;
  return (
    <section class="member-backups" aria-labelledby="backups-removed" data-testid="removed-backups">
      <h3 id="backups-removed">Members removed since</h3>
      <Backups {...props} />
    </section>
  );
}

interface RestoreFormProps {
  poolId: string;
  members: { id: string; name: string }[];
  /** The member carrying the traffic: restoring onto it is flagged in its option and the dialog. */
  activeMemberId: string | null;
  backups: BackupItem[];
  selectedBackupId: string | null;
  session: DashboardSession;
  /** Restore replaces what a VM runs as root: an admin action. */
  canRestore: boolean;
}

/**
 * Restores one member's backup onto a member of the pool (usually another one): a confirmed
 * POST that queues the restore job on the target, like the Jobs tab's restore.
 */
export function RestoreForm(props: RestoreFormProps) {
  const { poolId, members, activeMemberId, backups, selectedBackupId, session, canRestore } = props;
  const sources = [...new Set(backups.map((backup) => backup.memberName))];
  return (
    <form
      method="post"
      action={`/ui/pools/${poolId}/restore`}
      class="restore-form"
      data-testid="restore-form"
      data-confirm="Restore backup {backupId} onto {memberId}? Its configuration is replaced by the backup's (checked first; a configuration that fails the check is not applied)."
      data-confirm-verb="Restore"
      data-confirm-danger
    >
      <input type="hidden" name="_csrf" value={session.csrf} />
      {!canRestore && (
        <p class="flash flash-error" data-testid="restore-disabled">
          {NEEDS_ADMIN}: you can see the backups but not restore one (a restore replaces what the VM
          runs as root).
        </p>
      )}
      <fieldset disabled={!canRestore} class="plain">
        <p>
          <label for="restore-backup">Backup</label>
          <select id="restore-backup" name="backupId" required data-testid="restore-backup">
            <option value="">Choose a backup</option>
            {sources.map((source) => (
              <optgroup label={`uploaded by ${source}`}>
                {backups
                  .filter((backup) => backup.memberName === source)
                  .map((backup) => (
                    <option value={backup.id} selected={backup.id === selectedBackupId}>
                      {backupLabel(backup)}
                    </option>
                  ))}
              </optgroup>
            ))}
          </select>
        </p>
        <p>
          <label for="restore-target">Restore onto</label>
          <select id="restore-target" name="memberId" required data-testid="restore-target">
            <option value="">Choose a member</option>
            {members.map((member) => (
              <option value={member.id}>
                {member.id === activeMemberId
                  ? `${member.name}, the ACTIVE member (carries the traffic now)`
                  : member.name}
              </option>
            ))}
          </select>
        </p>
        <div class="actions">
          <button
            type="submit"
            class="primary"
            id="restore-submit"
            data-testid="restore-submit"
            title={canRestore ? undefined : NEEDS_ADMIN}
          >
            Restore
          </button>
        </div>
      </fieldset>
    </form>
  );
}
