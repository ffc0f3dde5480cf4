import { describe, expect, it } from "vitest";
import { flowPath } from "../../../../worker/dashboard/overview/flow-path";
import type { MemberView } from "../../../../worker/dashboard/overview/pool-view";

const member = (id: string, role: "active" | "standby", serving = true) =>
  ({ id, role, serving }) as MemberView;
const serves = (memberId: string | null) => ({
  addresses: ["198.51.100.1"],
  memberId,
  memberName: null,
});

describe("flowPath", () => {
  it.each([
    ["the serving active, DNS not known", member("a", "active"), null, "live"],
    ["the active DNS serves", member("a", "active"), serves("a"), "live"],
    ["the active DNS does not serve yet", member("a", "active"), serves("b"), "pending"],
    ["an active that would not serve", member("a", "active", false), serves("a"), "dead"],
    ["a standby", member("b", "standby"), null, "standby"],
    ["the standby DNS still serves", member("b", "standby"), serves("b"), "live"],
    ["a standby when DNS serves nobody's address", member("b", "standby"), serves(null), "standby"],
  ] as const)("draws %s as %s", (_, view, served, path) => {
    expect(flowPath(view, served)).toBe(path);
  });
});
