import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { unifiedDiff } from "../../../worker/balancer/diff";

/** Applies `diff` to `before` with the system's own `patch`: an independent reader of the format. */
function applyWithPatch(before: string, diff: string): string {
  const dir = mkdtempSync(join(tmpdir(), "baton-diff-"));
  try {
    const file = join(dir, "file");
    writeFileSync(file, before);
    const run = spawnSync("patch", ["--quiet", "--force", file], { input: diff, encoding: "utf8" });
    expect(run.status, run.stdout + run.stderr).toBe(0);
    return readFileSync(file, "utf8");
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** A deterministic pseudo-random config-like text and an edited copy of it. */
function texts(seed: number, size: number, edits: number): [string, string] {
  let state = seed;
  const random = (below: number) => {
    state = (state * 1103515245 + 12345) % 2 ** 31;
    return state % below;
  };
  const before = Array.from({ length: size }, (_, i) => `  server s${i % 17} 10.0.0.${i % 9}:80`);
  const after = [...before];
  for (let i = 0; i < edits; i++) {
    const at = random(after.length + 1);
    const kind = random(3);
    if (kind === 0) after.splice(at, 1);
    else if (kind === 1) after.splice(at, 0, `  added ${i}`);
    else after[Math.min(at, after.length - 1)] = `  changed ${i}`;
  }
  return [`${before.join("\n")}\n`, `${after.join("\n")}\n`];
}

describe("unifiedDiff", () => {
  it("is empty for equal texts", () => {
    expect(unifiedDiff("a\nb\n", "a\nb\n", "r1", "r2")).toBe("");
  });

  it("shows one changed line with three lines of context, as diff -u does", () => {
    const before = "1\n2\n3\n4\n5\n6\n7\n8\n9\n";
    const after = "1\n2\n3\n4\nfive\n6\n7\n8\n9\n";
    expect(unifiedDiff(before, after, "revision 1", "revision 2")).toBe(
      "--- revision 1\n+++ revision 2\n@@ -2,7 +2,7 @@\n 2\n 3\n 4\n-5\n+five\n 6\n 7\n 8\n",
    );
  });

  it("diffs from and to an empty text", () => {
    expect(unifiedDiff("", "a\nb\n", "none", "r1")).toBe(
      "--- none\n+++ r1\n@@ -0,0 +1,2 @@\n+a\n+b\n",
    );
    expect(unifiedDiff("a\n", "", "r1", "r2")).toBe("--- r1\n+++ r2\n@@ -1,1 +0,0 @@\n-a\n");
  });

  it.each([
    [1, 40, 1],
    [2, 200, 5],
    [3, 500, 40],
    [4, 30, 30],
    [5, 1000, 200],
  ])("seed %i (%i lines, %i edits): patch turns before into after", (seed, size, edits) => {
    const [before, after] = texts(seed, size, edits);
    const diff = unifiedDiff(before, after, "a", "b");
    expect(applyWithPatch(before, diff)).toBe(after);
  });

  it("shows a rewrite past the edit limit as replaced whole, still correct", () => {
    const before = `${Array.from({ length: 3000 }, (_, i) => `old ${i}`).join("\n")}\n`;
    const after = `${Array.from({ length: 3000 }, (_, i) => `new ${i}`).join("\n")}\n`;
    const diff = unifiedDiff(before, after, "a", "b");
    expect(applyWithPatch(before, diff)).toBe(after);
  });
});
