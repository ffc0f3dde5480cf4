import { describe, expect, it } from "vitest";
import { Hearing } from "../../../worker/coordinator/hearing";

describe("Hearing", () => {
  it("starts at the instance's start, then at the first heartbeat it hears", () => {
    const hearing = new Hearing(10_000);
    expect(hearing.since).toBe(10_000);
    hearing.heard(12_500, 2_000);
    expect(hearing.since).toBe(12_500);
  });

  it("keeps its start while the pool is heard at least every gap", () => {
    const hearing = new Hearing(0);
    for (const at of [1_000, 2_000, 3_900, 5_000]) hearing.heard(at, 2_000);
    expect(hearing.since).toBe(1_000);
  });

  it("starts again after a gap in which no member was heard", () => {
    const hearing = new Hearing(0);
    hearing.heard(1_000, 2_000);
    hearing.heard(3_001, 2_000);
    expect(hearing.since).toBe(3_001);
  });
});
