import { describe, expect, it } from "vitest";
import {
  frontendLoadLabel,
  loadLabel,
  wrapWords,
} from "../../../../worker/dashboard/overview/flow-words";

describe("loadLabel and frontendLoadLabel", () => {
  it("say rates and sessions, requests when the frontend reports them", () => {
    expect(loadLabel(7, 5)).toBe("7/s · 5 sess");
    expect(loadLabel(null, 5)).toBe("5 sessions");
    expect(frontendLoadLabel({ rate: 7, reqRate: 21, scur: 5 })).toBe("21 req/s · 5 sess");
    expect(frontendLoadLabel({ rate: 7, reqRate: null, scur: 5 })).toBe("7/s · 5 sess");
  });
});

describe("wrapWords", () => {
  it("breaks at spaces within the width, and the lines joined are the text", () => {
    const text =
      "config differs from the active: both say revision 5, the files differ (edited by hand?)";
    const lines = wrapWords(text, 40);
    expect(lines.join("")).toBe(text);
    for (const line of lines) expect(line.trimEnd().length).toBeLessThanOrEqual(40);
    expect(lines).toHaveLength(3);
  });

  it("gives a word longer than the width a line of its own", () => {
    expect(wrapWords("a averyveryverylongword b", 8)).toEqual([
      "a ",
      "averyveryverylongword ",
      "b",
    ]);
  });
});
