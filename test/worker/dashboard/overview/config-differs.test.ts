import { describe, expect, it } from "vitest";
import { configDiffers } from "../../../../worker/dashboard/overview/config-differs";

const SHA = (digit: string) => digit.repeat(64);
const ACTIVE = { revision: 5, sha256: SHA("a") };
const standby = { isActive: false, heard: true, active: ACTIVE };

describe("configDiffers", () => {
  it.each([
    ["another revision", { revision: 4, sha256: SHA("b") }, "revision 4 vs 5"],
    [
      "the same revision, other bytes",
      { revision: 5, sha256: SHA("b") },
      "both say revision 5, the files differ (edited by hand?)",
    ],
    ["no managed file", null, "no managed config vs revision 5"],
    [
      "a file without its header",
      { revision: null, sha256: SHA("c") },
      "a file without a revision header vs revision 5",
    ],
  ])("names %s in words", (_, member, words) => {
    expect(configDiffers({ ...standby, member })).toBe(`config differs from the active: ${words}`);
  });

  it("says nothing when the file is the active's, for the active, or without anything to compare", () => {
    expect(configDiffers({ ...standby, member: { ...ACTIVE } })).toBeNull();
    expect(configDiffers({ ...standby, isActive: true, member: null })).toBeNull();
    expect(configDiffers({ ...standby, heard: false, member: null })).toBeNull();
    expect(
      configDiffers({ ...standby, active: null, member: { revision: 4, sha256: SHA("b") } }),
    ).toBeNull();
  });

  it("names the active's file when it has no revision header", () => {
    const active = { revision: null, sha256: SHA("a") };
    expect(configDiffers({ ...standby, active, member: { revision: 4, sha256: SHA("b") } })).toBe(
      "config differs from the active: revision 4 vs a file without a revision header",
    );
  });
});
