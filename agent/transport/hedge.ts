/**
 * Heartbeats that get through the moment the network does. A beat lost in a short blip is not
 * waited out: while it has no answer, the same beat goes again every `everyMs` on a fresh
 * connection (a TCP connection whose packets were dropped only retries after 1 s, then 3 s).
 * The first attempt to be answered decides the beat; the others are abandoned.
 */
import { NoAnswer } from "../control-plane";

export interface HedgeOptions {
  /** Start another attempt after this long without an answer. */
  everyMs: number;
  /** Give up on the beat after this long. */
  withinMs: number;
  signal?: AbortSignal;
}

/**
 * Runs `attempt(0)` at once and `attempt(n)` every `everyMs` after while none has been answered,
 * until `withinMs`. An attempt that fails without an answer (its connection refused or reset)
 * only ends itself: the next one starts at once. Anything an attempt resolves to, or throws
 * that is an answer (`isAnswer`: a refusal, an error status), decides the beat. Attempts get a
 * signal that aborts once the beat is decided.
 */
export function hedged<T>(
  attempt: (n: number, signal: AbortSignal) => Promise<T>,
  isAnswer: (error: unknown) => boolean,
  options: HedgeOptions,
): Promise<T> {
  const { everyMs, withinMs } = options;
  const maxAttempts = Math.max(1, Math.ceil(withinMs / everyMs));
  const decided = new AbortController();
  return new Promise<T>((resolve, reject) => {
    let started = 0;
    let running = 0;
    let lastError: unknown = null;
    let timer: NodeJS.Timeout | undefined;

    const finish = (settle: () => void) => {
      if (decided.signal.aborted) return;
      decided.abort();
      clearTimeout(timer);
      clearTimeout(deadline);
      options.signal?.removeEventListener("abort", onAbort);
      settle();
    };
    const next = () => {
      clearTimeout(timer);
      if (decided.signal.aborted || started >= maxAttempts) return;
      const n = started++;
      running += 1;
      if (started < maxAttempts) timer = setTimeout(next, everyMs);
      attempt(n, decided.signal).then(
        (value) => finish(() => resolve(value)),
        (error: unknown) => {
          running -= 1;
          if (isAnswer(error) || options.signal?.aborted) {
            finish(() => reject(error));
            return;
          }
          lastError = error;
          if (running > 0) return;
          if (started < maxAttempts) next();
          else finish(() => reject(error));
        },
      );
    };
    const deadline = setTimeout(
      () =>
        finish(() =>
          reject(
            running > 0 || lastError === null
              ? new NoAnswer(`no answer within ${withinMs} ms`)
              : lastError,
          ),
        ),
      withinMs,
    );
    const onAbort = () => finish(() => reject(options.signal?.reason));
    if (options.signal?.aborted) {
      onAbort();
      return;
    }
    options.signal?.addEventListener("abort", onAbort, { once: true });
    next();
  });
}
