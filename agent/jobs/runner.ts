/**
 * The job runner: jobs from heartbeat answers run one at a time, in arrival order, off the
 * heartbeat loop (a beat never waits for a job). Each job is checked against its kind's payload
 * schema, acknowledged, run with a signal that fires at its timeout or when the agent stops, and
 * reported with its exit code and output tail. Reports are retried until the control plane has
 * them; the journal keeps a restart from running a job twice.
 */
import {
  type Heartbeat,
  type JobDelivery,
  type JobResult,
  parseJobPayload,
} from "../../shared/agent-protocol";
import type { AgentConfig } from "../config";
import { Refused, Unavailable } from "../control-plane";
import { type Logger, reason } from "../log";
import { backoffDelay, defaultSleep } from "../loop";
import type { ServiceManager } from "../services/manager";
import type { JobJournal } from "./journal";
import { OutputTail } from "./output";
import { type JobApi, type JobContext, JobFailed, type JobHandlers } from "./types";

/** Exit code of a job stopped at its timeout (as coreutils' `timeout` reports it). */
export const TIMED_OUT_EXIT_CODE = 124;
/** Exit code of a job interrupted because the agent stopped (SIGTERM's 128 + 15). */
export const INTERRUPTED_EXIT_CODE = 143;
/** Exit code of a job whose payload did not match its kind's schema (a usage error). */
export const INVALID_PAYLOAD_EXIT_CODE = 2;
/** How long a handler may go on after its signal aborted before the runner stops waiting. */
export const ABORT_GRACE_MS = 10_000;

/** The control plane calls the runner makes, and those it lends to handlers. */
export interface RunnerClient {
  ackJob(jobId: string, ack: { startedAt?: number }, signal?: AbortSignal): Promise<void>;
  reportJobResult(jobId: string, result: JobResult, signal?: AbortSignal): Promise<void>;
  uploadBackup(
    service: "haproxy" | "nginx",
    archive: Uint8Array,
    sha256: string,
    jobId: string | undefined,
    signal?: AbortSignal,
  ): Promise<{ id: string }>;
  downloadBackup(
    backupId: string,
    signal?: AbortSignal,
  ): Promise<{ archive: Uint8Array; sha256: string; service: string; origin: string | null }>;
  downloadAgentBundle(signal?: AbortSignal): Promise<Uint8Array>;
  downloadAgentSignature(signal?: AbortSignal): Promise<string>;
  downloadCertificate(
    certId: string,
    signal?: AbortSignal,
  ): Promise<{ id: string; pem: string; sha256: string }>;
}

export interface RunnerOptions {
  client: RunnerClient;
  handlers: JobHandlers;
  journal: JobJournal;
  config: AgentConfig;
  services: ServiceManager;
  log: Logger;
  /** The agent's lifetime: aborting it aborts the running job and ends report retries. */
  signal: AbortSignal;
  /** Called once a job's result is with the control plane (agent.update restarts here). */
  afterReport?: (job: Pick<JobDelivery, "id" | "kind">, result: JobResult) => void;
  abortGraceMs?: number;
  now?: () => number;
  random?: () => number;
  sleep?: (ms: number, signal: AbortSignal) => Promise<void>;
}

type AnyHandler = (payload: unknown, ctx: JobContext) => Promise<void>;

class HandlerIgnoredAbort extends Error {}

export class JobRunner {
  private chain: Promise<void> = Promise.resolve();
  private readonly queued = new Set<string>();
  /** Jobs the control plane cancelled before they started (pushed over the WebSocket). */
  private readonly cancelled = new Set<string>();
  private running: { id: string; startedAt: number } | undefined;
  private readonly now: () => number;
  private readonly sleep: (ms: number, signal: AbortSignal) => Promise<void>;

  constructor(private readonly options: RunnerOptions) {
    this.now = options.now ?? Date.now;
    this.sleep = options.sleep ?? defaultSleep;
  }

  /** Reports what the previous run left unsettled; call once, before the first offer. */
  resume(): void {
    this.enqueue(() => this.settleLeftovers());
  }

  /** Queues the jobs of one heartbeat answer; ids already queued, running or done are skipped. */
  offer(jobs: JobDelivery[]): void {
    for (const job of jobs) {
      if (this.queued.has(job.id) || this.options.journal.has(job.id)) continue;
      this.queued.add(job.id);
      this.enqueue(async () => {
        try {
          if (this.cancelled.delete(job.id)) {
            this.options.log.info("job cancelled before it started", { jobId: job.id });
          } else if (!this.options.signal.aborted) await this.runJob(job);
        } finally {
          this.queued.delete(job.id);
        }
      });
    }
  }

