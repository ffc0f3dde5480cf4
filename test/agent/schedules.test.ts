/**
 * Scheduled jobs with node-cron's own timers and matching: a six-field (every second) expression
 * makes a task fire within the test, and node-cron's `match` shows the five-field ones run in UTC
 * whatever the host's time zone.
 */
import { getTasks, type ScheduledTask } from "node-cron";
import { afterEach, describe, expect, it } from "vitest";
import { Refused, Unavailable } from "../../agent/control-plane";
import { createLogger } from "../../agent/log";
import {
  FIRE_RETRY_WINDOW_MS,
  type FireClient,
  firedMinute,
  Scheduler,
} from "../../agent/schedules";
import type { FireSchedule, JobSchedule } from "../../shared/index";

const scheduler: Scheduler[] = [];
afterEach(async () => {
  for (const one of scheduler.splice(0)) await one.stop();
});

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

/** node-cron's task for one of our schedules, from its registry. */
function taskFor(scheduleId: string): ScheduledTask | undefined {
  return [...getTasks().values()].find((task) => task.name === `baton-schedule-${scheduleId}`);
}

const backup = (id: string, cron: string): JobSchedule => ({ id, kind: "haproxy.backup", cron });

describe("scheduled jobs", () => {
  it("a task that fires asks the control plane for the job, with the minute it fired", async () => {
    const { scheduler, fires } = setup();
    const before = Date.now();
    scheduler.update([backup("sch-1", "* * * * * *")]);
    const deadline = Date.now() + 3_000;
    while (fires.length === 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    expect(fires.length).toBeGreaterThan(0);
    const fire = fires[0] as { scheduleId: string; firedAt: number };
    expect(fire.scheduleId).toBe("sch-1");
    expect(fire.firedAt % 60_000).toBe(0);
    expect(fire.firedAt).toBe(firedMinute(new Date(fire.firedAt + 59_999)));
    expect(fire.firedAt).toBeGreaterThanOrEqual(firedMinute(new Date(before)));
    expect(fire.firedAt).toBeLessThanOrEqual(Date.now());
  });

  it("arms in UTC whatever the host's time zone", () => {
    const zone = process.env.TZ;
    process.env.TZ = "Asia/Kolkata"; // UTC+5:30
    try {
      const { scheduler } = setup();
      scheduler.update([backup("sch-utc", "30 3 * * *")]);
      const task = taskFor("sch-utc");
      expect(task?.match(new Date("2026-03-01T03:30:00Z"))).toBe(true);
      expect(task?.match(new Date("2026-03-01T22:00:00Z"))).toBe(false); // 03:30 in Kolkata
      expect(task?.getNextRun()?.getUTCHours()).toBe(3);
    } finally {
      if (zone === undefined) delete process.env.TZ;
      else process.env.TZ = zone;
    }
  });

  it("re-arms only when the list changes, and stops its tasks on stop", async () => {
    const { scheduler, lines } = setup();
    const list = [backup("a", "0 3 * * *"), backup("b", "0 4 * * *")];
    scheduler.update(list);
    const first = taskFor("a");
    scheduler.update([...list].reverse()); // same schedules, other order
    expect(taskFor("a")).toBe(first);
    expect(lines.filter((line) => line.msg === "schedules armed")).toHaveLength(1);

    scheduler.update([backup("a", "0 5 * * *")]);
    expect(scheduler.armed()).toEqual(["a"]);
    expect(taskFor("a")).not.toBe(first);
    expect(first?.getStatus()).toBe("destroyed");
    expect(taskFor("b")).toBeUndefined();
    expect(taskFor("a")?.match(new Date("2026-03-01T05:00:00Z"))).toBe(true);

    await scheduler.stop();
    expect(scheduler.armed()).toEqual([]);
    expect(taskFor("a")).toBeUndefined();
  });

  it("skips an expression node-cron refuses, arming the others", () => {
    const { scheduler, lines } = setup();
    scheduler.update([backup("bad", "61 * * * *"), backup("good", "0 3 * * *")]);
    expect(scheduler.armed()).toEqual(["good"]);
    expect(
      lines.find((line) => line.msg === "schedule not armed: node-cron refused its expression"),
    ).toMatchObject({
      scheduleId: "bad",
      cron: "61 * * * *",
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
