/**
 * The heartbeat loop: collect the probes, send a beat, wait `intervalMs` from the answer. An
 * unavailable control plane (no answer, 408, 429, 5xx) is retried within 2 s with jitter, below
 * the failover delay's 3 s floor, so a healthy member is heard again as soon as the control plane
 * is back; a refusal backs off to 30 s, is logged once per distinct code with what to fix, and
 * the loop keeps going. Each answer is handed to `onAnswer` (jobs, schedules, status table requests), whose
 * work runs beside the loop. Each beat carries the round-trip of the previous accepted one
 * (`rttMs`), timed on a monotonic clock. Ends when the signal aborts.
 */
import { setTimeout as sleepTimer } from "node:timers/promises";
import {
  DEFAULT_HEARTBEAT_INTERVAL_MS,
  HEARTBEAT_RTT_MAX_MS,
  Heartbeat,
  type HeartbeatResponse,
} from "../shared/agent-protocol";
import { LOST_BEATS_CHASED, NoAnswer, Refused, Unavailable } from "./control-plane";
import { type Logger, reason } from "./log";
import type { Probe } from "./probes/probe";
import type { Wake } from "./wake";

export const BACKOFF_BASE_MS = 1_000;
export const BACKOFF_CAP_MS = 30_000;
const DEFAULT_PROBE_TIMEOUT_MS = 500;

/** Full jitter: a random delay in [0, min(cap, base·2^attempt)); attempt 0 is the first failure. */
export function backoffDelay(attempt: number, random: () => number = Math.random): number {
  const ceiling = Math.min(BACKOFF_CAP_MS, BACKOFF_BASE_MS * 2 ** Math.min(attempt, 30));
  return Math.floor(random() * ceiling);
}

/**
 * The longest an agent waits before retrying an unavailable control plane. It must stay below
 * the smallest failover delay (3 s): after an outage the coordinator judges a member by a full
 * delay from when it could hear it again, and an agent still sleeping past that looks dead.
 */
export const HEARTBEAT_RETRY_CAP_MS = 2_000;
/**
 * The first retry comes within a quarter second: after a short network blip the heartbeat that
 * gets through first is what keeps a healthy active from looking silent for a failover delay.
 */
export const HEARTBEAT_RETRY_BASE_MS = 250;

/**
 * Equal jitter for heartbeat retries: half the ceiling fixed, half random, so members spread out
 * after an outage without any of them retrying at once in a tight loop.
 */
export function heartbeatRetryDelay(attempt: number, random: () => number = Math.random): number {
  const base = HEARTBEAT_RETRY_BASE_MS * 2 ** Math.min(attempt, 30);
  const ceiling = Math.min(HEARTBEAT_RETRY_CAP_MS, base);
  return Math.floor(ceiling / 2 + random() * (ceiling / 2));
}

/** What to fix for each refusal code the control plane gives agents. */
export const REFUSAL_FIXES: Record<string, string> = {
  bad_secret: "rotate the member's secret and update BATON_TOKEN",
  ip_not_allowed: "add this host's egress IP to the member's allowed IPs",
  hostname_mismatch: "set BATON_HOSTNAME to the member's hostname, or change the member's hostname",
  unsupported_protocol: "update the agent: the control plane no longer speaks its protocol",
};

export interface HeartbeatClient {
  heartbeat(report: Heartbeat, signal?: AbortSignal): Promise<HeartbeatResponse>;
}

export interface LoopOptions {
  client: HeartbeatClient;
  hostname: string;
  agentVersion: string;
  probes: Probe[];
  log: Logger;
  signal: AbortSignal;
  /** Until the control plane says otherwise. */
  intervalMs?: number;
  random?: () => number;
  sleep?: (ms: number, signal: AbortSignal) => Promise<void>;
  /** Ends a wait early for an out-of-cycle beat (a service changed). */
  wake?: Wake;
  /**
   * Each accepted answer (jobs, schedules, wants). Must return at once: whatever it starts runs
   * beside the loop, so a job or an upload never delays a beat.
   */
  onAnswer?: (answer: HeartbeatResponse) => void;
  /** The job running now, sent as `runningJob` in each beat. */
  runningJob?: () => Heartbeat["runningJob"];
  /** A monotonic clock in ms for round-trips (default `performance.now`: wall-clock jumps never show). */
  monotonicMs?: () => number;
}

/** A beat's round-trip as the heartbeat reports it: whole ms, within the protocol's bounds. */
export function roundTripMs(sentAt: number, answeredAt: number): number {
  return Math.min(HEARTBEAT_RTT_MAX_MS, Math.max(0, Math.round(answeredAt - sentAt)));
}

/** Sleeps `ms`, or less when `signal` aborts (never throws). */
export async function defaultSleep(ms: number, signal: AbortSignal): Promise<void> {
  try {
    await sleepTimer(ms, undefined, { signal });
  } catch {
    // aborted: the loop checks the signal
  }
}

