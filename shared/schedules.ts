import { z } from "zod";
import { JobKind, JobStatus } from "./jobs";

/** Job kinds an agent may run on a schedule: the ones that need no payload and change nothing. */
export const SCHEDULABLE_KINDS = ["haproxy.backup", "nginx.backup"] as const satisfies JobKind[];
export const SchedulableKind = z.enum(SCHEDULABLE_KINDS);
export type SchedulableKind = z.infer<typeof SchedulableKind>;

// field name, smallest and largest value, names allowed in place of numbers
const CRON_FIELDS: [string, number, number, string[]][] = [
  ["minute", 0, 59, []],
  ["hour", 0, 23, []],
  ["day of month", 1, 31, []],
  [
    "month",
    1,
    12,
    ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"],
  ],
  ["day of week", 0, 7, ["sun", "mon", "tue", "wed", "thu", "fri", "sat"]],
];

function cronValue(text: string, min: number, names: string[]): number {
  const named = names.indexOf(text.toLowerCase());
  if (named >= 0) return named + min;
  return /^\d+$/.test(text) ? Number(text) : Number.NaN;
}

/**
 * Checks a five-field cron expression (minute hour day-of-month month day-of-week: numbers,
 * names, `*`, ranges `a-b`, steps `/n`, lists `a,b`). Returns why it is invalid, or null.
 */
export function cronProblem(expression: string): string | null {
  const fields = expression.trim().split(/\s+/);
  if (fields.length !== 5) {
    return `has ${fields.length} fields; expected 5 (minute hour day-of-month month day-of-week)`;
  }
  for (const [index, field] of fields.entries()) {
    const [name, min, max, names] = CRON_FIELDS[index] as (typeof CRON_FIELDS)[number];
    for (const part of field.split(",")) {
      const [range = "", step, extra] = part.split("/");
      if (extra !== undefined || (step !== undefined && !/^[1-9]\d*$/.test(step))) {
        return `${name} "${field}": a step must be /n with n ≥ 1`;
      }
      if (range === "*") continue;
      const bounds = range.split("-");
      if (bounds.length > 2) return `${name} "${field}": a range is a-b`;
      const values = bounds.map((bound) => cronValue(bound, min, names));
      if (values.some((value) => !(value >= min && value <= max))) {
        return `${name} "${field}": values must be ${min}–${max}`;
      }
      if (values.length === 2 && (values[0] as number) > (values[1] as number)) {
        return `${name} "${field}": a range must go from low to high`;
      }
    }
  }
  return null;
}

/** The values a valid cron field matches (day of week 7 counts as Sunday, 0). */
function cronValues(field: string, [, min, max, names]: (typeof CRON_FIELDS)[number]): Set<number> {
  const values = new Set<number>();
  for (const part of field.split(",")) {
    const [range = "", step = "1"] = part.split("/");
    const bounds =
      range === "*" ? [min, max] : range.split("-").map((v) => cronValue(v, min, names));
    const from = bounds[0] as number;
    // "a/n" runs from a to the field's end, as in Vixie cron.
    const to = bounds.length === 2 ? (bounds[1] as number) : part.includes("/") ? max : from;
    for (let value = from; value <= to; value += Number(step)) values.add(value);
  }
  if (max === 7 && values.has(7)) values.add(0);
  return values;
}

/**
 * When a valid five-field cron expression next matches after `after` (epoch ms, UTC, as the
 * agent's scheduler runs it: day of month and day of week must both match), or null if it does
 * not within eight years (or the expression is invalid).
 */
export function nextCronRun(expression: string, after: number): number | null {
  if (cronProblem(expression) !== null) return null;
  const fields = expression.trim().split(/\s+/);
  const [minutes, hours, days, months, weekdays] = CRON_FIELDS.map((spec, index) =>
    cronValues(fields[index] as string, spec),
  ) as [Set<number>, Set<number>, Set<number>, Set<number>, Set<number>];
  const end = after + 8 * 366 * 86_400_000;
  let at = Math.floor(after / 60_000) * 60_000 + 60_000;
  while (at <= end) {
    const d = new Date(at);
    const [year, month, day, hour] = [
      d.getUTCFullYear(),
      d.getUTCMonth(),
      d.getUTCDate(),
      d.getUTCHours(),
    ];
    if (!months.has(month + 1)) at = Date.UTC(year, month + 1, 1);
    else if (!days.has(day) || !weekdays.has(d.getUTCDay())) at = Date.UTC(year, month, day + 1);
    else if (!hours.has(hour)) at = Date.UTC(year, month, day, hour + 1);
    else if (!minutes.has(d.getUTCMinutes())) at += 60_000;
    else return at;
  }
  return null;
}

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
