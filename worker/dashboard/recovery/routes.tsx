import { asc, eq } from "drizzle-orm";
import { type Context, Hono } from "hono";
import { CreateJob, type JobKind, type JobKindAvailability } from "../../../shared/jobs";
import { PageQuery } from "../../../shared/pagination";
import type { PoolProfile } from "../../../shared/pools";
import { nextCronRun, SchedulableKind } from "../../../shared/schedules";
import { allow } from "../../auth/admin";
import { archiveDownload } from "../../backups/download";
import { findArchive, findBackup, listBackups } from "../../backups/store";
import { coordinatorFor } from "../../coordinator/client";
import type { Db } from "../../db/client";
import { members } from "../../db/schema/members";
import type { PoolRow } from "../../db/schema/pools";
import { ApiError } from "../../errors";
import { enqueueMemberJob } from "../../jobs/enqueue";
import { findJobs } from "../../jobs/store";
import { getMember } from "../../members/store";
import { getPool } from "../../pools/store";
import { loadPoolSchedules, toJobSchedule } from "../../schedules/store";
import type { AppEnv } from "../../types";
import { actorNames } from "../common/actors";
import type { FormState } from "../common/form-fields";
import { Layout } from "../common/layout";
import { flashOf, page, withFlash } from "../common/render";
import { PoolHeading } from "../common/tabs";
import { notQueuedMessage } from "../jobs/form";
import { canAdmin, canOperate } from "../overview/pool-live";
import { requireRole } from "../session";
import { backupMadeBy } from "./backups";
import { ScheduleEditor } from "./schedule-editor";
import {
  type BackupItem,
  type MemberBackups,
  MemberBackupsSection,
  OrphanBackupsSection,
  RestoreForm,
} from "./view";

/** Backups listed per page: the newest first, older ones a link away. */
const PAGE_SIZE = 100;

/** The backup jobs a member of a pool could run; the coordinator says whether it may now. */
export const BACKUP_KINDS: Record<PoolProfile, SchedulableKind[]> = {
  haproxy: ["haproxy.backup"],
  nginx: ["nginx.backup"],
  generic: ["haproxy.backup", "nginx.backup"],
};

async function backupKinds(env: Env, pool: PoolRow, memberId: string) {
  const kinds = await coordinatorFor(env, pool.id).jobKinds(pool.id, memberId);
  const wanted: JobKind[] = BACKUP_KINDS[pool.profile];
  const available = kinds.ok ? kinds.value : [];
  return wanted.map(
    (kind): JobKindAvailability =>
      available.find((entry) => entry.kind === kind) ?? {
        kind,
        allowed: false,
        reason: kinds.ok ? "Not in this member's catalog" : kinds.message,
      },
  );
}

/** Everything the tab shows: members with their backups, schedules and backup buttons. */
async function loadRecovery(env: Env, db: Db, pool: PoolRow, cursor: string | undefined) {
  const [memberRows, listed, scheduleRows] = await Promise.all([
    db
      .select()
      .from(members)
      .where(eq(members.poolId, pool.id))
      .orderBy(asc(members.name), asc(members.id)),
    listBackups(db, { poolId: pool.id }, { limit: PAGE_SIZE, cursor }),
    loadPoolSchedules(db, pool.id),
  ]);
  const jobs = await findJobs(
    db,
    listed.items.flatMap((backup) => (backup.jobId ? [backup.jobId] : [])),
  );
  const jobById = new Map(jobs.map((job) => [job.id, job]));
  const names = {
    members: new Map(memberRows.map((row) => [row.id, row.name])),
    users: await actorNames(
      db,
      jobs.map((job) => job.createdBy),
    ),
  };
  const items: BackupItem[] = listed.items.map((backup) => {
    const job = backup.jobId ? jobById.get(backup.jobId) : undefined;
    return {
      ...backup,
      madeBy: backupMadeBy(backup, job, names),
      jobHref: job ? `/members/${job.memberId}/jobs/${job.id}` : null,
    };
  });
  const now = Date.now();
  const entries: MemberBackups[] = await Promise.all(
    memberRows.map(async (member) => {
      const schedules = scheduleRows.filter((row) => row.memberId === member.id).map(toJobSchedule);
      const next = schedules
        .map((schedule) => nextCronRun(schedule.cron, now))
        .filter((at): at is number => at !== null);
      return {
        member,
        backups: items.filter((backup) => backup.memberId === member.id),
        schedules,
        nextBackupAt: next.length > 0 ? Math.min(...next) : null,
        backupKinds: await backupKinds(env, pool, member.id),
      };
    }),
  );
  const current = new Set(memberRows.map((row) => row.id));
  const orphans = items.filter((backup) => !backup.memberId || !current.has(backup.memberId));
  return { memberRows, items, entries, orphans, nextCursor: listed.nextCursor };
}

/** What the tab shows again after a refused schedule: whose, and the typed input with why. */
export interface RecoveryExtras {
  schedule?: { memberId: string; state: FormState };
}

