// The rollout scenarios' pure parts (lab/rollout-figures.mjs) and how their runs are judged
// (lab/measure.mjs, lab/report.mjs).
import { describe, expect, it } from "vitest";
import { measureRun, summarize } from "../../lab/measure.mjs";
import { renderRolloutTable, targetChecks } from "../../lab/report.mjs";
import {
  describeSteps,
  filesDiffering,
  labModel,
  rolloutProblems,
  stepTimes,
  UNBINDABLE_ADDRESS,
} from "../../lab/rollout-figures.mjs";
import { BalancerModel } from "../../shared/balancer";

const step = (over: Record<string, unknown>) => ({
  memberName: "h2",
  role: "standby",
  status: "succeeded",
  startedAt: 1_000,
  finishedAt: 2_200,
  note: null,
  ...over,
});
const rollout = (status: string, steps: Record<string, unknown>[]) => ({
  status,
  reason: status === "failed" ? "h2: reload failed" : null,
  steps,
});

describe("labModel", () => {
  it("is a model the API accepts, a new one per variant", () => {
    const first = BalancerModel.parse(labModel({ variant: 1 }));
    const second = BalancerModel.parse(labModel({ variant: 2 }));
    expect(first).not.toEqual(second);
    expect(first.frontends.map((f) => f.binds)).toEqual([[{ port: 80 }]]);
  });

  it("adds a frontend on an address no lab host has when asked for an unbindable one", () => {
    const model = BalancerModel.parse(labModel({ unbindable: true }));
    expect(model.frontends.flatMap((f) => f.binds.map((b) => b.address))).toContain(
      UNBINDABLE_ADDRESS,
    );
  });
  it("makes a health check that wants a 5xx, which the lab's backends never answer", () => {
    const model = BalancerModel.parse(labModel({ failingHealth: true }));
    expect(model.backends[0]?.healthCheck?.expectStatus).toEqual({ min: 500, max: 599 });
  });
});

describe("stepTimes and describeSteps", () => {
  it("times each step and says which did not succeed", () => {
    const steps = stepTimes(
      rollout("failed", [
        step({ status: "failed" }),
        step({ memberName: "h1", role: "active", status: "skipped", startedAt: null }),
      ]),
    );
    expect(steps.map((s: { ms: number | null }) => s.ms)).toEqual([1200, null]);
    expect(describeSteps(steps)).toBe("h2 standby 1.2 s failed, h1 active skipped");
    expect(describeSteps([{ ...steps[0], status: "succeeded", jobMs: 900 }])).toBe(
      "h2 standby 1.2 s (job 0.9 s)",
    );
  });
});

describe("rolloutProblems", () => {
  const good = rollout("succeeded", [step({}), step({ memberName: "h1", role: "active" })]);
  const stopped = rollout("failed", [
    step({ status: "failed" }),
    step({ memberName: "h1", role: "active", status: "skipped" }),
  ]);

  it("accepts a rollout that ended as the scenario expects", () => {
    expect(rolloutProblems(good, "succeeded")).toEqual([]);
    expect(rolloutProblems(stopped, "stopped at the standby")).toEqual([]);
  });

  it("names a failed step of a rollout that had to succeed", () => {
    expect(rolloutProblems(stopped, "succeeded")).toEqual([
      "rollout failed: h2: reload failed",
      "h2 failed",
      "h1 skipped",
    ]);
  });

  it("names a bad revision that reached the active", () => {
    const reached = rollout("failed", [
      step({}),
      step({ memberName: "h1", role: "active", status: "failed" }),
    ]);
    expect(rolloutProblems(reached, "stopped at the standby")).toEqual([
      "first step h2 succeeded, not a failed standby",
      "the active h1 was failed, not skipped",
    ]);
    expect(rolloutProblems(good, "stopped at the standby")).toContain(
      "rollout succeeded, not failed",
    );
  });
});

describe("filesDiffering", () => {
  it("compares byte for byte: a trailing newline is a difference", () => {
    const files = [
      { role: "h1", text: "global\n" },
      { role: "h2", text: "global\n\n" },
    ];
    expect(filesDiffering(files, "global\n")).toEqual(["h2"]);
  });
});

describe("a rollout run's verdict", () => {
  const sample = (at: number, ok: boolean) => ({ at, answer: ["10.77.0.11"], ok });
  const measured = (failures: string[], okSamples = true) =>
    measureRun({
      t0: 0,
      samples: [sample(100, true), sample(200, okSamples)],
      promotions: [],
      oldIp: "10.77.0.11",
      expectFlips: 0,
      failures,
    });
  const fault = { id: "rollout-rolling", kind: "rollout" };

  it("fails the run on a scenario failure, and holds it to 0 client errors", () => {
    const clean = summarize([measured([]), measured([])]);
    expect(clean.mustNotHappen).toBe(0);
    expect(targetChecks(fault, clean).every((check) => check.met)).toBe(true);
    const broken = summarize([measured(["h1: file differs"]), measured([], false)]);
    expect(broken.mustNotHappen).toBe(1);
    expect(broken.clientErrors).toBe(1);
    expect(
      targetChecks(fault, broken)
        .filter((check) => !check.met)
        .map((c) => c.label),
    ).toEqual([
      "0 client errors",
      "every run ended as it must (steps, files byte for byte, heartbeats, direct requests)",
    ]);
  });
});

describe("renderRolloutTable", () => {
  const runOf = (standbyMs: number, activeMs: number | null, scenarioFailures = 0) => ({
    clientErrors: 0,
    scenarioFailures,
    steps: [
      { role: "standby", ms: standbyMs },
      { role: "active", ms: activeMs },
    ],
  });

  it("prints each rollout scenario's step times by role and how many runs ended as they must", () => {
    const runs = [runOf(1200, 1400), runOf(1000, 1900, 1), runOf(1100, 1500)];
    const stopped = [runOf(900, null), runOf(800, null)];
    const table = renderRolloutTable([
      { fault: { id: "haproxy-kill", kind: "service_down" }, summary: summarize([]), runs: [] },
      { fault: { id: "rollout-rolling", kind: "rollout" }, summary: summarize(runs), runs },
      {
        fault: { id: "rollout-bad-standby", kind: "rollout" },
        summary: summarize(stopped),
        runs: stopped,
      },
    ]);
    const lines = table.split("\n");
    expect(lines).toHaveLength(4);
    expect(lines[2]).toMatch(
      /\| rollout-rolling +\| 3 +\| 1100 \/ 1200 +\| 1500 \/ 1900 +\| 0 +\| 2\/3 /,
    );
    expect(lines[3]).toMatch(/\| rollout-bad-standby \| 2 +\| 850 \/ 900 +\| — +\| 0 +\| 2\/2 /);
  });

  it("is empty when no rollout scenario ran", () => {
    expect(renderRolloutTable([])).toBe("");
  });
});
