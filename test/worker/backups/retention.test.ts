import { describe, expect, it } from "vitest";
import { backupsToPrune, retentionText } from "../../../worker/backups/retention";

const MiB = 1024 * 1024;
/** Existing backups newest first, named by age: b1 is the newest. */
const existing = (...sizes: number[]) =>
  sizes.map((sizeBytes, i) => ({ id: `b${i + 1}`, sizeBytes }));
const ids = (rows: { id: string }[]) => rows.map((row) => row.id);

describe("backupsToPrune", () => {
  it.each([
    ["under both limits", existing(1, 1), 1, { keepPerMember: 3, maxBytesPerMember: 10 }, []],
    [
      "past the count: the oldest go",
      existing(1, 1, 1, 1),
      1,
      { keepPerMember: 3, maxBytesPerMember: 99 },
      ["b3", "b4"],
    ],
    [
      "past the bytes: the oldest go",
      existing(4, 4, 1),
      4,
      { keepPerMember: 20, maxBytesPerMember: 10 },
      ["b2", "b3"],
    ],
    ["exactly at both limits", existing(3, 3), 4, { keepPerMember: 3, maxBytesPerMember: 10 }, []],
    [
      "30 uploads of 1 MiB at the defaults",
      existing(...Array(29).fill(MiB)),
      MiB,
      { keepPerMember: 20, maxBytesPerMember: 50 * MiB },
      Array.from({ length: 10 }, (_, i) => `b${i + 20}`),
    ],
  ])("%s", (_name, rows, incoming, retention, pruned) => {
    expect(ids(backupsToPrune(rows, incoming, retention))).toEqual(pruned);
  });

  it("reads as a person would say it", () => {
    expect(retentionText({ keepPerMember: 20, maxBytesPerMember: 50 * MiB })).toBe(
      "newest 20, at most 50 MiB",
    );
  });
});
