import { describe, expect, it } from "vitest";
import { estimatePoolDay, freePlanShare, paidUsdPerMonth } from "../../shared/run-cost";

const pool = (members: number, transport: "ws" | "http", intervalMs = 1_000) =>
  estimatePoolDay({ members, intervalMs, transport, alarmsPerDay: 0, rowsWrittenPerMemberDay: 0 });

// The figures issue #17 starts from, before alarms and samples.
describe("what a pool costs to run", () => {
  it("bills an HTTP member at 1 s about $1.17 a month and fills the free plan with one", () => {
    expect(paidUsdPerMonth(pool(1, "http"))).toBeCloseTo(1.17, 2);
    expect(freePlanShare(pool(1, "http"))).toBeCloseTo(0.864, 3);
    expect(freePlanShare(pool(2, "http"))).toBeGreaterThan(1);
  });

  it("bills a WebSocket member at 1 s about $0.02 a month and fits 23 on the free plan", () => {
    expect(paidUsdPerMonth(pool(1, "ws"))).toBeCloseTo(0.02, 2);
    expect(freePlanShare(pool(23, "ws"))).toBeLessThan(1);
    expect(freePlanShare(pool(24, "ws"))).toBeGreaterThan(1);
  });

  it("scales with the interval", () => {
    expect(pool(1, "http", 5_000).workerRequests).toBe(17_280);
    expect(pool(1, "ws", 2_000).objectRequests).toBe(2_160 + 24);
  });
});
