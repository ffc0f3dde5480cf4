// Which targets of issue #12 each fault is held to, and when they count as met (lab/report.mjs).
import { describe, expect, it } from "vitest";
import { summarize } from "../../lab/measure.mjs";
import { renderTable, targetChecks } from "../../lab/report.mjs";

const run = (over: Record<string, number | null>) => ({
  promotedMs: 100,
  afterDeadlineMs: null,
  answerMs: 150,
  servedMs: 400,
  flips: 1,
  falseFlips: 0,
  badFlips: 0,
  clientErrors: 0,
  providerCalls: 2,
  ...over,
});
const labels = (checks: { label: string; met: boolean }[]) =>
  Object.fromEntries(checks.map((check) => [check.label, check.met]));

describe("targetChecks", () => {
  const serviceDown = { id: "haproxy-kill", kind: "service_down" };

  it("holds service-down faults to 500 ms median and 800 ms worst", () => {
    const ok = summarize([run({}), run({ servedMs: 800 }), run({ servedMs: 300 })]);
    expect(labels(targetChecks(serviceDown, ok))).toMatchObject({
      "client served again ≤ 500 ms median, ≤ 800 ms worst": true,
    });
    const slow = summarize([run({}), run({ servedMs: 801 }), run({ servedMs: 300 })]);
    expect(
      labels(targetChecks(serviceDown, slow))[
        "client served again ≤ 500 ms median, ≤ 800 ms worst"
      ],
    ).toBe(false);
    const never = summarize([run({}), run({ servedMs: null })]);
    expect(
      labels(targetChecks(serviceDown, never))[
        "client served again ≤ 500 ms median, ≤ 800 ms worst"
      ],
    ).toBe(false);
  });

  it("holds every fault to no false flip and no flip onto a dead member", () => {
    const bad = summarize([run({ falseFlips: 1, badFlips: 1 })]);
    const checks = labels(targetChecks({ id: "blip-2s", kind: "no_flip" }, bad));
    expect(checks).toEqual({
      "0 false flips": false,
      "0 flips onto a member that could not serve": false,
    });
  });

  it("holds the provider outage to 12 calls and 5 s after the provider returns", () => {
    const fault = { id: "dns-down-flip", kind: "provider_down" };
    const many = labels(
      targetChecks(fault, summarize([run({ providerCalls: 13, answerMs: 4000 })])),
    );
    expect(many).toMatchObject({
      "≤ 12 provider calls during the 20 s outage": false,
      "DNS answer ≤ 5 s after the provider returns (worst)": true,
    });
  });

  it("holds the bad config to zero client errors", () => {
    const fault = { id: "bad-config", kind: "no_flip" };
    expect(
      labels(targetChecks(fault, summarize([run({ clientErrors: 3 })])))["0 client errors"],
    ).toBe(false);
  });
});

describe("renderTable", () => {
  it("prints one row per fault with medians / worst", () => {
    const table = renderTable([
      {
        fault: { id: "haproxy-kill", kind: "service_down" },
        summary: summarize([run({}), run({ servedMs: 600 })]),
      },
    ]);
    expect(table.split("\n")).toHaveLength(3);
    expect(table).toMatch(/\| haproxy-kill +\| 2 +\| 100 \/ 100 +\| 150 \/ 150 +\| 500 \/ 600 /);
  });
});