  /**
   * The control plane cancelled `jobId`: a queued one is dropped without running. A running one
   * goes on (its rollback paths assume it ends by itself); the control plane refuses its result.
   */
  cancel(jobId: string): void {
    if (this.queued.has(jobId) && this.running?.id !== jobId) this.cancelled.add(jobId);
  }

  /** The job running now, for the heartbeat's `runningJob`. */
  runningJob(): Heartbeat["runningJob"] {
    return this.running ? { ...this.running } : undefined;
  }

  /** Resolves when everything queued so far has settled (after a stop: promptly). */
  idle(): Promise<void> {
    return this.chain;
  }

  private enqueue(task: () => Promise<void>): void {
    this.chain = this.chain.then(task).catch((error: unknown) => {
      this.options.log.error("job runner error", { reason: reason(error) });
    });
  }

  private async runJob(job: JobDelivery): Promise<void> {
    const { journal, log } = this.options;
    const payload = parseJobPayload(job.kind, job.payload);
    if (!payload.success) {
      const issue = payload.error.issues[0];
      const why = `invalid payload for ${job.kind}: ${issue?.path.join(".") || "payload"}: ${issue?.message}`;
      log.error("job refused", { jobId: job.id, kind: job.kind, reason: why });
      const at = this.now();
      const result = failed(`${why}; the job was not run\n`, INVALID_PAYLOAD_EXIT_CODE, at, at);
      await journal.record({
        id: job.id,
        kind: job.kind,
        state: "finished",
        startedAt: at,
        result,
        reported: false,
      });
      await this.report(job, result);
      return;
    }
    const startedAt = this.now();
    if (!(await this.ack(job, startedAt))) return;
    await journal.record({
      id: job.id,
      kind: job.kind,
      state: "running",
      startedAt,
      reported: false,
    });
    this.running = { id: job.id, startedAt };
    log.info("job started", { jobId: job.id, kind: job.kind, attempt: job.attempt });
    const result = await this.execute(job, payload.data, startedAt);
    this.running = undefined;
    log.info("job finished", {
      jobId: job.id,
      kind: job.kind,
      status: result.status,
      exitCode: result.exitCode,
      durationMs: result.finishedAt - result.startedAt,
    });
    await journal.record({
      id: job.id,
      kind: job.kind,
      state: "finished",
      startedAt,
      result,
      reported: false,
    });
    await this.report(job, result);
  }

  /** True when the control plane agreed to the start; retried while it is unavailable. */
  private async ack(job: JobDelivery, startedAt: number): Promise<boolean> {
    const { client, log, signal } = this.options;
    for (let attempt = 0; !signal.aborted; attempt++) {
      try {
        await client.ackJob(job.id, { startedAt }, signal);
        return true;
      } catch (error) {
        if (error instanceof Refused) {
          // job_finished: cancelled or timed out meanwhile. Not ours to run any more.
          log.warn("job skipped: the control plane refused its start", {
            jobId: job.id,
            kind: job.kind,
            code: error.code,
            reason: error.message,
          });
          return false;
        }
        if (!(error instanceof Unavailable)) return false; // the agent is stopping
        const delay = backoffDelay(attempt, this.options.random);
        log.warn("job ack failed; retrying", {
          jobId: job.id,
          reason: error.message,
          retryInMs: delay,
        });
        await this.sleep(delay, signal);
      }
    }
    return false;
  }

  private async execute(job: JobDelivery, payload: unknown, startedAt: number): Promise<JobResult> {
    const { handlers, log, config, services } = this.options;
    const timeout = AbortSignal.timeout(job.timeoutMs);
    const signal = AbortSignal.any([this.options.signal, timeout]);
    const out = new OutputTail();
    const ctx: JobContext = { job, signal, out, log, config, services, api: this.jobApi(signal) };
    const handler = handlers[job.kind] as AnyHandler;
    let exitCode = 0;
    try {
      await this.untilSettledOrGivenUp(
        Promise.resolve().then(() => handler(payload, ctx)),
        signal,
      );
    } catch (error) {
      if (timeout.aborted) {
        exitCode = TIMED_OUT_EXIT_CODE;
        out.line(`timed out after ${job.timeoutMs} ms (${reason(error)})`);
      } else if (this.options.signal.aborted) {
        exitCode = INTERRUPTED_EXIT_CODE;
        out.line(`interrupted: the agent is stopping (${reason(error)})`);
      } else if (error instanceof JobFailed) {
        exitCode = error.exitCode;
        out.line(`failed: ${error.message}`);
      } else {
        exitCode = 1;
        out.line(`error: ${reason(error)}`);
      }
    }
    // The wall clock may step back mid-job (NTP); the control plane refuses an end before the start.
    const finishedAt = Math.max(this.now(), startedAt);
    if (exitCode !== 0) return failed(out.toString(), exitCode, startedAt, finishedAt);
    return { status: "succeeded", exitCode, outputTail: out.toString(), startedAt, finishedAt };
  }

