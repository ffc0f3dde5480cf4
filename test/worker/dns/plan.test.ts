import { describe, expect, it } from "vitest";
import { isInZone, planRecords, sortAddresses } from "../../../worker/dns/plan";

const record = (id: string, address: string, current = true) => ({ id, address, current });

describe("planRecords", () => {
  it.each([
    {
      case: "nothing to nothing",
      existing: [],
      wanted: [],
      plan: { create: [], update: [], remove: [] },
    },
    {
      case: "creates what is missing",
      existing: [],
      wanted: ["192.0.2.1", "192.0.2.2"],
      plan: { create: ["192.0.2.1", "192.0.2.2"], update: [], remove: [] },
    },
    {
      case: "keeps a record that is already right",
      existing: [record("a", "192.0.2.1")],
      wanted: ["192.0.2.1"],
      plan: { create: [], update: [], remove: [] },
    },
    {
      case: "rewrites a record in place when the address changes",
      existing: [record("a", "192.0.2.1")],
      wanted: ["192.0.2.9"],
      plan: { create: [], update: [{ id: "a", address: "192.0.2.9" }], remove: [] },
    },
    {
      case: "updates a record whose TTL or proxy flag is off",
      existing: [record("a", "192.0.2.1", false)],
      wanted: ["192.0.2.1"],
      plan: { create: [], update: [{ id: "a", address: "192.0.2.1" }], remove: [] },
    },
    {
      case: "keeps the right duplicate and reuses the other",
      existing: [record("a", "192.0.2.1", false), record("b", "192.0.2.1")],
      wanted: ["192.0.2.1", "192.0.2.2"],
      plan: { create: [], update: [{ id: "a", address: "192.0.2.2" }], remove: [] },
    },
    {
      case: "removes what is no longer wanted",
      existing: [record("a", "192.0.2.1"), record("b", "192.0.2.2"), record("c", "192.0.2.3")],
      wanted: ["192.0.2.2"],
      plan: { create: [], update: [], remove: ["a", "c"] },
    },
    {
      case: "ignores a repeated wanted address",
      existing: [],
      wanted: ["192.0.2.1", "192.0.2.1"],
      plan: { create: ["192.0.2.1"], update: [], remove: [] },
    },
  ])("$case", ({ existing, wanted, plan }) => {
    expect(planRecords(existing, wanted)).toEqual(plan);
  });
});

describe("names and addresses", () => {
  it("sorts addresses numerically and drops duplicates", () => {
    expect(sortAddresses(["10.0.0.10", "10.0.0.2", "9.255.0.1", "10.0.0.2"])).toEqual([
      "9.255.0.1",
      "10.0.0.2",
      "10.0.0.10",
    ]);
  });

  it.each([
    ["lb.example.com", "example.com", true],
    ["LB.Example.com.", "example.com", true],
    ["example.com", "example.com.", true],
    ["lb.notexample.com", "example.com", false],
    ["example.com.evil.net", "example.com", false],
  ])("%s in zone %s: %s", (name, zone, inside) => {
    expect(isInZone(name, zone)).toBe(inside);
  });
});
