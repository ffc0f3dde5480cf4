import type { JobSchedule, PutSchedules } from "../../shared/schedules";
import type { Db } from "../db/client";
import type { JobScheduleRow } from "../db/schema/backups";
import type { MemberRow } from "../db/schema/members";
import type { PoolRow } from "../db/schema/pools";
import type { Write } from "../db/writes";
import { admitKind } from "../jobs/admission";
import {
  loadPoolSchedules,
  planSchedules,
  replaceSchedules,
  toJobSchedule,
} from "../schedules/store";
import type { EventWriter } from "./job-queue";
import type { LiveMember } from "./live-member";
import { type Outcome, ok } from "./outcome";

/**
 * The pool's job schedules, held by its coordinator: loaded with the members, replaced through
 * it, so every heartbeat response carries its member's schedules without a D1 query.
 */
export class ScheduleBook {
  private byMember = new Map<string, JobScheduleRow[]>();

  constructor(
    private readonly db: Db,
    private readonly event: EventWriter,
  ) {}

  async load(poolId: string): Promise<void> {
    this.byMember.clear();
    for (const row of await loadPoolSchedules(this.db, poolId)) {
      this.byMember.set(row.memberId, [...(this.byMember.get(row.memberId) ?? []), row]);
    }
  }

  rows(memberId: string): JobScheduleRow[] {
    return this.byMember.get(memberId) ?? [];
  }

  /** What the member's agent receives in each heartbeat response. */
  forMember(memberId: string): JobSchedule[] {
    return this.rows(memberId).map(toJobSchedule);
  }

  find(scheduleId: string): JobScheduleRow | undefined {
    for (const rows of this.byMember.values()) {
      const found = rows.find((row) => row.id === scheduleId);
      if (found) return found;
    }
    return undefined;
  }

  /**
   * The rows and writes (with an audit event) that replace a member's schedules; refused when
   * a kind is not allowed for the member. Memory changes with `replace`, once the writes landed.
   */
  plan(
    pool: PoolRow,
    member: MemberRow,
    live: LiveMember | undefined,
    input: PutSchedules,
    actor: string,
    now: number,
  ): Outcome<{ rows: JobScheduleRow[]; writes: Write[] }> {
    for (const { kind } of input.schedules) {
      const allowed = admitKind(pool, member, live, kind);
      if (!allowed.ok) return allowed;
    }
    const rows = planSchedules(member, this.rows(member.id), input, now);
    const schedules = rows.map(toJobSchedule);
    const summary = schedules.map(({ kind, cron }) => `${kind} at "${cron}"`).join(", ");
    const event = this.event(
      {
        memberId: member.id,
        type: "member.schedules_updated",
        actor,
        message: summary
          ? `Schedules of ${member.name} set: ${summary}`
          : `Schedules of ${member.name} cleared`,
        data: { schedules },
      },
      now,
    );
    return ok({ rows, writes: [...replaceSchedules(this.db, member, rows), event] });
  }

  replace(memberId: string, rows: JobScheduleRow[]): void {
    if (rows.length === 0) this.byMember.delete(memberId);
    else this.byMember.set(memberId, rows);
  }

  forget(memberId: string): void {
    this.byMember.delete(memberId);
  }

  clear(): void {
    this.byMember.clear();
  }
}
