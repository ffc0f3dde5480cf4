import type { Heartbeat } from "../../shared/agent-protocol";

/** One section of the heartbeat, collected fresh for every beat. */
export interface Probe {
  name: string;
  /** How long one collect may take before the beat goes without it (default 500 ms). */
  timeoutMs?: number;
  collect(): Promise<Partial<Heartbeat>>;
}
