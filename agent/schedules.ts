/**
 * Scheduled jobs: one cron task per schedule the heartbeat answer lists, in UTC, armed with the
 * grammar the API validated it with (shared/cron.ts). A task that fires asks the control plane to queue the job (`POST /schedules/:id/fire`) with the minute it
 * fired; the job then comes back in a heartbeat like any other. The control plane queues one job
 * per schedule and minute, so a retried fire is harmless. Tasks are re-armed only when the list
 * changes, so an unchanged list on every beat costs a string comparison.
 */

import type { FiredSchedule, FireSchedule, JobSchedule } from "../shared/agent-protocol";
import { type CronTask, startCron } from "../shared/cron";
import { Refused } from "./control-plane";
import { type Logger, reason } from "./log";
import { backoffDelay, defaultSleep } from "./loop";

const MINUTE_MS = 60_000;
/** A fire is retried this long: past it, the next match is closer than the missed one matters. */
export const FIRE_RETRY_WINDOW_MS = 5 * MINUTE_MS;

export interface FireClient {
  fireSchedule(
    scheduleId: string,
    fire: FireSchedule,
    signal?: AbortSignal,
  ): Promise<FiredSchedule>;
}

export interface SchedulerOptions {
  client: FireClient;
  log: Logger;
  /** The agent's lifetime: tasks stop and retries end when it aborts. */
  signal: AbortSignal;
  random?: () => number;
  sleep?: (ms: number, signal: AbortSignal) => Promise<void>;
  now?: () => number;
}

/** The minute a task fired in, as epoch ms: the control plane's idempotency key for the fire. */
export function firedMinute(date: Date): number {
  return Math.floor(date.getTime() / MINUTE_MS) * MINUTE_MS;
}

export class Scheduler {
  private tasks = new Map<string, CronTask>();
  private armedKey = "[]";
  private readonly fires = new Set<Promise<void>>();

  constructor(private readonly options: SchedulerOptions) {}

  /** Arms the listed schedules, replacing the previous ones when the list differs. */
  update(schedules: JobSchedule[]): void {
    if (this.options.signal.aborted) return;
    const key = JSON.stringify(
      [...schedules].sort((a, b) => (a.id < b.id ? -1 : 1)).map((s) => [s.id, s.kind, s.cron]),
    );
    if (key === this.armedKey) return;
    this.disarm();
    this.armedKey = key;
    for (const schedule of schedules) this.arm(schedule);
    this.options.log.info("schedules armed", {
      schedules: [...this.tasks.keys()],
      skipped: schedules.length - this.tasks.size,
    });
  }

  /** Ids of the schedules armed now. */
  armed(): string[] {
    return [...this.tasks.keys()];
  }

  /** When an armed schedule next fires, or null if it is not armed. */
  nextRun(scheduleId: string): Date | null {
    return this.tasks.get(scheduleId)?.nextRun() ?? null;
  }

  /** Stops every task and waits for fires in flight (their retries end with the signal). */
  async stop(): Promise<void> {
    this.disarm();
    await Promise.all(this.fires);
  }

  /** Runs the schedule's fire as if its cron had matched now (what each task runs). */
  fireNow(schedule: JobSchedule, at: Date = new Date()): Promise<void> {
    const fire = this.fire(schedule, firedMinute(at));
    this.fires.add(fire);
    return fire.finally(() => this.fires.delete(fire));
  }

  private arm(schedule: JobSchedule): void {
    try {
      const task = startCron(schedule.cron, (minute) => {
        void this.fireNow(schedule, new Date(minute));
      });
      this.tasks.set(schedule.id, task);
    } catch (error) {
      // Only a schedule stored before the API checked with this grammar gets here.
      this.options.log.error("schedule not armed: its cron expression is refused", {
        scheduleId: schedule.id,
        cron: schedule.cron,
        reason: reason(error),
      });
    }
  }

  private disarm(): void {
    for (const task of this.tasks.values()) task.stop();
    this.tasks.clear();
    this.armedKey = "[]";
  }

  private async fire(schedule: JobSchedule, firedAt: number): Promise<void> {
    const { client, log, signal } = this.options;
    const now = this.options.now ?? Date.now;
    const sleep = this.options.sleep ?? defaultSleep;
    for (let attempt = 0; !signal.aborted; attempt++) {
      try {
        const { job } = await client.fireSchedule(schedule.id, { firedAt }, signal);
        log.info("schedule fired", {
          scheduleId: schedule.id,
          kind: schedule.kind,
          firedAt,
          jobId: job.id,
        });
        return;
      } catch (error) {
        if (signal.aborted) return;
        const giveUp = error instanceof Refused || now() - firedAt > FIRE_RETRY_WINDOW_MS;
        const delay = backoffDelay(attempt, this.options.random);
        log.warn(giveUp ? "schedule fire failed" : "schedule fire failed; retrying", {
          scheduleId: schedule.id,
          firedAt,
          reason: reason(error),
          ...(error instanceof Refused ? { code: error.code } : {}),
          ...(giveUp ? {} : { retryInMs: delay }),
        });
        if (giveUp) return;
        await sleep(delay, signal);
      }
    }
  }
}
