import { describe, expect, it } from "vitest";
import { desiredAddresses } from "../../../worker/dns/desired";

const member = (id: string, publicIp: string | null, ready = true) => ({ id, publicIp, ready });
const members = [
  member("a", "198.51.100.10"),
  member("b", "198.51.100.9"),
  member("c", "198.51.100.11", false),
  member("d", null),
];

describe("desiredAddresses", () => {
  it.each([
    {
      case: "active_standby: the active's address",
      mode: "active_standby",
      active: "a",
      want: ["198.51.100.10"],
    },
    {
      case: "active_standby: even a not-ready active (failover decides, not DNS)",
      mode: "active_standby",
      active: "c",
      want: ["198.51.100.11"],
    },
    { case: "active_standby: no active, nothing", mode: "active_standby", active: null, want: [] },
    {
      case: "active_standby: an active without a public IP, nothing",
      mode: "active_standby",
      active: "d",
      want: [],
    },
    {
      case: "round_robin: every ready member with an address, in numeric order",
      mode: "round_robin",
      active: "a",
      want: ["198.51.100.9", "198.51.100.10"],
    },
  ] as const)("$case", ({ mode, active, want }) => {
    expect(desiredAddresses(mode, active, members)).toEqual(want);
  });
});
