/**
 * planConfigTree: what a restore stages from an archive's config/ entries. Links are resolved
 * against the archive alone; the result holds plain directories and files only, or the first
 * entry that cannot be one is named.
 */
import { describe, expect, it } from "vitest";
import type { ArchiveEntry } from "../../../agent/jobs/archive";
import { planConfigTree } from "../../../agent/jobs/config-tree";

const meta = { mode: 0o644, uid: 0, gid: 0, mtimeS: 0 };
const dir = (path: string): ArchiveEntry => ({ ...meta, mode: 0o755, path, type: "directory" });
const file = (path: string, text = path, mode = 0o644): ArchiveEntry => ({
  ...meta,
  mode,
  path,
  type: "file",
  data: new TextEncoder().encode(text),
});
const link = (path: string, target: string): ArchiveEntry => ({
  ...meta,
  path,
  type: "symlink",
  target,
});

const text = (entry: { type: string; data?: Uint8Array } | undefined) =>
  entry?.type === "file" ? new TextDecoder().decode(entry.data) : entry?.type;

describe("planConfigTree", () => {
  it("keeps directories and files, directories first, parents before children", () => {
    const plan = planConfigTree([
      file("config/a/b.cfg"),
      file("config/main.cfg"),
      dir("config/a"),
      file("baton-backup.json"),
      file("external/0/x.pem"),
    ]);
    expect(plan.map((e) => `${e.type}:${e.path}`)).toEqual([
      "directory:a",
      "file:a/b.cfg",
      "file:main.cfg",
    ]);
  });

  it.each([
    ["a sibling file", [file("config/site"), link("config/l", "site")], "config/site"],
    [
      "a file up and down",
      [dir("config/a"), file("config/s"), link("config/a/l", "../s")],
      "config/s",
    ],
    [
      "a chain of links to a file",
      [file("config/s"), link("config/l1", "s"), link("config/l2", "./l1")],
      "config/s",
    ],
  ])("turns a link to %s into a copy of it", (_name, entries, source) => {
    const plan = planConfigTree(entries);
    const linkPath = entries.at(-1)?.path.replace("config/", "");
    expect(text(plan.find((e) => e.path === linkPath))).toBe(source);
    expect(plan.every((e) => e.type === "file" || e.type === "directory")).toBe(true);
  });

  it.each([
    [
      "a link to the config dir itself",
      [link("config/d", ".")],
      /"config\/d" is a link to a directory/,
    ],
    ["a link to a directory", [dir("config/a"), link("config/d", "a")], /is a link to a directory/],
    [
      "the symlink chain that climbs out (d -> ., e -> d/..)",
      [link("config/e", "d/.."), link("config/d", ".")],
      /"config\/e" is a link leaving the backup/,
    ],
    ["a link up and out", [link("config/l", "../x")], /is a link leaving the backup/],
    [
      "an absolute link",
      [link("config/l", "/etc/shadow")],
      /link to the absolute path \/etc\/shadow/,
    ],
    ["a dangling link", [link("config/l", "nope")], /which the backup does not hold/],
    ["a loop", [link("config/a", "b"), link("config/b", "a")], /loop of links/],
    [
      "a link through a file",
      [file("config/f"), link("config/l", "f/x")],
      /through config\/f, which is not a directory/,
    ],
    [
      "a file under a link",
      [dir("config/sub"), file("config/l/x"), link("config/l", "sub")],
      /"config\/l\/x" lies under config\/l, which is not a directory/,
    ],
    ["a file under a missing directory", [file("config/a/b")], /lies under config\/a/],
  ])("refuses %s", (_name, entries, message) => {
    expect(() => planConfigTree(entries)).toThrow(message);
  });

  it("drops setuid, setgid, sticky and execute bits", () => {
    const plan = planConfigTree([
      { ...dir("config/a"), mode: 0o7755 },
      file("config/a/run", "x", 0o4755),
    ]);
    expect(plan.map((e) => e.mode.toString(8))).toEqual(["755", "644"]);
  });
});
