import { describe, expect, it } from "vitest";
import { balancerHeader } from "../../shared/balancer";
import { BalancerApplyPayload, revisionFromHeader } from "../../shared/balancer-apply";

describe("revisionFromHeader", () => {
  it.each([
    [`${balancerHeader(7, "edge", "pool_1")}\nglobal\n`, 7],
    [balancerHeader(123, "a pool", "pool_2"), 123],
    ["global\n# Baton balancer of pool edge (pool_1), revision 7. Managed by Baton\n", null],
    [balancerHeader(2, "revision 5", "pool_3"), 2],
    ["# revision 3 of my own config\n", null],
    ["# hand written\n", null],
    ["", null],
  ])("%j → %s", (text, revision) => {
    expect(revisionFromHeader(text)).toBe(revision);
  });
});

describe("BalancerApplyPayload", () => {
  const good = {
    target: "haproxy",
    revision: 1,
    sha256: "a".repeat(64),
    text: "# revision 1\n",
    certificates: [{ id: "crt_0123456789abcdef", sha256: "b".repeat(64) }],
  };
  it("accepts a revision with certificates by id", () => {
    expect(BalancerApplyPayload.safeParse(good).success).toBe(true);
  });
  it.each([
    [
      "a path as a certificate id",
      { certificates: [{ id: "../../etc/shadow", sha256: "b".repeat(64) }] },
    ],
    ["another service", { target: "apache" }],
    ["a path to write", { path: "/etc/passwd" }],
    ["an oversized text", { text: "x".repeat(512 * 1024 + 1) }],
  ])("refuses %s", (_what, change) => {
    expect(BalancerApplyPayload.safeParse({ ...good, ...change }).success).toBe(false);
  });
});
