import { describe, expect, it } from "vitest";
import { sha256Hex } from "../../../worker/lib/crypto";
import { sha256HexSync } from "../../../worker/lib/sha256-sync";

describe("sha256HexSync", () => {
  it.each([
    ["empty", ""],
    ["abc", "abc"],
    ["55 bytes (padding fits one block)", "a".repeat(55)],
    ["56 bytes (padding needs a second block)", "a".repeat(56)],
    ["64 bytes", "b".repeat(64)],
    ["multi-byte UTF-8", "Zürich – 東京 😀\n".repeat(40)],
    ["a config-sized text", "server app1 10.0.0.11:8080 check\n".repeat(5000)],
  ])("%s matches WebCrypto", async (_, text) => {
    expect(sha256HexSync(text)).toBe(await sha256Hex(text));
  });

  it("gives the published digest of abc", () => {
    expect(sha256HexSync("abc")).toBe(
      "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad",
    );
  });
});
