// hedged(): the same beat again on a fresh attempt while none is answered; the first answer
// decides. Real timers with short periods: the assertions are about which attempt decides.
import { describe, expect, it } from "vitest";
import { NoAnswer, Refused, Unavailable } from "../../../agent/control-plane";
import { hedged } from "../../../agent/transport/hedge";

const EVERY_MS = 20;
const WITHIN_MS = 80;
const isAnswer = (error: unknown) =>
  error instanceof Refused || (error instanceof Unavailable && error.status !== undefined);

/** Never settles until aborted; records that it was. */
function hang(aborted: number[], n: number, signal: AbortSignal) {
  return new Promise<string>((_, reject) => {
    signal.addEventListener("abort", () => {
      aborted.push(n);
      reject(new Error("aborted"));
    });
  });
}

describe("hedged", () => {
  it("answers with the first attempt that gets through and abandons the hanging one", async () => {
    const aborted: number[] = [];
    const started: number[] = [];
    const value = await hedged(
      (n, signal) => {
        started.push(n);
        return n === 0 ? hang(aborted, n, signal) : Promise.resolve(`attempt ${n}`);
      },
      isAnswer,
      { everyMs: EVERY_MS, withinMs: WITHIN_MS },
    );
    expect(value).toBe("attempt 1");
    expect(started).toEqual([0, 1]);
    expect(aborted).toEqual([0]);
  });

  it("takes a refusal or an error status as the answer, without another attempt", async () => {
    let attempts = 0;
    const refusal = hedged(
      async () => {
        attempts += 1;
        throw new Refused(401, "bad_secret", "rotate the secret");
      },
      isAnswer,
      { everyMs: EVERY_MS, withinMs: WITHIN_MS },
    );
    await expect(refusal).rejects.toMatchObject({ code: "bad_secret" });
    const busy = hedged(
      async () => {
        attempts += 1;
        throw new Unavailable("control plane answered 503", 503);
      },
      isAnswer,
      { everyMs: EVERY_MS, withinMs: WITHIN_MS },
    );
    await expect(busy).rejects.toThrow(/503/);
    expect(attempts).toBe(2);
  });

  it("tries a refused connection again at once, a bounded number of times", async () => {
    let attempts = 0;
    const beat = hedged(
      async () => {
        attempts += 1;
        throw new Unavailable("cannot reach http://127.0.0.1:9: ECONNREFUSED");
      },
      isAnswer,
      { everyMs: EVERY_MS, withinMs: WITHIN_MS },
    );
    await expect(beat).rejects.toThrow(/ECONNREFUSED/);
    expect(attempts).toBe(WITHIN_MS / EVERY_MS);
  });

  it("gives up with NoAnswer when nothing comes back in time, aborting every attempt", async () => {
    const aborted: number[] = [];
    const started: number[] = [];
    const beat = hedged(
      (n, signal) => {
        started.push(n);
        return hang(aborted, n, signal);
      },
      isAnswer,
      { everyMs: EVERY_MS, withinMs: WITHIN_MS },
    );
    await expect(beat).rejects.toBeInstanceOf(NoAnswer);
    // How many started depends on the timers of a loaded machine; each one was abandoned.
    expect(started.length).toBeGreaterThan(1);
    expect(aborted.sort()).toEqual(started);
  });

  it("stops when the caller aborts", async () => {
    const caller = new AbortController();
    const aborted: number[] = [];
    const beat = hedged((n, signal) => hang(aborted, n, signal), isAnswer, {
      everyMs: EVERY_MS,
      withinMs: 10_000,
      signal: caller.signal,
    });
    caller.abort(new Error("stopping"));
    await expect(beat).rejects.toThrow("stopping");
    expect(aborted).toEqual([0]);
  });
});
