import { describe, expect, it } from "vitest";
import { fitStatReport } from "../../../agent/haproxy/stat-push";
import type { HaproxyStatRow } from "../../../shared/haproxy-stat";
import { HAPROXY_STAT_MAX_BYTES, jsonBytes } from "../../../shared/limits";

function row(index: number, nameLength = 20): HaproxyStatRow {
  return {
    proxy: `be_${"x".repeat(nameLength)}_${index}`,
    service: `srv_${"y".repeat(nameLength)}_${index}`,
    kind: "server",
    status: "UP",
    checkStatus: "L7OK",
    checkDesc: "Layer7 check passed".padEnd(256, "."),
    scur: 1,
    smax: 10,
    stot: 1000,
    rate: 2,
    weight: 1,
    lastchg: 60,
    addr: "10.0.0.1:8080",
    mode: "http",
    lastChk: "OK".padEnd(256, "."),
  };
}

describe("fitStatReport", () => {
  it("sends a real-sized table whole", () => {
    const report = { collectedAt: 1, rows: Array.from({ length: 2000 }, (_, i) => row(i)) };
    expect(fitStatReport(report).rows).toHaveLength(2000);
  });

  it("cuts a table of 5,000 rows with 250-character names to its first rows under the cap", () => {
    const rows = Array.from({ length: 5000 }, (_, i) => row(i, 240));
    const report = { collectedAt: 1, rows };
    expect(jsonBytes(report)).toBeGreaterThan(HAPROXY_STAT_MAX_BYTES);
    const fitted = fitStatReport(report);
    expect(jsonBytes(fitted)).toBeLessThanOrEqual(HAPROXY_STAT_MAX_BYTES);
    expect(fitted.rows.length).toBeGreaterThan(2500);
    expect(fitted.rows[0]).toEqual(rows[0]);
  });
});
