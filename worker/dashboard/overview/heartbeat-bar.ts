import { isLate } from "../../failover/standing";

/** What one cell of a heartbeat bar says about its stretch of time. */
export type BeatState = "heard" | "late" | "missed" | "none";

export interface BeatCell {
  from: number;
  to: number;
  state: BeatState;
}

/** 30 cells of 10 s: the last 5 minutes, Uptime Kuma style. */
export const BAR_CELLS = 30;
export const BAR_CELL_MS = 10_000;

export interface BeatBarInput {
  /** The member's heartbeat arrivals, oldest first (the coordinator's log). */
  arrivals: number[];
  /** Since when the coordinator has been listening: before it nothing is known. */
  since: number;
  now: number;
  failoverDelayMs: number;
  cells?: number;
  cellMs?: number;
}

/**
 * A member's heartbeat bar: one cell per stretch of time, ending now, each saying the worst
 * silence in it. Heard: never silent longer than half the failover delay; late: longer than
 * that (as the member's card says); missed: longer than the whole delay (the member counted as
 * offline); none: the coordinator was not listening yet. A silence is measured from the last
 * arrival before each moment, or from `since` when there was none.
 */
export function beatBar(input: BeatBarInput): BeatCell[] {
  const { arrivals, since, now, failoverDelayMs } = input;
  const count = input.cells ?? BAR_CELLS;
  const cellMs = input.cellMs ?? BAR_CELL_MS;
  const cells: BeatCell[] = [];
  for (let i = count - 1; i >= 0; i--) {
    const to = now - i * cellMs;
    const from = to - cellMs;
    cells.push({ from, to, state: cellState(arrivals, since, from, to, failoverDelayMs) });
  }
  return cells;
}

function cellState(
  arrivals: number[],
  since: number,
  from: number,
  to: number,
  delayMs: number,
): BeatState {
  if (to <= since) return "none";
  const start = Math.max(from, since);
  // The longest silence reached inside [start, to): at the end of the cell, or just before
  // each arrival inside it, measured from the arrival before (or `since`).
  let previous: number | null = null;
  let longest = 0;
  for (const at of arrivals) {
    if (at >= to) break;
    if (at >= start) longest = Math.max(longest, at - (previous ?? since));
    previous = at;
  }
  // Not heard at all since the coordinator started listening: missed once a delay has passed.
  if (previous === null) return to - since > delayMs ? "missed" : "none";
  longest = Math.max(longest, to - previous);
  if (longest > delayMs) return "missed";
  return isLate(longest, delayMs) ? "late" : "heard";
}

/** "28 heard, 1 late, 1 missed" for a screen reader. */
export function beatSummary(cells: BeatCell[]): string {
  const counts = new Map<BeatState, number>();
  for (const cell of cells) counts.set(cell.state, (counts.get(cell.state) ?? 0) + 1);
  const words: Record<BeatState, string> = {
    heard: "heard",
    late: "late",
    missed: "missed",
    none: "no data",
  };
  return (["heard", "late", "missed", "none"] as const)
    .filter((state) => counts.has(state))
    .map((state) => `${counts.get(state)} ${words[state]}`)
    .join(", ");
}
