import { describe, expect, it } from "vitest";
import { beatBar, beatSummary } from "../../../../worker/dashboard/overview/heartbeat-bar";

const NOW = Date.UTC(2030, 0, 15, 10, 0, 0);
const DELAY = 10_000;
/** A beat every second over [from, to). */
const beats = (from: number, to: number) =>
  Array.from({ length: Math.max(0, Math.ceil((to - from) / 1000)) }, (_, i) => from + i * 1000);

const states = (arrivals: number[], since: number, cells = 6) =>
  beatBar({ arrivals, since, now: NOW, failoverDelayMs: DELAY, cells, cellMs: 10_000 }).map(
    (cell) => cell.state,
  );

describe("beatBar", () => {
  it("a member beating every second: every cell heard, oldest first, the last ending now", () => {
    const bar = beatBar({
      arrivals: beats(NOW - 80_000, NOW),
      since: NOW - 600_000,
      now: NOW,
      failoverDelayMs: DELAY,
    });
    expect(bar).toHaveLength(30);
    expect(bar.at(-1)).toMatchObject({ to: NOW, from: NOW - 10_000, state: "heard" });
    expect(bar.slice(-7).map((cell) => cell.state)).toEqual(Array(7).fill("heard"));
  });

  it("no data before the coordinator listened, then heard", () => {
    expect(states(beats(NOW - 25_000, NOW), NOW - 25_000)).toEqual([
      "none",
      "none",
      "none",
      "heard",
      "heard",
      "heard",
    ]);
  });

  it("silent 6 s is late, silent 13 s is missed, then heard again", () => {
    // Beats until -45 s, silent 13 s, beats from -32 s to -17 s, silent 6 s, then beats.
    const arrivals = [
      ...beats(NOW - 60_000, NOW - 45_000),
      ...beats(NOW - 32_000, NOW - 17_000),
      ...beats(NOW - 11_000, NOW),
    ];
    expect(states(arrivals, NOW - 61_000)).toEqual([
      "heard", // -60…-50
      "late", // -50…-40: silent since -46 s, 6 s by the end of the cell
      "missed", // -40…-30: the same silence ends at -32 s, after 14 s
      "heard", // -30…-20
      "late", // -20…-10: silent from -18 s to -11 s (7 s)
      "heard",
    ]);
  });

  it("a member never heard since listening began is missed once a delay has passed", () => {
    expect(states([], NOW - 35_000)).toEqual([
      "none",
      "none",
      "none",
      "missed",
      "missed",
      "missed",
    ]);
  });

  it("says the bar in words", () => {
    expect(
      beatSummary([
        { from: 0, to: 1, state: "none" },
        { from: 1, to: 2, state: "heard" },
        { from: 2, to: 3, state: "missed" },
        { from: 3, to: 4, state: "heard" },
      ]),
    ).toBe("2 heard, 1 missed, 1 no data");
  });
});
