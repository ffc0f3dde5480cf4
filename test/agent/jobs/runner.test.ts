/**
 * The job runner against an in-memory control plane and handlers defined here: order, redelivery,
 * payload checks, ack refusals, failures, timeouts, report retries and what survives a restart.
 */
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { AgentConfig } from "../../../agent/config";
import { Refused, Unavailable } from "../../../agent/control-plane";
import { JOURNAL_FILE, JobJournal } from "../../../agent/jobs/journal";
import { OutputTail } from "../../../agent/jobs/output";
import {
  INTERRUPTED_EXIT_CODE,
  INVALID_PAYLOAD_EXIT_CODE,
  JobRunner,
  type RunnerClient,
  TIMED_OUT_EXIT_CODE,
} from "../../../agent/jobs/runner";
import { type JobContext, JobFailed, type JobHandlers } from "../../../agent/jobs/types";
import { createLogger } from "../../../agent/log";
import type { ServiceManager } from "../../../agent/services/manager";
import {
  JOB_KINDS,
  type JobDelivery,
  type JobKind,
  type JobResult,
  OUTPUT_TAIL_MAX_CHARS,
} from "../../../shared/index";

type Handler = (payload: unknown, ctx: JobContext) => Promise<void>;

/** Every kind refuses to run unless the test gives it a handler. */
function handlers(overrides: Partial<Record<JobKind, Handler>>): JobHandlers {
  const table: Record<string, Handler> = {};
  for (const kind of JOB_KINDS) {
    table[kind] =
      overrides[kind] ??
      (async () => {
        throw new Error(`${kind} was not expected to run`);
      });
  }
  return table as unknown as JobHandlers;
}

/** The control plane's job endpoints, scripted: each call may be answered by an Error to throw. */
class FakePlane implements RunnerClient {
  readonly calls: string[] = [];
  readonly results = new Map<string, JobResult>();
  ackErrors: Error[] = [];
  reportErrors: Error[] = [];

  async ackJob(jobId: string): Promise<void> {
    this.calls.push(`ack ${jobId}`);
    const error = this.ackErrors.shift();
    if (error) throw error;
  }
  async reportJobResult(jobId: string, result: JobResult): Promise<void> {
    this.calls.push(`result ${jobId}`);
    const error = this.reportErrors.shift();
    if (error) throw error;
    this.results.set(jobId, result);
  }
  async uploadBackup(): Promise<{ id: string }> {
    throw new Error("not used");
  }
  async downloadBackup(): Promise<never> {
    throw new Error("not used");
  }
  async downloadAgentBundle(): Promise<Uint8Array> {
    throw new Error("not used");
  }
  async downloadAgentSignature(): Promise<string> {
    throw new Error("not used");
  }
  async downloadCertificate(): Promise<never> {
    throw new Error("not used");
  }
}

function job(
  id: string,
  kind: JobKind = "haproxy.reload",
  extra: Partial<JobDelivery> = {},
): JobDelivery {
  return {
    id,
    kind,
    payload: {},
    timeoutMs: 60_000,
    deadlineAt: Date.now() + 60_000,
    attempt: 1,
    ...extra,
  };
}

/** Polls `condition` every few ms (at most 2 s). */
async function until(condition: () => boolean): Promise<void> {
  const deadline = Date.now() + 2_000;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error("condition not reached within 2 s");
    await new Promise((resolve) => setTimeout(resolve, 2));
  }
}

let stateDir: string;
beforeEach(async () => {
  stateDir = await mkdtemp(join(tmpdir(), "baton-runner-test-"));
});
afterEach(async () => {
  await rm(stateDir, { recursive: true, force: true });
});

async function setup(
  table: Partial<Record<JobKind, Handler>>,
  options: {
    plane?: FakePlane;
    abortGraceMs?: number;
    controller?: AbortController;
    now?: () => number;
  } = {},
) {
  const plane = options.plane ?? new FakePlane();
  const controller = options.controller ?? new AbortController();
  const lines: Record<string, unknown>[] = [];
  const log = createLogger({ write: (line) => lines.push(JSON.parse(line)) });
  const sleeps: number[] = [];
  const reported: string[] = [];
  const runner = new JobRunner({
    client: plane,
    handlers: handlers(table),
    journal: await JobJournal.open(stateDir, log),
    config: { stateDir } as AgentConfig,
    services: {} as ServiceManager,
    log,
    signal: controller.signal,
    abortGraceMs: options.abortGraceMs,
    now: options.now,
    random: () => 0.5,
    sleep: async (ms) => {
      sleeps.push(ms);
    },
    afterReport: (done) => reported.push(done.id),
  });
  return { runner, plane, lines, sleeps, controller, reported };
}

