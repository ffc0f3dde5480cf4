/**
 * Restore's checks and rollback against the stand-in service (fake-target.ts): archives that
 * try to write outside the config dir are refused before anything is touched, external
 * certificate files go back where the restored config references them, and a restore that
 * fails to load puts back every previous file.
 */
import { lstat, mkdir, mkdtemp, readdir, readFile, rm, symlink, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { type ArchiveEntry, packTarGz, unpackTarGz } from "../../../agent/jobs/archive";
import { runBackup, sha256Hex } from "../../../agent/jobs/backup";
import type { BackupManifest } from "../../../agent/jobs/backup-manifest";
import { runRestore } from "../../../agent/jobs/restore";
import { FakeServices, fakeTarget } from "./fake-target";
import { failure, MemoryJobApi, testJob } from "./job-context";

let root: string;
let api: MemoryJobApi;

beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), "baton-restore-"));
  api = new MemoryJobApi();
});

afterEach(async () => {
  await rm(root, { recursive: true, force: true });
});

/** A config dir `name` under root with main.cfg holding `text`. */
async function configDir(name: string, text: string): Promise<string> {
  const dir = join(root, name);
  await mkdir(dir);
  await writeFile(join(dir, "main.cfg"), text);
  return dir;
}

function store(entries: ArchiveEntry[], service: "haproxy" | "nginx" = "haproxy"): string {
  const archive = packTarGz(entries);
  const id = `bk_${api.backups.size + 1}`;
  api.backups.set(id, { service, archive, sha256: sha256Hex(archive), jobId: "job" });
  return id;
}

const meta = { mode: 0o644, uid: 0, gid: 0, mtimeS: 0 };
function manifestEntry(external: BackupManifest["external"] = []): ArchiveEntry {
  const manifest: BackupManifest = {
    format: 1,
    service: "haproxy",
    hostname: "edge-a",
    createdAt: 0,
    configDir: "/etc/haproxy",
    configFile: "main.cfg",
    external,
  };
  return {
    ...meta,
    path: "baton-backup.json",
    type: "file",
    data: new TextEncoder().encode(JSON.stringify(manifest)),
  };
}
const file = (path: string, text: string): ArchiveEntry => ({
  ...meta,
  path,
  type: "file",
  data: new TextEncoder().encode(text),
});

describe("restore refuses unsafe archives and touches nothing", () => {
  it.each([
    ["an entry with '..'", [file("config/../../evil", "x")], /contains '\.\.'/],
    ["an absolute entry", [file("/etc/evil", "x")], /is absolute/],
    [
      "a link leaving the config dir",
      [{ ...meta, path: "config/l", type: "symlink", target: "../../etc/passwd" } as ArchiveEntry],
      /is a link leaving the backup/,
    ],
    [
      "an absolute link",
      [{ ...meta, path: "config/l", type: "symlink", target: "/etc/passwd" } as ArchiveEntry],
      /is a link to the absolute path/,
    ],
    [
      "an entry outside config/ and external/",
      [file("other/x", "x")],
      /not part of a Baton backup/,
    ],
  ])("%s", async (_name, extra, message) => {
    const dir = await configDir("live", "frontend live\n");
    const target = fakeTarget(dir);
    const services = new FakeServices(target.configFile);
    const id = store([manifestEntry(), file("config/main.cfg", "frontend restored\n"), ...extra]);
    const { ctx } = testJob({ kind: "haproxy.restore", services, api });
    const error = await failure(runRestore(ctx, target, id));
    expect(error.message).toMatch(message);
    expect(await readFile(target.configFile, "utf8")).toBe("frontend live\n");
    expect((await readdir(root)).sort()).toEqual(["live"]);
    expect(services.loaded).toEqual([]);
  });

  it("an nginx backup on an HAProxy member", async () => {
    const dir = await configDir("live", "frontend live\n");
    const target = fakeTarget(dir);
    const id = store([manifestEntry(), file("config/main.cfg", "x\n")], "nginx");
    const { ctx } = testJob({
      kind: "haproxy.restore",
      services: new FakeServices(target.configFile),
      api,
    });
    expect((await failure(runRestore(ctx, target, id))).message).toMatch(
      /is a nginx backup, not haproxy/,
    );
  });

  it("an external file the restored config does not reference", async () => {
    const dir = await configDir("live", "frontend live\n");
    const target = fakeTarget(dir, { referenced: [] });
    const victim = join(root, "victim.txt");
    const id = store([
      manifestEntry([{ path: "external/0/victim.txt", original: victim }]),
      file("config/main.cfg", "frontend restored\n"),
      file("external/0/victim.txt", "overwritten"),
    ]);
    const { ctx } = testJob({
      kind: "haproxy.restore",
      services: new FakeServices(target.configFile),
      config: { extraAllowedDirs: [root] },
      api,
    });
    expect((await failure(runRestore(ctx, target, id))).message).toMatch(/does not reference/);
    expect((await readdir(root)).sort()).toEqual(["live"]);
  });
});

