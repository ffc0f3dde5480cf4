import { describe, expect, it } from "vitest";
import { displayName, hiddenCharacterProblem } from "../../shared/names";

describe("hiddenCharacterProblem", () => {
  it.each([
    ["edge-1", null],
    ["Edge Paris (primary)", null],
    ["Zürich – 東京 😀", null],
    ["edge\n1", "U+000A"],
    ["edge\u00001", "U+0000"],
    ["edge\u001b[31m", "U+001B"],
    ["edge\u0085", "U+0085"],
    ["edge\u2028", "U+2028"],
    ["gpj.\u202eexe", "U+202E"],
    ["\u2066edge\u2069", "U+2066"],
    ["edge\u200f", "U+200F"],
    ["edge\ud800", "U+D800"],
    ["\udc00edge", "U+DC00"],
  ])("%j → %s", (value, found) => {
    const problem = hiddenCharacterProblem(value);
    if (found === null) expect(problem).toBeNull();
    else expect(problem).toContain(found);
  });
});

describe("displayName", () => {
  it("trims first, so a trailing newline is harmless, but one inside is refused", () => {
    expect(displayName().parse("  edge\n")).toBe("edge");
    const parsed = displayName().safeParse("ed\nge");
    expect(parsed.success).toBe(false);
    expect(parsed.error?.issues[0]?.message).toContain("U+000A");
  });
});
