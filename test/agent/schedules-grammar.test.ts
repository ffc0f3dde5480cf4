/**
 * One cron grammar on both sides: every expression goes through the API's validation (the
 * `PutSchedules` body of `PUT /api/v1/members/:id/schedules`) and through the agent's Scheduler,
 * and the two must agree: what the API stores the agent arms, and what the agent would skip the
 * API refuses with a message a person can act on.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { createLogger } from "../../agent/log";
import { Scheduler } from "../../agent/schedules";
import { nextCronRun, PutSchedules } from "../../shared/schedules";

// Wednesday 2030-01-02 10:17:30 UTC, on a fake clock so both sides read the same "now".
const NOW = "2030-01-02T10:17:30Z";

const schedulers: Scheduler[] = [];
beforeEach(() => {
  vi.useFakeTimers({ toFake: ["setTimeout", "clearTimeout", "Date"] });
  vi.setSystemTime(new Date(NOW));
});
afterEach(async () => {
  for (const one of schedulers.splice(0)) await one.stop();
  vi.useRealTimers();
});

/** When the agent's scheduler would next fire the expression, or null if it does not arm it. */
function agentNextRun(cron: string): string | null {
  const scheduler = new Scheduler({
    client: {
      fireSchedule: async () => ({
        job: { id: "job-1", kind: "haproxy.backup", status: "queued" },
      }),
    },
    log: createLogger({ level: "error", write: () => {} }),
    signal: new AbortController().signal,
  });
  schedulers.push(scheduler);
  scheduler.update([{ id: "sch-1", kind: "haproxy.backup", cron }]);
  return scheduler.nextRun("sch-1")?.toISOString() ?? null;
}

/** null when the API accepts the expression, else the message it answers with. */
function apiProblem(cron: string): string | null {
  const result = PutSchedules.safeParse({ schedules: [{ kind: "haproxy.backup", cron }] });
  return result.success ? null : (result.error.issues[0]?.message ?? "refused");
}

/** The next match after NOW as an ISO string, from the month, day, hour and minute. */
const next = (month: number, day: number, hour: number, minute: number, year = 2030) =>
  new Date(Date.UTC(year, month - 1, day, hour, minute)).toISOString();

// [expression, its next match after NOW when valid, or a part of the API's message]
const TABLE: [string, { next: string } | { refused: string }][] = [
  ["0 3 * * *", { next: next(1, 3, 3, 0) }],
  ["*/15 * * * *", { next: next(1, 2, 10, 30) }],
  // A step after a single value runs to the field's end: 5, 15, …, 55.
  ["5/10 * * * *", { next: next(1, 2, 10, 25) }],
  ["0 0-23/6 * * *", { next: next(1, 2, 12, 0) }],
  ["0 9-17 * * mon-fri", { next: next(1, 2, 11, 0) }],
  ["0 4 1,15 * *", { next: next(1, 15, 4, 0) }],
  ["30 2 * * 7", { next: next(1, 6, 2, 30) }], // 7 is Sunday, as 0 is
  ["30 2 * * SUN", { next: next(1, 6, 2, 30) }],
  ["0 0 * feb,jul *", { next: next(2, 1, 0, 0) }],
  ["0 0 29 2 *", { next: next(2, 29, 0, 0, 2032) }], // leap years only, but a real date
  ["0 0 13 * fri", { next: next(9, 13, 0, 0) }], // day of month and day of week both match
  ["@daily", { next: next(1, 3, 0, 0) }],
  ["@weekly", { next: next(1, 6, 0, 0) }],
  ["0 0 31 2 *", { refused: "never matches a real date (feb: no day 31)" }],
  ["0 0 31 4,6,9,11 *", { refused: "never matches a real date (apr, jun, sep, nov: no day 31)" }],
  ["0 3 * *", { refused: "has 4 fields; expected 5 (minute hour day-of-month month day-of-week)" }],
  [
    "* * * * * *",
    { refused: "has 6 fields; expected 5 (minute hour day-of-month month day-of-week)" },
  ],
  ["60 * * * *", { refused: 'minute "60": values must be 0–59' }],
  ["0 24 * * *", { refused: 'hour "24": values must be 0–23' }],
  ["0 0 * * 8", { refused: 'day of week "8": values must be 0–7' }],
  ["*/0 * * * *", { refused: 'minute "*/0": a step must be /n with n from 1 to 60' }],
  ["0 5-1 * * *", { refused: 'hour "5-1": a range must go from low to high' }],
  ["0 0 L * *", { refused: 'day of month "L": use 1–31, *, ranges a-b, steps /n and lists a,b' }],
  ["0 0 * * 5#2", { refused: 'day of week "5#2": use 0–7 (0 and 7 are Sunday) or sun–sat' }],
  ["@reboot", { refused: '"@reboot" is not a macro schedules know' }],
];

describe("the cron grammar the API accepts is the one the agent arms", () => {
  it.each(TABLE)("%s", (cron, expected) => {
    const api = apiProblem(cron);
    const agent = agentNextRun(cron);
    if ("next" in expected) {
      expect(api).toBeNull();
      expect(agent).toBe(expected.next);
      // The dashboard's "next backup" is the agent's next fire.
      expect(new Date(nextCronRun(cron, Date.now()) ?? 0).toISOString()).toBe(expected.next);
    } else {
      expect(api).toContain(expected.refused);
      expect(agent).toBeNull();
    }
  });
});
