import { describe, expect, it } from "vitest";
import { desiredAddresses } from "../../../worker/dns/desired";

const member = (id: string, publicIp: string | null, ready = true) => ({ id, publicIp, ready });
const members = [
  member("a", "198.51.100.10"),
  member("b", "198.51.100.9"),
  member("c", "198.51.100.11", false),
  member("d", null),
  member("e", "0.0.0.0"),
  member("f", "10.0.0.6"),
  member("g", "8.8.4.4"),
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
      case: "active_standby: an active reporting 0.0.0.0, nothing (even in a lab)",
      mode: "active_standby",
      active: "e",
      want: [],
    },
    {
      case: "round_robin: every ready member with an address, in numeric order",
      mode: "round_robin",
      active: "a",
      want: ["8.8.4.4", "10.0.0.6", "198.51.100.9", "198.51.100.10"],
    },
  ] as const)("in a lab pool, $case", ({ mode, active, want }) => {
    expect(desiredAddresses(mode, active, members, true)).toEqual(want);
  });

  it.each([
    { mode: "active_standby", active: "a", want: [] },
    { mode: "active_standby", active: "g", want: ["8.8.4.4"] },
    { mode: "round_robin", active: "a", want: ["8.8.4.4"] },
  ] as const)(
    "outside a lab, only public addresses: $mode with $active active",
    ({ mode, active, want }) => {
      expect(desiredAddresses(mode, active, members, false)).toEqual(want);
    },
  );
});
