/** The tar.gz writer and reader backups use: what goes in comes out, damage is refused. */
import { execFileSync } from "node:child_process";
import { mkdtemp, readFile, readlink, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import { describe, expect, it } from "vitest";
import {
  type ArchiveEntry,
  packTarGz,
  readTar,
  unpackTarGz,
  writeTar,
} from "../../../agent/jobs/archive";

const base = { mode: 0o640, uid: 0, gid: 0, mtimeS: 1_700_000_000 };
const longName = `config/${"deep/".repeat(30)}haproxy.cfg`;
const entries: ArchiveEntry[] = [
  { ...base, path: "config", type: "directory", mode: 0o755 },
  { ...base, path: "config/haproxy.cfg", type: "file", data: new TextEncoder().encode("global\n") },
  { ...base, path: "config/current.cfg", type: "symlink", target: "haproxy.cfg" },
  { ...base, path: longName, type: "file", data: new Uint8Array(1500).fill(7) },
];

describe("tar archive", () => {
  it("reads back every entry it wrote, long (pax) names included", () => {
    expect(unpackTarGz(packTarGz(entries))).toEqual(entries);
  });

  it("writes archives the system tar extracts identically", async () => {
    const dir = await mkdtemp(join(tmpdir(), "baton-tar-"));
    try {
      await writeFile(join(dir, "a.tar"), writeTar(entries));
      execFileSync("tar", ["-xf", "a.tar"], { cwd: dir });
      expect(await readFile(join(dir, "config/haproxy.cfg"), "utf8")).toBe("global\n");
      expect(await readlink(join(dir, "config/current.cfg"))).toBe("haproxy.cfg");
      expect((await readFile(join(dir, longName))).length).toBe(1500);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it("refuses a damaged header, a truncated archive, non-gzip input and hard links", () => {
    const tar = writeTar(entries);
    const damaged = tar.slice();
    damaged[10] = (damaged[10] ?? 0) ^ 1;
    expect(() => readTar(damaged)).toThrow(/checksum mismatch/);
    expect(() => readTar(tar.slice(0, 512 * 3 + 100))).toThrow(/truncated/);
    expect(() => unpackTarGz(new TextEncoder().encode("plain text"))).toThrow(
      /not a readable tar.gz/,
    );
    const hardLink = writeTar([
      { ...base, path: "config/x", type: "symlink", target: "/etc/shadow" },
    ]);
    hardLink[156] = "1".charCodeAt(0);
    // Fix the checksum so only the type is wrong.
    hardLink.fill(0x20, 148, 156);
    const sum = hardLink.subarray(0, 512).reduce((t, b) => t + b, 0);
    hardLink.set(new TextEncoder().encode(`${sum.toString(8).padStart(6, "0")}\0`), 148);
    expect(() => unpackTarGz(gzipSync(hardLink))).toThrow(/unsupported entry type '1'/);
  });
});
