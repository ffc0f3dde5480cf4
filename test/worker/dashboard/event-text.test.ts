import { describe, expect, it } from "vitest";
import type { Event } from "../../../shared/events";
import { formatDuration } from "../../../worker/dashboard/common/format";
import {
  actorLabel,
  eventText,
  failoverText,
  noStandbyText,
} from "../../../worker/dashboard/events/text";

const T0 = Date.UTC(2030, 0, 1, 12);
const names = {
  members: new Map([
    ["mem_a", "lb-1"],
    ["mem_b", "lb-2"],
  ]),
  users: new Map([["user:usr_1", "alice"]]),
};

const heartbeatLoss = {
  reason: "heartbeat_lost",
  from: "mem_a",
  to: "mem_b",
  fromIp: "198.51.100.1",
  toIp: "198.51.100.2",
  detectedAt: T0 + 3_000,
  decidedAt: T0 + 3_200,
  fromLastHeartbeatAt: T0,
};

describe("formatDuration", () => {
  it.each([
    [0, "0 ms"],
    [40, "40 ms"],
    [800, "0.8 s"],
    [1_000, "1.0 s"],
    [3_240, "3.2 s"],
    [59_949, "59.9 s"],
    [125_000, "2 min 5 s"],
    [-5, "0 ms"],
  ])("%d ms → %s", (ms, text) => {
    expect(formatDuration(ms)).toBe(text);
  });
});

describe("failoverText", () => {
  it("says who took over after how long, why, and when DNS confirmed it", () => {
    const said = failoverText(heartbeatLoss, names, T0 + 4_000);
    expect(said.text).toBe("lb-1 → lb-2 after 3.2 s: heartbeats missed; DNS confirmed in 0.8 s");
    expect(said.detail).toBe("198.51.100.1 → 198.51.100.2 · decided 0.2 s after detection");
    expect(said.tone).toBe("bad");
  });

  it("says DNS has not confirmed yet, and nothing about DNS in a pool without a provider", () => {
    expect(failoverText(heartbeatLoss, names, null).text).toBe(
      "lb-1 → lb-2 after 3.2 s: heartbeats missed; DNS not confirmed yet",
    );
    expect(failoverText(heartbeatLoss, names, undefined).text).toBe(
      "lb-1 → lb-2 after 3.2 s: heartbeats missed",
    );
  });

  it("gives no silence for a service failure, and decides on detection", () => {
    const said = failoverText(
      { ...heartbeatLoss, reason: "service_down", detectedAt: T0, decidedAt: T0 },
      names,
      undefined,
    );
    expect(said.text).toBe("lb-1 → lb-2: its service reported down");
    expect(said.detail).toContain("decided on detection");
  });

  it("names who switched by hand, and members it no longer knows by id", () => {
    const said = failoverText(
      { reason: "manual", from: "mem_gone", to: "mem_b", detectedAt: T0, decidedAt: T0 },
      names,
      undefined,
      "user:usr_1",
    );
    expect(said.text).toBe("mem_gone → lb-2: switched by hand by alice");
    expect(said.detail).toBeNull();
    expect(said.tone).toBe("info");
  });

  it("reads events recorded before the silence was stored, and a first activation", () => {
    const { fromLastHeartbeatAt: _, ...older } = heartbeatLoss;
    expect(failoverText(older, names, undefined).text).toBe("lb-1 → lb-2: heartbeats missed");
    const first = failoverText(
      { reason: "no_active", from: null, to: "mem_a", fromIp: null, toIp: "198.51.100.1" },
      names,
      undefined,
    );
    expect(first.text).toBe("lb-1 takes the traffic: the pool had no active member");
    expect(first.detail).toBe("to 198.51.100.1");
    expect(first.tone).toBe("info");
  });
});

describe("noStandbyText", () => {
  it("says traffic stays where it is, and why", () => {
    expect(noStandbyText({ activeId: "mem_a", failure: "service_down" }, names).text).toBe(
      "No ready standby: traffic stays on lb-1 (its service reported down)",
    );
    expect(noStandbyText({ activeId: null, failure: "no_active" }, names).text).toBe(
      "No ready standby: no traffic (the pool had no active member)",
    );
  });
});

describe("actorLabel", () => {
  it.each([
    ["user:usr_1", "alice"],
    ["user:usr_gone", "deleted user usr_gone"],
    ["token:tok_9", "API token tok_9"],
    ["schedule:sch_3", "schedule sch_3"],
    ["agent:mem_b", "the agent of lb-2"],
    ["agent:mem_x", "the agent of mem_x"],
    ["system", "Baton"],
    ["bootstrap", "the bootstrap token"],
    ["retention", "backup retention"],
  ])("%s → %s", (actor, label) => {
    expect(actorLabel(actor, names)).toBe(label);
  });
});

describe("eventText", () => {
  const event = (type: Event["type"], message: string, data = {}): Event => ({
    id: "evt_1",
    poolId: "pool_1",
    memberId: "mem_a",
    type,
    actor: "system",
    message,
    data,
    at: T0,
  });

  it("renders failovers from their data and other events from their message", () => {
    expect(
      eventText(
        event("failover.promoted", "Traffic moves from mem_a", heartbeatLoss),
        names,
        undefined,
      ).text,
    ).toBe("lb-1 → lb-2 after 3.2 s: heartbeats missed");
    expect(eventText(event("member.offline", "lb-1 is offline"), names, undefined)).toEqual({
      text: "lb-1 is offline",
      detail: null,
      tone: "bad",
    });
    expect(eventText(event("member.online", "lb-1 is online"), names, undefined).tone).toBe("good");
    expect(eventText(event("pool.updated", "Pool edge updated"), names, undefined).tone).toBe(
      "info",
    );
  });
});
