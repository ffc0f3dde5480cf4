/**
 * What clients saw during a reload, measured rather than assumed: while a config job reloads
 * (and, on failure, rolls back and reloads again), the agent connects to every listener that
 * accepted connections just before, once every WATCH_INTERVAL_MS, and counts the attempts that
 * failed. The job output then says "no connection to X was refused" or for how long it was.
 */
import { setTimeout as sleep } from "node:timers/promises";
import { connectHost, type Listener } from "../../parsers/listeners";
import { connectOnce } from "./connect";

export const WATCH_INTERVAL_MS = 20;
const CONNECT_TIMEOUT_MS = 250;
/** Watching more listeners than this would itself be a load on the daemon. */
const MAX_WATCHED = 8;

interface Tally {
  listener: Listener;
  attempts: number;
  failed: number;
  reasons: Set<string>;
  firstFailedMs?: number;
  lastFailedMs?: number;
}

export interface RefusalWatch {
  /** Stops watching; one line per watched listener saying what its clients saw. */
  stop(): Promise<string[]>;
}

function summary(tally: Tally): string {
  const { listener, attempts, failed, firstFailedMs = 0, lastFailedMs = 0 } = tally;
  const every = `one every ${WATCH_INTERVAL_MS} ms`;
  if (failed === 0) {
    return `no connection to ${listener.name} was refused (${attempts} attempts, ${every})`;
  }
  const how = [...tally.reasons].every((why) => why === "ECONNREFUSED")
    ? "refused"
    : `refused or unanswered (${[...tally.reasons].join(", ")})`;
  const forMs = lastFailedMs - firstFailedMs + WATCH_INTERVAL_MS;
  return `connections to ${listener.name} were ${how} for about ${forMs} ms (${failed} of ${attempts} attempts, ${every}, the first ${firstFailedMs} ms after the reload began)`;
}

/** Starts watching the listeners of `listeners` that accept connections now. */
export async function watchRefusals(listeners: readonly Listener[]): Promise<RefusalWatch> {
  const reachable = listeners.filter((listener) => !listener.transparent).slice(0, MAX_WATCHED);
  const accepting = await Promise.all(
    reachable.map(async (listener) =>
      (await connectOnce(connectHost(listener), listener.port, CONNECT_TIMEOUT_MS)) === null
        ? listener
        : null,
    ),
  );
  const tallies: Tally[] = accepting
    .filter((listener): listener is Listener => listener !== null)
    .map((listener) => ({ listener, attempts: 0, failed: 0, reasons: new Set() }));
  const startedAt = performance.now();
  let running = true;
  const attempt = async (tally: Tally) => {
    const { listener } = tally;
    const at = Math.round(performance.now() - startedAt);
    const why = await connectOnce(connectHost(listener), listener.port, CONNECT_TIMEOUT_MS);
    tally.attempts++;
    if (why === null) return;
    tally.failed++;
    tally.reasons.add(why);
    tally.firstFailedMs ??= at;
    tally.lastFailedMs = at;
  };
  const loop = (async () => {
    while (running && tallies.length > 0) {
      await Promise.all(tallies.map(attempt));
      await sleep(WATCH_INTERVAL_MS);
    }
  })();
  return {
    async stop() {
      running = false;
      await loop;
      if (tallies.length === 0) {
        return [
          "clients were not watched: no listener of the previous configuration accepted connections before the reload",
        ];
      }
      return tallies.map(summary);
    },
  };
}
