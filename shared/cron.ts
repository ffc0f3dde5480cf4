/**
 * The cron grammar of job schedules, one for both sides: the API validates with `cronProblem`, the
 * dashboard shows `nextCronRun`, and the agent arms with `startCron`. All three read the
 * expression with croner (pure JS, runs in workerd and Node) and the same options, so what the
 * API stores the agent arms.
 *
 * The grammar is standard five-field cron in UTC: minute hour day-of-month month day-of-week,
 * each numbers or names (jan–dec, sun–sat), `*`, ranges `a-b`, steps `/n` after `*` or a range
 * (or after a single value a: from a to the field's end), lists `a,b`; 0 and 7 are Sunday; day
 * of month and day of week must both match (as node-cron, the agent's earlier scheduler, had
 * it); and the macros below. croner's extensions (seconds, years, `L`, `W`, `#`, `?`) are
 * refused, which also keeps "never matches" a question of month lengths, answered without
 * searching the calendar (croner's search for a date that never comes costs up to 100 ms).
 */
import { Cron, type CronOptions, CronPattern } from "croner";

const OPTIONS = {
  mode: "5-part",
  utcOffset: 0,
  domAndDow: true,
  sloppyRanges: true,
} as const satisfies CronOptions;

/** croner's nicknames, all of which a schedule may use; @reboot has no time to match. */
const MACROS = ["@yearly", "@annually", "@monthly", "@weekly", "@daily", "@midnight", "@hourly"];

const MONTHS = ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"];
const DAYS = ["sun", "mon", "tue", "wed", "thu", "fri", "sat"];
/** Days in each month of a leap year: a day that fits once in four years is a real date. */
const MONTH_DAYS = [31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

interface Field {
  name: string;
  min: number;
  max: number;
  /** The largest step croner takes: how many values the field has (7 days of the week). */
  maxStep: number;
  names: string[];
  /** What a person may write, for the message that refuses something else. */
  values: string;
}

const FIELDS: Field[] = [
  { name: "minute", min: 0, max: 59, maxStep: 60, names: [], values: "0–59" },
  { name: "hour", min: 0, max: 23, maxStep: 24, names: [], values: "0–23" },
  { name: "day of month", min: 1, max: 31, maxStep: 31, names: [], values: "1–31" },
  { name: "month", min: 1, max: 12, maxStep: 12, names: MONTHS, values: "1–12 or jan–dec" },
  {
    name: "day of week",
    min: 0,
    max: 7,
    maxStep: 7,
    names: DAYS,
    values: "0–7 (0 and 7 are Sunday) or sun–sat",
  },
];

function parse(expression: string): CronPattern {
  return new CronPattern(expression, undefined, OPTIONS);
}

/** Why croner refused one field, in words about that field. */
function fieldProblem(field: Field, text: string): string | null {
  const syntax = `use ${field.values}, *, ranges a-b, steps /n and lists a,b`;
  const names = new RegExp(`\\b(${field.names.join("|")})\\b`, "gi");
  const unnamed = field.names.length > 0 ? text.replace(names, "") : text;
  if (/[^0-9*,/-]/.test(unnamed)) return syntax;
  const isolated = FIELDS.map((other) => (other === field ? text : "*")).join(" ");
  try {
    parse(isolated);
    return null;
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    if (/invalid value/i.test(message)) return `values must be ${field.min}–${field.max}`;
    if (/larger than/i.test(message)) return "a range must go from low to high";
    if (/step/i.test(message)) return `a step must be /n with n from 1 to ${field.maxStep}`;
    if (/range/i.test(message)) return "a range is a-b";
    return syntax;
  }
}

/** Why a valid pattern never matches, or null: a day of month no month it names has. */
function neverMatches(pattern: CronPattern): string | null {
  const months = pattern.month.flatMap((on, month) => (on ? [month] : []));
  const days = pattern.day.flatMap((on, index) => (on ? [index + 1] : []));
  if (months.some((month) => days.some((day) => day <= (MONTH_DAYS[month] as number)))) {
    return null;
  }
  const named = months.map((month) => MONTHS[month]).join(", ");
  return `never matches a real date (${named}: no day ${days.join(", ")})`;
}

/**
 * Why `expression` is not a schedule the agent can arm (a phrase to follow "cron expression"),
 * or null when it is.
 */
export function cronProblem(expression: string): string | null {
  const text = expression.trim();
  if (text.startsWith("@")) {
    if (MACROS.includes(text.toLowerCase())) return null;
    return `"${text}" is not a macro schedules know: use ${MACROS.join(", ")} or five fields`;
  }
  const parts = text.split(/\s+/);
  if (parts.length !== 5) {
    return `has ${parts.length} fields; expected 5 (minute hour day-of-month month day-of-week)`;
  }
  for (const [index, field] of FIELDS.entries()) {
    const part = parts[index] as string;
    const problem = fieldProblem(field, part);
    if (problem) return `${field.name} "${part}": ${problem}`;
  }
  const never = neverMatches(parse(text));
  return never ? `"${text}" ${never}` : null;
}

/**
 * When `expression` next matches strictly after `after` (epoch ms), as the agent runs it, or null
 * for an expression the agent would not arm.
 */
export function nextCronRun(expression: string, after: number): number | null {
  if (cronProblem(expression) !== null) return null;
  return new Cron(expression.trim(), OPTIONS).nextRun(new Date(after))?.getTime() ?? null;
}

/** A running schedule: stop it to end its timer. */
export interface CronTask {
  stop(): void;
  /** The next match after now, or null once stopped. */
  nextRun(): Date | null;
}

/**
 * Calls `onMatch` with the minute (epoch ms, UTC) each time `expression` matches, from a timer
 * (one per task, awake at most every 30 s). Throws, with `cronProblem`'s words, for an expression
 * the API would refuse.
 */
export function startCron(expression: string, onMatch: (minute: number) => void): CronTask {
  const problem = cronProblem(expression);
  if (problem) throw new TypeError(`cron expression ${problem}`);
  return new Cron(expression.trim(), OPTIONS, (task) => onMatch(matchedMinute(task)));
}

/**
 * The minute the task fired for: the one it is in, or after a stall (a timer late past the
 * minute) the latest match before now, so the control plane's per-minute key stays a real match.
 */
function matchedMinute(task: Cron): number {
  const nextMinute = Math.floor(Date.now() / 60_000) * 60_000 + 60_000;
  const [latest] = task.previousRuns(1, new Date(nextMinute));
  return latest ? latest.getTime() : nextMinute - 60_000;
}
