import { z } from "zod";
import { cronProblem } from "./cron";
import { JobKind, JobStatus } from "./jobs";

// The grammar lives in ./cron (croner), shared with the agent that arms what the API accepts.
export { cronProblem, nextCronRun } from "./cron";

/** Job kinds an agent may run on a schedule: the ones that need no payload and change nothing. */
export const SCHEDULABLE_KINDS = ["haproxy.backup", "nginx.backup"] as const satisfies JobKind[];
export const SchedulableKind = z.enum(SCHEDULABLE_KINDS);
export type SchedulableKind = z.infer<typeof SchedulableKind>;

/** A schedule's cron: refused, with the reason, unless the agent would arm it (./cron). */
export const CronExpression = z
  .string()
  .trim()
  .superRefine((value, ctx) => {
    const problem = cronProblem(value);
    if (problem) ctx.addIssue({ code: "custom", message: `cron expression ${problem}` });
  });

/** One scheduled job of a member: `kind` runs whenever `cron` matches, in the agent's UTC time. */
export const JobSchedule = z.object({
  id: z.string(),
  kind: SchedulableKind,
  cron: z.string(),
});
export type JobSchedule = z.infer<typeof JobSchedule>;

/** Body of `PUT /api/v1/members/:memberId/schedules`: the member's whole schedule list. */
export const PutSchedules = z.strictObject({
  schedules: z
    .array(z.strictObject({ kind: SchedulableKind, cron: CronExpression }))
    .max(16, "at most 16 schedules per member"),
});
export type PutSchedules = z.infer<typeof PutSchedules>;

/** Body of `POST /agent/v1/schedules/:scheduleId/fire`: the minute the schedule matched. */
export const FireSchedule = z.strictObject({ firedAt: z.number().int().nonnegative() });
export type FireSchedule = z.infer<typeof FireSchedule>;

/** Answer of a fire: the job it queued (201), or the one an earlier fire of that minute queued (200). */
export const FiredSchedule = z.object({
  job: z.object({ id: z.string(), kind: JobKind, status: JobStatus }),
});
export type FiredSchedule = z.infer<typeof FiredSchedule>;
