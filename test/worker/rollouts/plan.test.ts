import { describe, expect, it } from "vitest";
import { nextMove, planSteps } from "../../../worker/rollouts/plan";

const member = (id: string, priority: number, online = true) => ({
  id,
  name: id,
  priority,
  online,
});

describe("planSteps", () => {
  it("puts standbys first, least preferred first, and the active last; skips offline members", () => {
    const steps = planSteps(
      [member("a", 1), member("b", 2), member("c", 3, false), member("d", 2)],
      "a",
    );
    expect(steps.map((step) => `${step.memberId}:${step.role}:${step.status}`)).toEqual([
      "c:standby:skipped",
      "b:standby:pending",
      "d:standby:pending",
      "a:active:pending",
    ]);
  });
  it("has only standbys when the pool has no active", () => {
    expect(planSteps([member("a", 1)], null).map((step) => step.role)).toEqual(["standby"]);
  });
});

describe("nextMove", () => {
  const step = (position: number, role: "standby" | "active", status: string) =>
    ({ position, role, status }) as Parameters<typeof nextMove>[0][number];
  it.each([
    [
      "rolling starts the first pending",
      "rolling",
      ["pending", "pending", "pending"],
      { kind: "start", positions: [0] },
    ],
    [
      "rolling waits for the running one",
      "rolling",
      ["running", "pending", "pending"],
      { kind: "wait" },
    ],
    [
      "parallel starts every standby",
      "parallel",
      ["pending", "pending", "pending"],
      { kind: "start", positions: [0, 1] },
    ],
    [
      "the active waits for running standbys",
      "parallel",
      ["succeeded", "running", "pending"],
      { kind: "wait" },
    ],
    [
      "then the active goes",
      "parallel",
      ["succeeded", "succeeded", "pending"],
      { kind: "start", positions: [2] },
    ],
    [
      "a failure stops it",
      "rolling",
      ["succeeded", "failed", "pending"],
      { kind: "failed", position: 1 },
    ],
    [
      "a failure waits for the standbys still running, starting nothing",
      "parallel",
      ["failed", "running", "pending"],
      { kind: "wait" },
    ],
    [
      "done when nothing is left",
      "rolling",
      ["succeeded", "skipped", "succeeded"],
      { kind: "succeeded" },
    ],
  ] as const)("%s", (_what, strategy, states, expected) => {
    const steps = states.map((status, i) =>
      step(i, i === states.length - 1 ? "active" : "standby", status),
    );
    expect(nextMove(steps, strategy)).toEqual(expected);
  });
});
