/**
 * Ends the heartbeat loop's wait early: a monitored service started, stopped or died, and the
 * control plane should hear it now rather than at the next interval. A wake-up that arrives
 * while no one waits is kept for the next wait.
 */
export class Wake {
  private waiting: (() => void) | null = null;
  private pending = false;

  /** Asks for a beat now, or as soon as the beat in flight ends. */
  now(): void {
    if (this.waiting) this.waiting();
    else this.pending = true;
  }

  /** Waits through `sleep(ms)`, or less when woken; the timer is cancelled either way. */
  async sleep(
    ms: number,
    signal: AbortSignal,
    sleep: (ms: number, signal: AbortSignal) => Promise<void>,
  ): Promise<void> {
    if (this.pending) {
      this.pending = false;
      return;
    }
    const timer = new AbortController();
    const stop = () => timer.abort();
    if (signal.aborted) return;
    signal.addEventListener("abort", stop, { once: true });
    const woken = new Promise<void>((resolve) => {
      this.waiting = resolve;
    });
    try {
      await Promise.race([sleep(ms, timer.signal), woken]);
    } finally {
      this.waiting = null;
      signal.removeEventListener("abort", stop);
      timer.abort();
    }
  }
}
