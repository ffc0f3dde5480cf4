/**
 * Scheduled jobs with croner's own timers and matching, on a fake clock (timers and Date): the
 * clock is set a moment before a match and moved on, so a task fires within the test.
 */
import { afterEach, describe, expect, it, vi } from "vitest";
import { Refused, Unavailable } from "../../agent/control-plane";
import { createLogger } from "../../agent/log";
import { FIRE_RETRY_WINDOW_MS, type FireClient, Scheduler } from "../../agent/schedules";
import type { FireSchedule, JobSchedule } from "../../shared/index";

const scheduler: Scheduler[] = [];
afterEach(async () => {
  for (const one of scheduler.splice(0)) await one.stop();
  vi.useRealTimers();
});

/** A fake clock at `iso`: croner's timers and Date both follow it. */
function clockAt(iso: string) {
  vi.useFakeTimers({ toFake: ["setTimeout", "clearTimeout", "Date"] });
  vi.setSystemTime(new Date(iso));
}

function setup(answers: (Error | null)[] = [], now = Date.now) {
  const fires: { scheduleId: string; firedAt: number }[] = [];
  const lines: Record<string, unknown>[] = [];
  const sleeps: number[] = [];
  const client: FireClient = {
    async fireSchedule(scheduleId: string, fire: FireSchedule) {
      fires.push({ scheduleId, ...fire });
      const answer = answers.shift();
      if (answer) throw answer;
      return { job: { id: `job-${fires.length}`, kind: "haproxy.backup", status: "queued" } };
    },
  };
  const controller = new AbortController();
  const one = new Scheduler({
    client,
    log: createLogger({ level: "debug", write: (line) => lines.push(JSON.parse(line)) }),
    signal: controller.signal,
    random: () => 0.5,
    now,
    sleep: async (ms) => {
      sleeps.push(ms);
    },
  });
  scheduler.push(one);
  return { scheduler: one, fires, lines, sleeps, controller };
}

const backup = (id: string, cron: string): JobSchedule => ({ id, kind: "haproxy.backup", cron });

describe("scheduled jobs", () => {
  it("a task that fires asks the control plane for the job, with the minute it matched", async () => {
    clockAt("2026-03-01T02:59:58Z");
    const { scheduler, fires } = setup();
    scheduler.update([backup("sch-1", "0 3 * * *")]);
    await vi.advanceTimersByTimeAsync(1_000);
    expect(fires).toEqual([]);
    await vi.advanceTimersByTimeAsync(1_500);
    expect(fires).toEqual([{ scheduleId: "sch-1", firedAt: Date.parse("2026-03-01T03:00:00Z") }]);
    await vi.advanceTimersByTimeAsync(5 * 60_000);
    expect(fires).toHaveLength(1); // once per match, not once per tick
  });

  it("after a stall fires once, for the minute that matched, not the minute it woke in", async () => {
    clockAt("2026-03-01T02:59:50Z");
    const { scheduler, fires } = setup();
    scheduler.update([backup("sch-1", "0 3 * * *")]);
    vi.setSystemTime(new Date("2026-03-01T03:02:10Z")); // the process was frozen meanwhile
    await vi.advanceTimersByTimeAsync(30_000);
    expect(fires).toEqual([{ scheduleId: "sch-1", firedAt: Date.parse("2026-03-01T03:00:00Z") }]);
    expect(scheduler.nextRun("sch-1")?.toISOString()).toBe("2026-03-02T03:00:00.000Z");
  });

  it("arms in UTC whatever the host's time zone", () => {
    const zone = process.env.TZ;
    process.env.TZ = "Asia/Kolkata"; // UTC+5:30
    try {
      clockAt("2026-03-01T00:00:00Z");
      const { scheduler } = setup();
      scheduler.update([backup("sch-utc", "30 3 * * *")]);
      expect(scheduler.nextRun("sch-utc")?.toISOString()).toBe("2026-03-01T03:30:00.000Z");
    } finally {
      if (zone === undefined) delete process.env.TZ;
      else process.env.TZ = zone;
    }
  });

  it("re-arms only when the list changes, and stops its timers on stop", async () => {
    clockAt("2026-03-01T00:00:00Z");
    const { scheduler, lines } = setup();
    const list = [backup("a", "0 3 * * *"), backup("b", "0 4 * * *")];
    scheduler.update(list);
    scheduler.update([...list].reverse()); // same schedules, other order
    expect(lines.filter((line) => line.msg === "schedules armed")).toHaveLength(1);
    expect(vi.getTimerCount()).toBe(2); // one timer per schedule

    scheduler.update([backup("a", "0 5 * * *")]);
    expect(scheduler.armed()).toEqual(["a"]);
    expect(scheduler.nextRun("a")?.toISOString()).toBe("2026-03-01T05:00:00.000Z");
    expect(scheduler.nextRun("b")).toBeNull();
    expect(vi.getTimerCount()).toBe(1);

    await scheduler.stop();
    expect(scheduler.armed()).toEqual([]);
    expect(vi.getTimerCount()).toBe(0);
  });

  it("skips an expression the API would refuse, arming the others", () => {
    const { scheduler, lines } = setup();
    scheduler.update([backup("bad", "61 * * * *"), backup("good", "0 3 * * *")]);
    expect(scheduler.armed()).toEqual(["good"]);
    expect(
      lines.find((line) => line.msg === "schedule not armed: its cron expression is refused"),
    ).toMatchObject({
      scheduleId: "bad",
      cron: "61 * * * *",
      reason: 'cron expression minute "61": values must be 0–59',
    });
  });

  it("retries a fire while the control plane is unavailable, with the same minute", async () => {
    const down = new Unavailable("control plane answered 503", 503);
    const minute = Date.parse("2026-03-01T03:00:00Z");
    const { scheduler, fires, sleeps } = setup([down, down], () => minute + 45_000);
    await scheduler.fireNow(backup("sch-1", "0 3 * * *"), new Date("2026-03-01T03:00:42.5Z"));
    expect(fires).toEqual([1, 2, 3].map(() => ({ scheduleId: "sch-1", firedAt: minute })));
    expect(sleeps).toEqual([500, 1000]);
  });

  it("stops retrying once the fired minute is older than the retry window", async () => {
    const down = new Unavailable("control plane answered 503", 503);
    const minute = Date.parse("2026-03-01T03:00:00Z");
    const late = () => minute + FIRE_RETRY_WINDOW_MS + 1;
    const { scheduler, fires, sleeps, lines } = setup([down, down], late);
    await scheduler.fireNow(backup("sch-1", "0 3 * * *"), new Date(minute));
    expect(fires).toHaveLength(1);
    expect(sleeps).toEqual([]);
    expect(lines.find((line) => line.msg === "schedule fire failed")).toMatchObject({
      scheduleId: "sch-1",
      firedAt: minute,
    });
  });

  it("gives up on a refused fire (the schedule was deleted meanwhile)", async () => {
    const { scheduler, fires, lines } = setup([
      new Refused(404, "not_found", "Schedule sch-1 does not exist"),
    ]);
    await scheduler.fireNow(backup("sch-1", "0 3 * * *"));
    expect(fires).toHaveLength(1);
    expect(lines.find((line) => line.msg === "schedule fire failed")).toMatchObject({
      code: "not_found",
    });
  });
});
