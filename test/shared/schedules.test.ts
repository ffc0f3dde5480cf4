import { describe, expect, it } from "vitest";
import { cronProblem, nextCronRun, PutSchedules } from "../../shared/schedules";

describe("cronProblem", () => {
  it.each([
    ["0 3 * * *", null],
    ["*/15 * * * *", null],
    ["0 0-23/6 1,15 jan-jun mon-fri", null],
    ["30 2 * * 7", null],
    ["59 23 31 12 sun", null],
    ["0 3 * *", "has 4 fields; expected 5 (minute hour day-of-month month day-of-week)"],
    ["* * * * * *", "has 6 fields; expected 5 (minute hour day-of-month month day-of-week)"],
    ["60 * * * *", 'minute "60": values must be 0–59'],
    ["0 24 * * *", 'hour "24": values must be 0–23'],
    ["0 0 0 * *", 'day of month "0": values must be 1–31'],
    ["0 0 * 13 *", 'month "13": values must be 1–12'],
    ["0 0 * * 8", 'day of week "8": values must be 0–7'],
    ["*/0 * * * *", 'minute "*/0": a step must be /n with n from 1 to 60'],
    ["0 */25 * * *", 'hour "*/25": a step must be /n with n from 1 to 24'],
    ["0 5-1 * * *", 'hour "5-1": a range must go from low to high'],
    ["0 1-2-3 * * *", 'hour "1-2-3": a range is a-b'],
    ["0 x * * *", 'hour "x": use 0–23, *, ranges a-b, steps /n and lists a,b'],
    ["0 0 * foo *", 'month "foo": use 1–12 or jan–dec, *, ranges a-b, steps /n and lists a,b'],
    ["0 0 31 2 *", '"0 0 31 2 *" never matches a real date (feb: no day 31)'],
    ["0 0 30,31 2,4 *", null], // 30 April is real
    ["0 0 31 2,4 *", '"0 0 31 2,4 *" never matches a real date (feb, apr: no day 31)'],
    ["@midnight", null],
    ["@reboot", expect.stringContaining('"@reboot" is not a macro schedules know')],
  ])("%s → %s", (expression, expected) => {
    expect(cronProblem(expression)).toEqual(expected);
  });
});

describe("PutSchedules", () => {
  it("accepts backups on a schedule", () => {
    const body = { schedules: [{ kind: "haproxy.backup", cron: " 0 3 * * * " }] };
    expect(PutSchedules.parse(body)).toEqual({
      schedules: [{ kind: "haproxy.backup", cron: "0 3 * * *" }],
    });
  });

  it("refuses kinds that change things and says why a cron is wrong", () => {
    const result = PutSchedules.safeParse({
      schedules: [
        { kind: "haproxy.reload", cron: "0 3 * * *" },
        { kind: "nginx.backup", cron: "0 3 * *" },
      ],
    });
    expect(result.success).toBe(false);
    const issues = result.error?.issues.map((issue) => [issue.path.join("."), issue.message]);
    expect(issues).toEqual([
      ["schedules.0.kind", expect.stringContaining("haproxy.backup")],
      [
        "schedules.1.cron",
        "cron expression has 4 fields; expected 5 (minute hour day-of-month month day-of-week)",
      ],
    ]);
  });
});

describe("nextCronRun", () => {
  // Wednesday 2030-01-02 10:17:30 UTC.
  const after = Date.UTC(2030, 0, 2, 10, 17, 30);
  const at = (month: number, day: number, hour: number, minute: number, year = 2030) =>
    Date.UTC(year, month - 1, day, hour, minute);

  it.each([
    ["0 3 * * *", at(1, 3, 3, 0)],
    ["*/15 * * * *", at(1, 2, 10, 30)],
    ["17 10 * * *", at(1, 3, 10, 17)],
    ["18 10 * * *", at(1, 2, 10, 18)],
    ["0 0-23/6 * * *", at(1, 2, 12, 0)],
    ["30 2 * * 7", at(1, 6, 2, 30)],
    ["30 2 * * sun", at(1, 6, 2, 30)],
    ["0 4 1,15 * *", at(1, 15, 4, 0)],
    ["0 0 * feb mon-fri", at(2, 1, 0, 0)],
    ["0 0 29 2 *", at(2, 29, 0, 0, 2032)],
    // Day of month and day of week must both match, as the agent's scheduler has it.
    ["0 0 13 * fri", at(9, 13, 0, 0)],
  ])("%s → the next match", (expression, expected) => {
    expect(new Date(nextCronRun(expression, after) ?? 0).toISOString()).toBe(
      new Date(expected).toISOString(),
    );
  });

  it("is strictly after the given time, and null for what never or cannot match", () => {
    const exact = at(1, 2, 11, 0);
    expect(nextCronRun("0 * * * *", exact)).toBe(at(1, 2, 12, 0));
    expect(nextCronRun("0 0 31 2 *", after)).toBeNull();
    expect(nextCronRun("0 3 * *", after)).toBeNull();
  });
});