function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} took longer than ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

const HeartbeatSections = Heartbeat.partial();

/**
 * Runs every probe (each with its timeout) and merges their sections over the identity. A probe
 * that fails, times out or returns something off-contract is left out of this beat; its failure
 * is logged when it starts failing, not on every beat.
 */
export async function collectReport(
  base: Pick<Heartbeat, "hostname" | "agentVersion">,
  probes: Probe[],
  log: Logger,
  failing: Set<string> = new Set(),
): Promise<Heartbeat> {
  const results = await Promise.allSettled(
    probes.map((probe) =>
      withTimeout(
        Promise.resolve().then(() => probe.collect()),
        probe.timeoutMs ?? DEFAULT_PROBE_TIMEOUT_MS,
        `probe ${probe.name}`,
      ).then((section) => {
        const parsed = HeartbeatSections.safeParse(section);
        if (!parsed.success) {
          const issue = parsed.error.issues[0];
          throw new Error(`off-contract ${issue?.path.join(".")}: ${issue?.message}`);
        }
        return parsed.data;
      }),
    ),
  );
  const report: Heartbeat = { ...base };
  for (const [index, result] of results.entries()) {
    const name = probes[index]?.name ?? String(index);
    if (result.status === "fulfilled") {
      Object.assign(report, result.value, base);
      if (failing.delete(name)) log.info("probe recovered", { probe: name });
    } else if (!failing.has(name)) {
      failing.add(name);
      log.warn("probe failed; left out of heartbeats until it recovers", {
        probe: name,
        reason: reason(result.reason),
      });
    }
  }
  return report;
}

/** Runs until `signal` aborts. Never throws for control plane failures. */
export async function runLoop(options: LoopOptions): Promise<void> {
  const { client, log, signal, probes } = options;
  const random = options.random ?? Math.random;
  const sleep = options.sleep ?? defaultSleep;
  const monotonicMs = options.monotonicMs ?? (() => performance.now());
  const base = { hostname: options.hostname, agentVersion: options.agentVersion };
  let intervalMs = options.intervalMs ?? DEFAULT_HEARTBEAT_INTERVAL_MS;
  let failures = 0;
  let connected = false;
  const refusedCodes = new Set<string>();
  const failingProbes = new Set<string>();
  /** The previous beat's round-trip; none after a failed beat (it had no answer to time). */
  let lastRttMs: number | undefined;

  log.info("agent started", { hostname: options.hostname, agentVersion: options.agentVersion });
  while (!signal.aborted) {
    let delay: number;
    try {
      const report = await collectReport(base, probes, log, failingProbes);
      if (signal.aborted) break;
      const runningJob = options.runningJob?.();
      if (runningJob) report.runningJob = runningJob;
      if (lastRttMs !== undefined) report.rttMs = lastRttMs;
      lastRttMs = undefined;
      const sentAt = monotonicMs();
      const answer = await client.heartbeat(report, signal);
      lastRttMs = roundTripMs(sentAt, monotonicMs());
      if (!connected) log.info("heartbeat accepted", { intervalMs: answer.intervalMs });
      connected = true;
      failures = 0;
      refusedCodes.clear(); // a refusal coming back after a fix is news again
      intervalMs = answer.intervalMs;
      handOver(answer, options, log);
      delay = intervalMs;
    } catch (error) {
      if (signal.aborted) break;
      connected = false;
      // A beat nobody answered was lost on the way (a blip): the next goes at once, on fresh
      // connections, for the first few. A refused connection or an error status backs off.
      delay =
        error instanceof Refused
          ? backoffDelay(failures, random)
          : error instanceof NoAnswer && failures < LOST_BEATS_CHASED
            ? 0
            : heartbeatRetryDelay(failures, random);
      failures += 1;
      if (error instanceof Refused) {
        if (!refusedCodes.has(error.code)) {
          refusedCodes.add(error.code);
          log.error("heartbeat refused", {
            code: error.code,
            status: error.status,
            reason: error.message,
            fix: REFUSAL_FIXES[error.code] ?? "see the control plane's message",
          });
        }
      } else if (error instanceof Unavailable) {
        log.warn("control plane unavailable", {
          reason: error.message,
          attempt: failures,
          retryInMs: delay,
        });
      } else {
        log.error("heartbeat failed", { reason: reason(error), retryInMs: delay });
      }
    }
    if (options.wake) await options.wake.sleep(delay, signal, sleep);
    else await sleep(delay, signal);
  }
  log.info("agent stopping");
}

/** Gives the answer to its consumer; a consumer's bug is logged, never allowed to stop the loop. */
function handOver(answer: HeartbeatResponse, options: LoopOptions, log: Logger): void {
  try {
    options.onAnswer?.(answer);
  } catch (error) {
    log.error("heartbeat answer not handled", { reason: reason(error) });
  }
}