  /**
   * Waits for the handler, but not forever once its signal has aborted: a handler that ignores
   * the abort would otherwise hold every later job (and the agent's shutdown) hostage.
   */
  private untilSettledOrGivenUp(work: Promise<void>, signal: AbortSignal): Promise<void> {
    const graceMs = this.options.abortGraceMs ?? ABORT_GRACE_MS;
    let timer: NodeJS.Timeout | undefined;
    let onAbort: (() => void) | undefined;
    const givenUp = new Promise<never>((_, reject) => {
      onAbort = () => {
        timer = setTimeout(
          () =>
            reject(
              new HandlerIgnoredAbort(`the job did not stop within ${graceMs} ms of its abort`),
            ),
          graceMs,
        );
      };
      if (signal.aborted) onAbort();
      else signal.addEventListener("abort", onAbort, { once: true });
    });
    return Promise.race([work, givenUp]).finally(() => {
      clearTimeout(timer);
      if (onAbort) signal.removeEventListener("abort", onAbort);
    });
  }

  private jobApi(signal: AbortSignal): JobApi {
    const { client } = this.options;
    return {
      uploadBackup: (service, archive, sha256, jobId) =>
        client.uploadBackup(service, archive, sha256, jobId, signal),
      downloadBackup: (backupId) => client.downloadBackup(backupId, signal),
      downloadAgentBundle: () => client.downloadAgentBundle(signal),
      downloadAgentSignature: () => client.downloadAgentSignature(signal),
      downloadCertificate: (certId) => client.downloadCertificate(certId, signal),
    };
  }

  /**
   * Sends the result until the control plane has it. Each attempt runs to its own timeout even
   * while the agent stops, so a job interrupted by a stop still gets one try; what is left
   * unreported stays in the journal for the next start.
   */
  private async report(job: Pick<JobDelivery, "id" | "kind">, result: JobResult): Promise<void> {
    const { client, journal, log, signal } = this.options;
    for (let attempt = 0; ; attempt++) {
      try {
        await client.reportJobResult(job.id, result);
        log.info("job reported", { jobId: job.id, kind: job.kind, status: result.status });
        break;
      } catch (error) {
        if (error instanceof Refused) {
          log.warn("job result refused; not retrying", {
            jobId: job.id,
            code: error.code,
            reason: error.message,
          });
          break;
        }
        if (signal.aborted) {
          log.warn("job result not reported; it is sent again when the agent starts", {
            jobId: job.id,
            reason: reason(error),
          });
          return;
        }
        const delay = backoffDelay(attempt, this.options.random);
        log.warn("job result not reported yet; retrying", {
          jobId: job.id,
          reason: reason(error),
          retryInMs: delay,
        });
        await this.sleep(delay, signal);
      }
    }
    const entry = journal.get(job.id);
    if (entry) await journal.record({ ...entry, reported: true });
    this.options.afterReport?.(job, result);
  }

  /** A previous run's unsettled jobs: results reported again, interrupted runs reported failed. */
  private async settleLeftovers(): Promise<void> {
    for (const entry of this.options.journal.unsettled()) {
      if (this.options.signal.aborted) return;
      let result = entry.result;
      if (entry.state === "running" || !result) {
        const note =
          "the agent stopped while this job was running; whether it took effect is unknown\n";
        result = failed(note, null, entry.startedAt, Math.max(this.now(), entry.startedAt));
        await this.options.journal.record({ ...entry, state: "finished", result });
      }
      this.options.log.info("reporting a job left from the previous run", {
        jobId: entry.id,
        kind: entry.kind,
        status: result.status,
      });
      await this.report(entry, result);
    }
  }
}

function failed(
  outputTail: string,
  exitCode: number | null,
  startedAt: number,
  finishedAt: number,
): JobResult {
  return { status: "failed", exitCode, outputTail, startedAt, finishedAt };
}
