import type { ControlPlane } from "./control-plane.mjs";
import type { PdnsServer } from "./pdns.mjs";

export const ZONE: string;
export const IP_A: string;
export const IP_B: string;

export type ActiveState = "active" | "inactive" | "failed" | "activating" | "reloading";

export interface HeartbeatFailure {
  at: number;
  status: number | string;
  body: string;
}

export const TEST_TRANSPORT: "http" | "ws";

export class SimulatedAgent {
  constructor(options: {
    url: string;
    hostname: string;
    secret: string;
    publicIp: string;
    activeState?: ActiveState;
    intervalMs?: number;
    /** Default: BATON_TEST_TRANSPORT ("ws") or "http". */
    transport?: "http" | "ws";
  });
  readonly hostname: string;
  activeState: ActiveState;
  lastSentAt: number | null;
  ok: number;
  failures: HeartbeatFailure[];
  start(): this;
  setActiveState(state: ActiveState): Promise<{ sentAt: number | null; status: number | string }>;
  stop(): Promise<number | null>;
}

export interface DigAnswer {
  startedAt: number;
  endedAt: number;
  /** Sorted addresses; null when dig failed (see error). */
  answer: string[] | null;
  error?: string;
}

export interface Watch {
  /** When the first dig whose answer matched ended; null if none did in time. */
  seenAt: number | null;
  answer: string[] | null;
  history: DigAnswer[];
}

export function watchDns(
  port: number,
  name: string,
  options: { until: (answer: string[]) => boolean; timeoutMs: number; intervalMs?: number },
): Promise<Watch>;
export function answers(ip: string): (answer: string[]) => boolean;
export function waitFor<T>(
  what: string,
  check: () => Promise<T> | T,
  options?: { timeoutMs?: number; intervalMs?: number },
): Promise<T>;

export interface PoolEvent {
  id: string;
  type: string;
  memberId: string | null;
  actor: string;
  message: string;
  data: Record<string, unknown>;
  at: number;
}
export function poolEvents(plane: ControlPlane, poolId: string, type: string): Promise<PoolEvent[]>;

export interface ScenarioEnv {
  plane: ControlPlane;
  pdns: PdnsServer;
  /** The pools' failover delay, seconds (3 for fast runs). */
  delayS: number;
}

export interface RunMember {
  id: string;
  hostname: string;
  publicIp: string;
  agent: SimulatedAgent;
}

export interface FailoverSetup {
  pool: { id: string; name: string; failoverHostname: string };
  /** lb<tag>.example.com */
  hostname: string;
  a: RunMember;
  b: RunMember;
  agents: SimulatedAgent[];
}

export function createFailoverPool(env: ScenarioEnv, tag: string | number): Promise<FailoverSetup>;
export function makeAActiveBReady(
  env: ScenarioEnv,
  setup: FailoverSetup,
): Promise<{ firstAnswer: string[] | null; beforeB: DigAnswer[] }>;
export function stopAgents(setup: FailoverSetup): Promise<void>;

interface RunResult extends FailoverSetup {
  /** What the name answered first, once A was heard from. */
  firstAnswer: string[] | null;
  history: DigAnswer[];
}

export interface HeartbeatLossResult extends RunResult {
  lastSentAt: number;
  /** A's last heartbeat sent + the failover delay. */
  deadline: number;
  seenAt: number | null;
  /** seenAt − deadline. */
  latencyMs: number | null;
}
export function heartbeatLossRun(
  env: ScenarioEnv,
  tag: string | number,
): Promise<HeartbeatLossResult>;

export interface ServiceDownResult extends RunResult {
  /** When the heartbeat reporting "inactive" was sent. */
  sentAt: number | null;
  reportStatus: number | string;
  seenAt: number | null;
  /** seenAt − sentAt. */
  latencyMs: number | null;
}
export function serviceDownRun(env: ScenarioEnv, tag: string | number): Promise<ServiceDownResult>;

export interface NoReadyStandbyResult extends RunResult {
  standbyReport: { sentAt: number | null; status: number | string };
  lastSentAt: number;
  deadline: number;
}
export function noReadyStandbyRun(
  env: ScenarioEnv,
  tag: string | number,
  holdMs?: number,
): Promise<NoReadyStandbyResult>;