/** The tab itself; `extras` after a refused form (the caller sets the status). */
export async function recoveryPage(c: Context<AppEnv>, pool: PoolRow, extras: RecoveryExtras = {}) {
  const db = c.get("db");
  const session = c.get("session");
  const query = PageQuery.safeParse({ cursor: c.req.query("cursor") || undefined });
  const cursor = query.success ? query.data.cursor : undefined;
  const loaded = await loadRecovery(c.env, db, pool, cursor);
  const operate = canOperate(session);
  const canDownload = session.role === "admin";
  const canRestore = loaded.memberRows.length >= 2;
  const base = `/pools/${pool.id}/recovery`;
  return page(
    c,
    <Layout
      title={`${pool.name} · Disaster recovery`}
      health={pool.membersHealth ?? undefined}
      session={session}
      flash={flashOf(c)}
    >
      <PoolHeading pool={{ ...pool, hostname: pool.failoverHostname }} active="recovery" />
      <section aria-labelledby="restore-title" id="restore" class="restore">
        <h2 id="restore-title">Restore a backup onto a member</h2>
        {!canRestore ? (
          <p class="banner" data-testid="restore-unavailable">
            Restoring is offered once the pool has at least two members: it puts one member's backup
            onto another, say a replacement for a member that died. {pool.name} has{" "}
            {loaded.memberRows.length === 0 ? "no members" : "one member"} yet; enroll another, then
            come back here.
          </p>
        ) : loaded.items.length === 0 ? (
          <p class="muted" data-testid="restore-no-backups">
            No backups yet: press "Back up now" on a member below first.
          </p>
        ) : (
          <RestoreForm
            poolId={pool.id}
            members={loaded.memberRows}
            activeMemberId={pool.activeMemberId}
            backups={loaded.items}
            selectedBackupId={c.req.query("backup") ?? null}
            session={session}
            canRestore={canAdmin(session)}
          />
        )}
      </section>
      <h2>Backups by member</h2>
      {loaded.entries.length === 0 && <p class="muted">This pool has no members yet.</p>}
      {loaded.entries.map((entry) => (
        <MemberBackupsSection
          poolId={pool.id}
          entry={entry}
          session={session}
          canOperate={operate}
          canDownload={canDownload}
          canRestore={canRestore}
        >
          <ScheduleEditor
            member={entry.member}
            schedules={entry.schedules}
            kinds={BACKUP_KINDS[pool.profile]}
            state={extras.schedule?.memberId === entry.member.id ? extras.schedule.state : null}
            session={session}
            canEdit={operate}
            now={Date.now()}
          />
        </MemberBackupsSection>
      ))}
      <OrphanBackupsSection
        poolId={pool.id}
        backups={loaded.orphans}
        canDownload={canDownload}
        canRestore={canRestore}
      />
      <nav class="pager" aria-label="Backup pages">
        {cursor && <a href={base}>Newest backups</a>}
        {loaded.nextCursor && (
          <a href={`${base}?cursor=${encodeURIComponent(loaded.nextCursor)}`}>Older backups</a>
        )}
      </nav>
    </Layout>,
  );
}

/**
 * The pool's Disaster recovery tab: backups per member (download for admins), "Back up now",
 * backup schedules, and restoring one member's backup onto another member through the Jobs
 * tab's restore job.
 */
export const recoveryPages = new Hono<AppEnv>()
  .get("/pools/:poolId/recovery", async (c) =>
    recoveryPage(c, await getPool(c.get("db"), c.req.param("poolId"))),
  )
  .get("/ui/backups/:backupId/archive", requireRole("admin"), async (c) => {
    const backupId = c.req.param("backupId");
    const row = await findArchive(c.get("db"), backupId);
    if (!row) throw new ApiError("not_found", `Backup ${backupId} does not exist`);
    return archiveDownload(row);
  })
  .post("/ui/members/:memberId/backup", allow("operator"), async (c) => {
    const member = await getMember(c.get("db"), c.req.param("memberId"));
    const back = `/pools/${member.poolId}/recovery`;
    const kind = SchedulableKind.safeParse((await c.req.parseBody()).kind);
    if (!kind.success) {
      return c.redirect(
        withFlash(back, { kind: "error", message: "Not queued: choose a backup kind" }),
        303,
      );
    }
    const outcome = await enqueueMemberJob(
      c.env,
      member,
      CreateJob.parse({ kind: kind.data }),
      c.get("actor"),
    );
    if (!outcome.ok) {
      return c.redirect(
        withFlash(back, { kind: "error", message: notQueuedMessage(outcome) }),
        303,
      );
    }
    const { job } = outcome.value;
    const flash = { kind: "ok" as const, message: `Queued ${job.kind} on ${member.name}` };
    return c.redirect(withFlash(`/members/${member.id}/jobs/${job.id}`, flash), 303);
  })
  .post("/ui/pools/:poolId/restore", allow("operator"), async (c) => {
    const db = c.get("db");
    const pool = await getPool(db, c.req.param("poolId"));
    const back = `/pools/${pool.id}/recovery`;
    const refused = (message: string) =>
      c.redirect(`${withFlash(back, { kind: "error", message })}#restore`, 303);
    const fields = await c.req.parseBody();
    const backupId = typeof fields.backupId === "string" ? fields.backupId : "";
    const memberId = typeof fields.memberId === "string" ? fields.memberId : "";
    if (!backupId || !memberId) return refused("Not queued: choose a backup and a member");
    const backup = await findBackup(db, backupId);
    if (backup?.poolId !== pool.id) {
      return refused(`Not queued: backup ${backupId} is not a backup of ${pool.name}`);
    }
    const target = await getMember(db, memberId);
    if (target.poolId !== pool.id) {
      return refused(`Not queued: ${target.name} is not a member of ${pool.name}`);
    }
    const request = CreateJob.parse({
      kind: `${backup.service}.restore`,
      payload: { backupId: backup.id },
    });
    const outcome = await enqueueMemberJob(c.env, target, request, c.get("actor"));
    if (!outcome.ok) return refused(notQueuedMessage(outcome));
    const { job } = outcome.value;
    const message = `Queued ${job.kind} of ${backup.memberName}'s backup on ${target.name}`;
    return c.redirect(
      withFlash(`/members/${target.id}/jobs/${job.id}`, { kind: "ok", message }),
      303,
    );
  });