describe("external files go only into the directories the VM allows", () => {
  it("refuses a path under an allowed directory that a link on the host leads out of", async () => {
    const dir = await configDir("live", "frontend live\n");
    await mkdir(join(root, "ssl"));
    await mkdir(join(root, "elsewhere"));
    await symlink(join(root, "elsewhere"), join(root, "ssl", "escape"));
    const original = join(root, "ssl", "escape", "site.pem");
    const target = fakeTarget(dir, { referenced: [original] });
    const id = store([
      manifestEntry([{ path: "external/0/site.pem", original }]),
      file("config/main.cfg", "frontend restored\n"),
      file("external/0/site.pem", "CERT"),
    ]);
    const { ctx } = testJob({
      kind: "haproxy.restore",
      services: new FakeServices(target.configFile),
      config: { extraAllowedDirs: [join(root, "ssl")] },
      api,
    });
    const error = await failure(runRestore(ctx, target, id));
    expect(error.message).toContain(`${original}, whose directory leads outside`);
    expect(await readdir(join(root, "elsewhere"))).toEqual([]);
    expect((await readdir(root)).sort()).toEqual(["elsewhere", "live", "ssl"]);
    expect(await readFile(target.configFile, "utf8")).toBe("frontend live\n");
  });

  it("creates an allowed directory that does not exist yet (a fresh VM's /etc/ssl/baton)", async () => {
    const dir = await configDir("live", "frontend live\n");
    const original = join(root, "tls", "site.pem");
    const target = fakeTarget(dir, { referenced: [original] });
    const id = store([
      manifestEntry([{ path: "external/0/site.pem", original }]),
      file("config/main.cfg", "frontend restored\n"),
      file("external/0/site.pem", "CERT"),
    ]);
    const services = new FakeServices(target.configFile);
    const { ctx } = testJob({
      kind: "haproxy.restore",
      services,
      config: { extraAllowedDirs: [join(root, "tls")] },
      api,
    });
    await runRestore(ctx, target, id);
    expect(await readFile(original, "utf8")).toBe("CERT");
    expect(services.loaded).toEqual(["frontend restored\n"]);
  });
});

