import { describe, expect, it } from "vitest";
import { serverState } from "../../../../worker/dashboard/overview/member-flow";

describe("serverState: how the flow diagram marks a server", () => {
  it.each([
    ["UP", "up"],
    ["UP 1/3", "up"], // a check failed, not yet enough to go down: still serving
    ["DOWN", "down"],
    ["DOWN 1/2", "down"], // a check passed, not yet enough to come back
    ["NOLB", "down"],
    ["DRAIN", "drain"],
    ["MAINT", "maint"],
    ["MAINT (resolution)", "maint"],
    ["no check", "unchecked"],
    [null, "unknown"],
    ["", "unknown"],
  ] as const)("%s is %s", (status, state) => {
    expect(serverState(status)).toBe(state);
  });
});
