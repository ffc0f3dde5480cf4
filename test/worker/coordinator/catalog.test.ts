import { expect, it } from "vitest";
import { MemberCatalog } from "../../../worker/coordinator/catalog";
import type { MemberRow } from "../../../worker/db/schema/members";

const row: MemberRow = {
  id: "mem_1",
  poolId: "pool_1",
  name: "edge-1",
  hostname: "edge-1",
  allowedIps: ["203.0.113.0/24"],
  priority: 100,
  status: "online",
  lastHeartbeatAt: null,
  agentVersion: null,
  publicIp: null,
  draining: false,
  disabled: false,
  createdAt: 0,
  updatedAt: 0,
};

function catalog() {
  const members = new MemberCatalog();
  members.put(row, "hash-1");
  return members;
}

it.each([
  ["the current secret from an allowed address", "mem_1", "hash-1", "203.0.113.9", true, "ok"],
  ["an old secret", "mem_1", "hash-0", "203.0.113.9", true, "bad_secret"],
  ["an unknown member", "mem_2", "hash-1", "203.0.113.9", true, "bad_secret"],
  ["an old secret from a foreign address", "mem_1", "hash-0", "192.0.2.1", true, "bad_secret"],
  ["a foreign address", "mem_1", "hash-1", "192.0.2.1", true, "ip_not_allowed"],
  [
    "a foreign address when the address is not checked",
    "mem_1",
    "hash-1",
    "192.0.2.1",
    false,
    "ok",
  ],
])("verifies %s", (_name, memberId, secretHash, ip, checkIp, expected) => {
  const outcome = catalog().verify({ memberId, secretHash, ip }, { checkIp });
  expect(outcome.ok ? "ok" : outcome.code).toBe(expected);
});

it("applies a new secret and new allowed addresses at once, and forgets removed members", () => {
  const members = catalog();
  members.put(row, "hash-2");
  expect(
    members.verify(
      { memberId: "mem_1", secretHash: "hash-1", ip: "203.0.113.9" },
      { checkIp: true },
    ).ok,
  ).toBe(false);
  members.put({ ...row, allowedIps: ["192.0.2.0/24"] });
  expect(
    members.verify({ memberId: "mem_1", secretHash: "hash-2", ip: "192.0.2.1" }, { checkIp: true })
      .ok,
  ).toBe(true);
  members.delete("mem_1");
  expect(members.get("mem_1")).toBeUndefined();
});
