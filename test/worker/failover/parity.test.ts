import { describe, expect, it } from "vitest";
import { parityProblem } from "../../../worker/failover/parity";

const file = (revision: number | null, sha: string) => ({ revision, sha256: sha.repeat(64) });

describe("parityProblem", () => {
  it.each([
    ["the same file", file(3, "a"), file(3, "a"), true, null],
    ["parity not required", file(2, "b"), file(3, "a"), false, null],
    ["the active has not reported", file(2, "b"), null, true, null],
    [
      "another revision",
      file(2, "b"),
      file(3, "a"),
      true,
      "runs balancer revision 2, the active runs revision 3",
    ],
    [
      "the same revision edited",
      file(3, "b"),
      file(3, "a"),
      true,
      "balancer config differs from the active's (both say revision 3: edited by hand?)",
    ],
    [
      "a file without a header",
      file(null, "b"),
      file(3, "a"),
      true,
      "runs a balancer config without a revision header, the active runs revision 3",
    ],
    [
      "nothing reported",
      null,
      file(3, "a"),
      true,
      "no managed balancer config reported (the active runs revision 3)",
    ],
  ])("%s", (_what, member, active, required, expected) => {
    expect(parityProblem(member, active, required)).toBe(expected);
  });
});
