// The proving ground's figures (lab/measure.mjs): pure maths over what the lab recorded.
import { describe, expect, it } from "vitest";
import {
  answerChangedAt,
  measureRun,
  servedAgainAt,
  spread,
  summarize,
} from "../../lab/measure.mjs";

const OLD = "10.77.0.11";
const NEW = "10.77.0.12";
const sample = (at: number, ip: string | null, ok: boolean) => ({
  name: "haproxy.example.com",
  at,
  answer: ip ? [ip] : [],
  ok,
});
/** Before t0 = 1000: served by OLD; OLD dies; DNS moves at 1400; served again from 1400. */
const SAMPLES = [
  sample(900, OLD, true),
  sample(1000, OLD, true),
  sample(1100, OLD, false),
  sample(1200, OLD, false),
  sample(1300, null, false),
  sample(1400, NEW, true),
  sample(1500, NEW, true),
];

describe("answerChangedAt / servedAgainAt", () => {
  it("finds the first answer other than the old active, after t0", () => {
    expect(answerChangedAt(SAMPLES, 1000, OLD)).toBe(1400);
    expect(answerChangedAt(SAMPLES.slice(0, 5), 1000, OLD)).toBeNull();
  });

  it("is served again at the first good sample after the last failure", () => {
    expect(servedAgainAt(SAMPLES, 1000)).toBe(1400);
  });

  it("counts a window without failures as never interrupted (t0)", () => {
    expect(servedAgainAt(SAMPLES.slice(0, 2), 900)).toBe(900);
  });

  it("counts a window that ends failing as never served again", () => {
    expect(servedAgainAt(SAMPLES.slice(0, 5), 1000)).toBeNull();
  });

  it("does not take a good sample between two failures for recovery", () => {
    const flappy = [
      sample(1000, OLD, false),
      sample(1100, NEW, true),
      sample(1200, NEW, false),
      sample(1300, NEW, true),
    ];
    expect(servedAgainAt(flappy, 1000)).toBe(1300);
  });
});

describe("measureRun", () => {
  const promotion = { decidedAt: 1080, to: "m2", fromLastHeartbeatAt: 0 };

  it("times the decision, the answer and the client from t0 and counts client errors", () => {
    const run = measureRun({
      t0: 1000,
      samples: SAMPLES,
      promotions: [promotion],
      oldIp: OLD,
      expectFlips: 1,
    });
    expect(run).toMatchObject({
      promotedMs: 80,
      answerMs: 400,
      servedMs: 400,
      flips: 1,
      falseFlips: 0,
      clientErrors: 3,
    });
    expect(run.afterDeadlineMs).toBeNull();
  });

  it("times a heartbeat-loss decision from the last heartbeat + the delay", () => {
    const run = measureRun({
      t0: 1000,
      samples: SAMPLES,
      promotions: [{ ...promotion, decidedAt: 4300, fromLastHeartbeatAt: 1000 }],
      oldIp: OLD,
      expectFlips: 1,
      deadlineDelayMs: 3000,
    });
    expect(run.afterDeadlineMs).toBe(300);
  });

  it("counts a flip where none was due, and a flap back, as false flips", () => {
    const none = measureRun({
      t0: 1000,
      samples: SAMPLES,
      promotions: [promotion],
      oldIp: OLD,
      expectFlips: 0,
    });
    expect(none.falseFlips).toBe(1);
    const flap = measureRun({
      t0: 1000,
      samples: SAMPLES,
      promotions: [promotion, { decidedAt: 2000, to: "m1", fromLastHeartbeatAt: 0 }],
      oldIp: OLD,
      expectFlips: 1,
    });
    expect(flap.falseFlips).toBe(1);
  });

  it("counts a flip onto a member while it could not serve, not after it recovered", () => {
    const cannotServe = [{ memberId: "m2", from: 500, to: 1100 }];
    const during = measureRun({
      t0: 1000,
      samples: SAMPLES,
      promotions: [promotion],
      cannotServe,
      oldIp: OLD,
      expectFlips: 1,
    });
    expect(during.badFlips).toBe(1);
    const after = measureRun({
      t0: 1000,
      samples: SAMPLES,
      promotions: [{ ...promotion, decidedAt: 1100 }],
      cannotServe,
      oldIp: OLD,
      expectFlips: 1,
    });
    expect(after.badFlips).toBe(0);
  });

  it("reports no promotion as null, not zero", () => {
    const run = measureRun({
      t0: 1000,
      samples: SAMPLES,
      promotions: [],
      oldIp: OLD,
      expectFlips: 0,
    });
    expect(run.promotedMs).toBeNull();
    expect(run.falseFlips).toBe(0);
  });
});

describe("spread / summarize", () => {
  it("gives the median and the worst, and a never-reached figure makes the worst never", () => {
    expect(spread([{ x: 300 }, { x: 100 }, { x: 200 }], "x")).toEqual({
      median: 200,
      worst: 300,
      never: 0,
    });
    expect(spread([{ x: 100 }, { x: null }, { x: 300 }], "x")).toEqual({
      median: 200,
      worst: null,
      never: 1,
    });
  });

  it("adds the must-not-happens over runs", () => {
    const base = {
      promotedMs: 1,
      afterDeadlineMs: null,
      answerMs: 1,
      servedMs: 1,
      flips: 1,
      clientErrors: 2,
      providerCalls: 3,
    };
    const summary = summarize([
      { ...base, falseFlips: 0, badFlips: 1 },
      { ...base, falseFlips: 1, badFlips: 0, providerCalls: 9 },
    ]);
    expect(summary).toMatchObject({
      runs: 2,
      mustNotHappen: 2,
      clientErrors: 4,
      providerCalls: 12,
      maxProviderCalls: 9,
    });
  });
});
