import { describe, expect, it } from "vitest";
import { Hearing } from "../../../worker/coordinator/hearing";

describe("Hearing", () => {
  it("starts at the instance's start, then at the first heartbeat it hears", () => {
    const hearing = new Hearing(10_000, 2_000);
    expect(hearing.since).toBe(10_000);
    hearing.heard(12_500);
    expect(hearing.since).toBe(12_500);
  });

  it("keeps its start while the pool is heard at least every gap", () => {
    const hearing = new Hearing(0, 2_000);
    for (const at of [1_000, 2_000, 3_900, 5_000]) hearing.heard(at);
    expect(hearing.since).toBe(1_000);
  });

  it("starts again after a gap in which no member was heard", () => {
    const hearing = new Hearing(0, 2_000);
    hearing.heard(1_000);
    hearing.heard(3_001);
    expect(hearing.since).toBe(3_001);
  });

  it("is deaf once no member has been heard for longer than the gap", () => {
    const hearing = new Hearing(0, 2_000);
    expect(hearing.deaf(10_000)).toBe(false); // nothing heard yet: no gap to measure
    hearing.heard(1_000);
    expect(hearing.deaf(3_000)).toBe(false);
    expect(hearing.deaf(3_001)).toBe(true);
  });
});