describe("the job runner", () => {
  it("runs jobs one at a time in arrival order: ack, run, report with the output tail", async () => {
    const order: string[] = [];
    let concurrent = 0;
    const { runner, plane, lines, reported } = await setup({
      "haproxy.reload": async (_payload, ctx) => {
        concurrent += 1;
        expect(concurrent).toBe(1);
        order.push(`start ${ctx.job.id}`);
        ctx.out.line(`reloading for ${ctx.job.id}`);
        await new Promise((resolve) => setTimeout(resolve, 20));
        order.push(`end ${ctx.job.id}`);
        concurrent -= 1;
      },
    });
    runner.offer([job("j1"), job("j2")]);
    runner.offer([job("j3")]);
    await runner.idle();
    expect(order).toEqual(["start j1", "end j1", "start j2", "end j2", "start j3", "end j3"]);
    expect(plane.calls).toEqual([
      "ack j1",
      "result j1",
      "ack j2",
      "result j2",
      "ack j3",
      "result j3",
    ]);
    const result = plane.results.get("j2");
    expect(result).toMatchObject({
      status: "succeeded",
      exitCode: 0,
      outputTail: "reloading for j2\n",
    });
    expect(result?.finishedAt).toBeGreaterThanOrEqual(
      result?.startedAt ?? Number.POSITIVE_INFINITY,
    );
    expect(reported).toEqual(["j1", "j2", "j3"]);
    const started = lines.filter((line) => line.msg === "job started").map((line) => line.jobId);
    const finished = lines.filter((line) => line.msg === "job finished");
    expect(started).toEqual(["j1", "j2", "j3"]);
    expect(finished[0]).toMatchObject({
      jobId: "j1",
      kind: "haproxy.reload",
      status: "succeeded",
      exitCode: 0,
    });
  });

  it("reports a finish no earlier than the start when the wall clock steps back mid-job", async () => {
    const clock = [1_000_000, 940_000]; // NTP moved the clock back a minute while the job ran
    const { runner, plane } = await setup(
      { "haproxy.reload": async () => {} },
      { now: () => clock.shift() ?? 940_000 },
    );
    runner.offer([job("j1")]);
    await runner.idle();
    expect(plane.results.get("j1")).toMatchObject({
      status: "succeeded",
      startedAt: 1_000_000,
      finishedAt: 1_000_000,
    });
  });

  it("runs a redelivered job once, whether it is queued, running or finished", async () => {
    let runs = 0;
    const release = new Map<string, () => void>();
    const { runner, plane } = await setup({
      "haproxy.reload": (_payload, ctx) => {
        runs += 1;
        return new Promise<void>((resolve) => release.set(ctx.job.id, resolve));
      },
    });
    runner.offer([job("j1"), job("j2")]);
    await until(() => release.has("j1"));
    expect(runner.runningJob()?.id).toBe("j1");
    runner.offer([job("j1"), job("j2")]); // j1 running, j2 queued
    release.get("j1")?.();
    await until(() => release.has("j2"));
    runner.offer([job("j1"), job("j2")]); // j1 finished, j2 running
    release.get("j2")?.();
    await runner.idle();
    runner.offer([job("j1"), job("j2")]); // both finished
    await runner.idle();
    expect(runs).toBe(2);
    expect(plane.calls).toEqual(["ack j1", "result j1", "ack j2", "result j2"]);
    expect(runner.runningJob()).toBeUndefined();
  });

  it("reports the running job while it runs, with when it started", async () => {
    let seen: ReturnType<JobRunner["runningJob"]>;
    const { runner, plane } = await setup({
      "haproxy.reload": async () => {
        seen = runner.runningJob();
      },
    });
    runner.offer([job("j1")]);
    await runner.idle();
    expect(seen).toEqual({ id: "j1", startedAt: plane.results.get("j1")?.startedAt });
  });

  it("reports an invalid payload failed with the reason and never acks or runs it", async () => {
    let ran = false;
    const { runner, plane } = await setup({
      "haproxy.drain": async () => {
        ran = true;
      },
    });
    runner.offer([job("j1", "haproxy.drain", { payload: { backend: "no spaces allowed" } })]);
    await runner.idle();
    expect(ran).toBe(false);
    expect(plane.calls).toEqual(["result j1"]);
    const result = plane.results.get("j1");
    expect(result).toMatchObject({ status: "failed", exitCode: INVALID_PAYLOAD_EXIT_CODE });
    expect(result?.outputTail).toContain(
      "invalid payload for haproxy.drain: backend: must be an HAProxy backend name",
    );
  });

  it("skips a job whose start the control plane refuses (cancelled meanwhile)", async () => {
    const plane = new FakePlane();
    plane.ackErrors = [new Refused(409, "job_finished", "Job j1 is cancelled: do not run it")];
    let ran = false;
    const { runner, lines } = await setup(
      {
        "haproxy.reload": async () => {
          ran = true;
        },
      },
      { plane },
    );
    runner.offer([job("j1")]);
    await runner.idle();
    expect(ran).toBe(false);
    expect(plane.calls).toEqual(["ack j1"]);
    expect(
      lines.find((line) => line.msg === "job skipped: the control plane refused its start"),
    ).toMatchObject({
      code: "job_finished",
    });
  });

  it("retries the ack while the control plane is unavailable", async () => {
    const plane = new FakePlane();
    plane.ackErrors = [new Unavailable("answered 503", 503), new Unavailable("answered 503", 503)];
    const { runner, sleeps } = await setup({ "haproxy.reload": async () => {} }, { plane });
    runner.offer([job("j1")]);
    await runner.idle();
    expect(plane.calls).toEqual(["ack j1", "ack j1", "ack j1", "result j1"]);
    expect(sleeps).toEqual([500, 1000]);
  });

  it("reports JobFailed with its exit code, any other throw with exit code 1", async () => {
    const { runner, plane } = await setup({
      "haproxy.reload": async (_payload, ctx) => {
        ctx.out.line("checking the config");
        throw new JobFailed("haproxy -c exited 1: unknown keyword 'frontendd'", 3);
      },
      "nginx.reload": async () => {
        throw new TypeError("cannot read properties of undefined");
      },
    });
    runner.offer([job("j1", "haproxy.reload"), job("j2", "nginx.reload")]);
    await runner.idle();
    expect(plane.results.get("j1")).toMatchObject({
      status: "failed",
      exitCode: 3,
      outputTail: "checking the config\nfailed: haproxy -c exited 1: unknown keyword 'frontendd'\n",
    });
    expect(plane.results.get("j2")).toMatchObject({
      status: "failed",
      exitCode: 1,
      outputTail: "error: cannot read properties of undefined\n",
    });
  });

  it("aborts a job at its timeout and reports it failed", async () => {
    const { runner, plane } = await setup({
      "haproxy.reload": (_payload, ctx) =>
        new Promise((_, reject) => {
          ctx.signal.addEventListener("abort", () => reject(new Error("aborted")));
        }),
    });
    runner.offer([job("j1", "haproxy.reload", { timeoutMs: 50 })]);
    await runner.idle();
    expect(plane.results.get("j1")).toMatchObject({
      status: "failed",
      exitCode: TIMED_OUT_EXIT_CODE,
      outputTail: "timed out after 50 ms (aborted)\n",
    });
  });

  it("moves on from a handler that ignores its abort, after the grace period", async () => {
    const { runner, plane } = await setup(
      {
        "haproxy.reload": () => new Promise(() => {}),
        "nginx.reload": async () => {},
      },
      { abortGraceMs: 30 },
    );
    runner.offer([job("j1", "haproxy.reload", { timeoutMs: 20 }), job("j2", "nginx.reload")]);
    await runner.idle();
    expect(plane.results.get("j1")?.outputTail).toContain("did not stop within 30 ms of its abort");
    expect(plane.results.get("j2")?.status).toBe("succeeded");
  });

  it("retries a report on Unavailable with backoff until the control plane has it", async () => {
    const plane = new FakePlane();
    const down = new Unavailable("cannot reach 127.0.0.1: ECONNREFUSED", undefined);
    plane.reportErrors = [down, down, down];
    const { runner, sleeps, reported } = await setup(
      { "haproxy.reload": async () => {} },
      { plane },
    );
    runner.offer([job("j1")]);
    await runner.idle();
    expect(plane.calls).toEqual(["ack j1", "result j1", "result j1", "result j1", "result j1"]);
    expect(sleeps).toEqual([500, 1000, 2000]);
    expect(plane.results.get("j1")?.status).toBe("succeeded");
    expect(reported).toEqual(["j1"]);
  });

  it("gives up on a report the control plane refuses (the job timed out there)", async () => {
    const plane = new FakePlane();
    plane.reportErrors = [new Refused(409, "job_finished", "Job j1 is timed_out")];
    const { runner, lines } = await setup({ "haproxy.reload": async () => {} }, { plane });
    runner.offer([job("j1")]);
    await runner.idle();
    expect(plane.calls).toEqual(["ack j1", "result j1"]);
    expect(lines.some((line) => line.msg === "job result refused; not retrying")).toBe(true);
  });
});