describe("backup and restore with a certificate outside the config dir", () => {
  // The VM's agent.env allows this directory (as BATON_ALLOWED_DIRS would).
  const sslAllowed = () => ({ extraAllowedDirs: [join(root, "ssl")] });

  it("puts the certificate back where the config names it, across config dirs", async () => {
    const cert = join(root, "ssl", "site.pem");
    await mkdir(join(root, "ssl"));
    await writeFile(cert, "CERT A");
    const a = fakeTarget(await configDir("a", "frontend a\n"), { referenced: [cert] });
    const backup = testJob({
      kind: "haproxy.backup",
      services: new FakeServices(a.configFile),
      api,
    });
    await runBackup(backup.ctx, a);

    await writeFile(cert, "CERT B");
    const b = fakeTarget(await configDir("b", "frontend b\n"), { referenced: [cert] });
    const services = new FakeServices(b.configFile);
    const restore = testJob({ kind: "haproxy.restore", services, api, config: sslAllowed() });
    await runRestore(restore.ctx, b, "bk_1");
    // The control plane's record of who uploaded it, not the archive's own claim.
    expect(restore.lines).toContain(
      "backup bk_1 was uploaded by edge-test for job job_haproxy.backup",
    );
    expect(await readFile(b.configFile, "utf8")).toBe("frontend a\n");
    expect(await readFile(cert, "utf8")).toBe("CERT A");
    expect(services.loaded).toEqual(["frontend a\n"]);
    expect((await readdir(root)).sort()).toEqual(["a", "b", "ssl"]);
    expect(await readdir(join(root, "ssl"))).toEqual(["site.pem"]);
  });

  it("puts every previous file back when the restored config fails to load", async () => {
    const cert = join(root, "ssl", "site.pem");
    await mkdir(join(root, "ssl"));
    await writeFile(cert, "CERT A");
    const a = fakeTarget(await configDir("a", "FAILS_ON_RELOAD\n"), { referenced: [cert] });
    await runBackup(
      testJob({ kind: "haproxy.backup", services: new FakeServices(a.configFile), api }).ctx,
      a,
    );

    await writeFile(cert, "CERT B");
    const b = fakeTarget(await configDir("b", "frontend b\n"), { referenced: [cert] });
    await writeFile(join(b.configDir, "extra.cfg"), "only on b");
    const services = new FakeServices(b.configFile);
    const restore = testJob({ kind: "haproxy.restore", services, api, config: sslAllowed() });
    const error = await failure(runRestore(restore.ctx, b, "bk_1"));
    expect(error.message).toMatch(/previous configuration restored and reloaded/);
    expect(await readFile(b.configFile, "utf8")).toBe("frontend b\n");
    expect(await readFile(join(b.configDir, "extra.cfg"), "utf8")).toBe("only on b");
    expect(await readFile(cert, "utf8")).toBe("CERT B");
    expect(services.loaded).toEqual(["frontend b\n"]);
    expect((await readdir(root)).sort()).toEqual(["a", "b", "ssl"]);
    expect(await readdir(join(root, "ssl"))).toEqual(["site.pem"]);
  });
});

describe("links in a restore archive", () => {
  const link = (path: string, target: string) =>
    ({ ...meta, path, type: "symlink", target }) as ArchiveEntry;

  it("an older backup's link to one of its files is restored as a copy, never as a link", async () => {
    const dir = await configDir("live", "frontend live\n");
    const target = fakeTarget(dir);
    const services = new FakeServices(target.configFile);
    const id = store([
      manifestEntry(),
      file("config/main.cfg", "frontend restored\n"),
      { ...meta, path: "config/sites", type: "directory" },
      file("config/sites/default", "site\n"),
      { ...meta, path: "config/enabled", type: "directory" },
      link("config/enabled/default", "../sites/default"),
    ]);
    const { ctx } = testJob({ kind: "haproxy.restore", services, api });
    await runRestore(ctx, target, id);
    const enabled = join(dir, "enabled", "default");
    expect((await lstat(enabled)).isFile()).toBe(true);
    expect(await readFile(enabled, "utf8")).toBe("site\n");
    expect((await readdir(root)).sort()).toEqual(["live"]);
  });

  it("a backup stores a linked file as the file, so the archive holds no links", async () => {
    const dir = await configDir("live", "frontend live\n");
    await symlink("main.cfg", join(dir, "current.cfg"));
    const target = fakeTarget(dir);
    const { ctx } = testJob({
      kind: "haproxy.backup",
      services: new FakeServices(target.configFile),
      api,
    });
    await runBackup(ctx, target);
    const entries = unpackTarGz(api.backups.get("bk_1")?.archive ?? new Uint8Array());
    expect(entries.filter((e) => e.type === "symlink")).toEqual([]);
    const current = entries.find((e) => e.path === "config/current.cfg");
    expect(current?.type === "file" && new TextDecoder().decode(current.data)).toBe(
      "frontend live\n",
    );
  });

  it("refuses a file under a link, naming it, and leaves nothing behind", async () => {
    const dir = await configDir("live", "frontend live\n");
    const target = fakeTarget(dir);
    const id = store([
      manifestEntry(),
      file("config/main.cfg", "frontend restored\n"),
      { ...meta, path: "config/sub", type: "directory" },
      file("config/l/x", "through a link"),
      link("config/l", "sub"),
    ]);
    const { ctx } = testJob({
      kind: "haproxy.restore",
      services: new FakeServices(target.configFile),
      api,
    });
    const error = await failure(runRestore(ctx, target, id));
    expect(error.message).toContain('archive entry "config/l/x" lies under config/l');
    expect((await readdir(root)).sort()).toEqual(["live"]);
    expect(await readdir(dir)).toEqual(["main.cfg"]);
  });
});
