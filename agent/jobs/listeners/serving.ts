/**
 * After a reload: does the service serve what the config declares? Every listener must accept a
 * TCP connection (a wildcard through loopback) and the local probe (BATON_PROBE_URL), when one
 * is configured, must get an answer below 500, within a bounded wait. A reload that leaves a
 * listener closed or the frontend answering 503 is not a success, whatever the daemon says.
 */
import { setTimeout as sleep } from "node:timers/promises";
import { connectHost, type Listener } from "../../parsers/listeners";
import { serveProbe } from "../../probes/serve";
import { connectOnce } from "./connect";

/** How long a reloaded service has to accept on every listener and pass the probe. */
export const SERVING_WAIT_MS = 3_000;
const RETRY_MS = 100;
const CONNECT_TIMEOUT_MS = 500;

/** What is wrong now: one sentence per listener that does not accept, and the probe's. */
async function problemsNow(listeners: readonly Listener[], probeUrl?: string): Promise<string[]> {
  const checked = listeners.filter((listener) => !listener.transparent);
  const refused = await Promise.all(
    checked.map(async (listener) => {
      const why = await connectOnce(connectHost(listener), listener.port, CONNECT_TIMEOUT_MS);
      return (
        why && `listener ${listener.name} did not accept connections after the reload (${why})`
      );
    }),
  );
  const problems = refused.filter((problem): problem is string => Boolean(problem));
  if (probeUrl) {
    const { probe } = await serveProbe({ url: probeUrl }).collect();
    if (probe && !probe.ok) {
      problems.push(
        probe.status
          ? `the local probe ${probeUrl} answered ${probe.status}`
          : `the local probe ${probeUrl} failed (${probe.error ?? "no answer"})`,
      );
    }
  }
  return problems;
}

/**
 * Waits (at most `waitMs`) until every listener accepts and the probe passes; returns what was
 * still wrong at the end (empty: it serves).
 */
export async function servingProblems(
  listeners: readonly Listener[],
  probeUrl: string | undefined,
  waitMs = SERVING_WAIT_MS,
): Promise<string[]> {
  const deadline = Date.now() + waitMs;
  for (;;) {
    const problems = await problemsNow(listeners, probeUrl);
    if (problems.length === 0 || Date.now() >= deadline) return problems;
    await sleep(RETRY_MS);
  }
}
