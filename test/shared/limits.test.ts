import { describe, expect, it } from "vitest";
import { formatCap, jsonBytes, utf8Length } from "../../shared/limits";

describe("utf8Length", () => {
  it.each([
    ["", 0],
    ["haproxy", 7],
    ["é", 2],
    ["─", 3],
    ["😀", 4],
    ["\ud800", 3], // a lone surrogate is sent as U+FFFD
    ["a\udc00b", 5],
  ])("%j is %i bytes, as TextEncoder says", (text, bytes) => {
    expect(utf8Length(text)).toBe(bytes);
    expect(utf8Length(text)).toBe(new TextEncoder().encode(text).length);
  });

  it("measures JSON as sent, escapes included", () => {
    expect(jsonBytes({ config: "a\nb" })).toBe('{"config":"a\\nb"}'.length);
  });
});

describe("formatCap", () => {
  it.each([
    [256 * 1024, "256 KiB"],
    [4 * 1024 * 1024, "4 MiB"],
    [1000, "1000 bytes"],
  ])("%i → %s", (bytes, text) => {
    expect(formatCap(bytes)).toBe(text);
  });
});
