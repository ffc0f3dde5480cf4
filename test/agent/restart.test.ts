import { describe, expect, it } from "vitest";
import { type RestartState, restartReason } from "../../agent/restart";

const plain: RestartState = { hasHaproxySocket: false, underSystemd: true };

describe("restartReason", () => {
  it.each([
    [
      "agent.update that installed",
      { kind: "agent.update" },
      "succeeded",
      { ...plain, updatedTo: "1.2.3" },
      "restarting into the updated agent 1.2.3",
    ],
    ["agent.update that did not", { kind: "agent.update" }, "failed", plain, undefined],
    [
      "agent.update outside systemd",
      { kind: "agent.update" },
      "succeeded",
      { ...plain, underSystemd: false, updatedTo: "1.2.3" },
      "restarting into the updated agent 1.2.3",
    ],
    [
      "haproxy.install without a socket, under systemd",
      { kind: "haproxy.install" },
      "succeeded",
      plain,
      "restarting to read HAProxy's admin socket",
    ],
    ["haproxy.install that failed", { kind: "haproxy.install" }, "failed", plain, undefined],
    [
      "haproxy.install with a socket already",
      { kind: "haproxy.install" },
      "succeeded",
      { ...plain, hasHaproxySocket: true },
      undefined,
    ],
    [
      "haproxy.install outside systemd (nothing would start it again)",
      { kind: "haproxy.install" },
      "succeeded",
      { ...plain, underSystemd: false },
      undefined,
    ],
    ["any other job", { kind: "haproxy.reload" }, "succeeded", plain, undefined],
  ] as const)("%s", (_name, job, status, state, want) => {
    expect(restartReason(job, { status }, state)).toBe(want);
  });
});