describe("across a restart (the journal under the state directory)", () => {
  it("an interrupted job gets one report try; the next start reports it without running it", async () => {
    const plane = new FakePlane();
    const controller = new AbortController();
    let runs = 0;
    const first = await setup(
      {
        "haproxy.reload": (_payload, ctx) => {
          runs += 1;
          controller.abort(); // SIGTERM while the job runs
          return Promise.reject(ctx.signal.reason);
        },
      },
      { plane, controller },
    );
    plane.reportErrors = [new Unavailable("answered 502", 502)];
    first.runner.offer([job("j1")]);
    await first.runner.idle();
    expect(plane.calls).toEqual(["ack j1", "result j1"]);
    expect(plane.results.has("j1")).toBe(false);

    const second = await setup({}, { plane });
    second.runner.resume();
    second.runner.offer([job("j1")]); // redelivered: must not run again
    await second.runner.idle();
    expect(runs).toBe(1);
    expect(plane.results.get("j1")).toMatchObject({
      status: "failed",
      exitCode: INTERRUPTED_EXIT_CODE,
    });
    expect(plane.results.get("j1")?.outputTail).toContain("interrupted: the agent is stopping");
    expect(second.reported).toEqual(["j1"]);

    const third = await setup({}, { plane });
    third.runner.resume();
    await third.runner.idle();
    expect(plane.calls.filter((call) => call === "result j1")).toHaveLength(2);
  });

  it("a job the agent died in is reported failed, its effect unknown", async () => {
    const log = createLogger({ write: () => {} });
    const crashed = await JobJournal.open(stateDir, log);
    await crashed.record({
      id: "j9",
      kind: "haproxy.reload",
      state: "running",
      startedAt: 1000,
      reported: false,
    });
    const { runner, plane } = await setup({});
    runner.resume();
    await runner.idle();
    expect(plane.calls).toEqual(["result j9"]);
    expect(plane.results.get("j9")).toMatchObject({
      status: "failed",
      exitCode: null,
      startedAt: 1000,
    });
    expect(plane.results.get("j9")?.outputTail).toContain(
      "the agent stopped while this job was running",
    );
  });

  it("a corrupt journal is set aside with a warning, not a crash", async () => {
    const { writeFile } = await import("node:fs/promises");
    await writeFile(join(stateDir, JOURNAL_FILE), "{not json");
    const { runner, plane, lines } = await setup({ "haproxy.reload": async () => {} });
    runner.offer([job("j1")]);
    await runner.idle();
    expect(plane.results.get("j1")?.status).toBe("succeeded");
    expect(lines.some((line) => line.msg === "job journal corrupt; starting empty")).toBe(true);
    const saved = JSON.parse(await readFile(join(stateDir, JOURNAL_FILE), "utf8"));
    expect(saved.jobs).toEqual([
      expect.objectContaining({ id: "j1", state: "finished", reported: true }),
    ]);
  });
});

describe("the output tail", () => {
  it("keeps everything that fits", () => {
    const tail = new OutputTail(100);
    tail.line("one");
    tail.line("two\n");
    expect(tail.toString()).toBe("one\ntwo\n");
  });

  it("keeps the end within the cap and says how much was dropped", () => {
    const tail = new OutputTail(200);
    for (let i = 0; i < 100; i++) tail.line(`line ${String(i).padStart(3, "0")}`);
    const text = tail.toString();
    expect(text.length).toBeLessThanOrEqual(200);
    expect(text.endsWith("line 099\n")).toBe(true);
    const marker = /^\[… (\d+) earlier characters dropped\]\n/.exec(text);
    expect(marker).not.toBeNull();
    // dropped + kept = everything written (100 lines of 9 characters)
    expect(Number(marker?.[1]) + text.length - (marker?.[0].length ?? 0)).toBe(900);
  });

  it("defaults to the control plane's limit", () => {
    const tail = new OutputTail();
    tail.line("x".repeat(OUTPUT_TAIL_MAX_CHARS * 3));
    expect(tail.toString().length).toBeLessThanOrEqual(OUTPUT_TAIL_MAX_CHARS);
  });
});
