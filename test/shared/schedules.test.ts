import { describe, expect, it } from "vitest";
import { cronProblem, PutSchedules } from "../../shared/schedules";

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
    ["*/0 * * * *", 'minute "*/0": a step must be /n with n ≥ 1'],
    ["0 5-1 * * *", 'hour "5-1": a range must go from low to high'],
    ["0 1-2-3 * * *", 'hour "1-2-3": a range is a-b'],
    ["0 x * * *", 'hour "x": values must be 0–23'],
    ["0 0 * foo *", 'month "foo": values must be 1–12'],
  ])("%s → %s", (expression, expected) => {
    expect(cronProblem(expression)).toBe(expected);
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
