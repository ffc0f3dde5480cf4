/**
 * haproxy.restore of hostile archives against a real HAProxy 2.6 run by the DirectServiceManager
 * (issue #11): a symlink chain that climbs out of the staging directory, and a manifest whose
 * external file names a path outside the directories the VM allows. Each must fail the job
 * naming the entry or path, write nothing anywhere, and leave the live config serving.
 */
import { mkdtemp, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { createServer as createHttpServer, type Server } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { type ArchiveEntry, packTarGz } from "../../../agent/jobs/archive";
import { sha256Hex } from "../../../agent/jobs/backup";
import type { BackupManifest } from "../../../agent/jobs/backup-manifest";
import { haproxyHandlers } from "../../../agent/jobs/haproxy";
import { JobFailed } from "../../../agent/jobs/types";
import { freePort } from "../haproxy/haproxy-instance";
import { MemoryJobApi, testJob } from "./job-context";
import { get, haproxyConfig, type Site, startHaproxySite } from "./sites";

let upstream: Server;
let upstreamPort: number;
let site: Site & { port: number; socket: string };
let outside: string;

beforeAll(async () => {
  upstream = createHttpServer((_req, res) => res.end("upstream\n"));
  await new Promise<void>((resolve) => upstream.listen(0, "127.0.0.1", resolve));
  const address = upstream.address();
  upstreamPort = typeof address === "object" && address ? address.port : 0;
  outside = await mkdtemp(join(tmpdir(), "baton-restore-outside-"));
  const port = await freePort();
  const socket = join(outside, "admin.sock");
  const started = await startHaproxySite({ socket, port, body: "live", upstream: upstreamPort });
  site = { ...started, port, socket };
}, 30_000);

afterAll(async () => {
  await site?.stop();
  await new Promise((resolve) => upstream?.close(resolve));
  await rm(outside, { recursive: true, force: true });
});

afterEach(async () => {
  // Whatever a test did, the live site is untouched for the next one.
  expect(await get(site.port)).toBe("live");
});

const meta = { mode: 0o644, uid: 0, gid: 0, mtimeS: 0 };
const text = (path: string, body: string): ArchiveEntry => ({
  ...meta,
  path,
  type: "file",
  data: new TextEncoder().encode(body),
});
const link = (path: string, target: string): ArchiveEntry => ({
  ...meta,
  path,
  type: "symlink",
  target,
});

function manifest(external: BackupManifest["external"] = []): ArchiveEntry {
  const body: BackupManifest = {
    format: 1,
    service: "haproxy",
    hostname: "edge-a",
    createdAt: 0,
    configDir: "/etc/haproxy",
    configFile: "haproxy.cfg",
    external,
  };
  return text("baton-backup.json", JSON.stringify(body));
}

function config(extra: string[] = []): string {
  return (
    haproxyConfig({
      socket: site.socket,
      port: site.port,
      body: "restored",
      upstream: upstreamPort,
    }) + extra.join("\n")
  );
}

async function restore(entries: ArchiveEntry[], extraAllowedDirs: string[] = []) {
  const api = new MemoryJobApi();
  const archive = packTarGz(entries);
  api.backups.set("bak_1", { service: "haproxy", archive, sha256: sha256Hex(archive), jobId: "" });
  const job = testJob({
    kind: "haproxy.restore",
    services: site.services,
    config: { ...site.config, extraAllowedDirs },
    api,
  });
  const outcome = await haproxyHandlers["haproxy.restore"]({ backupId: "bak_1" }, job.ctx).then(
    () => "succeeded",
    (error: unknown) => error,
  );
  return { job, outcome };
}

/** The job's failure, checked only after the disk was: what it left behind is the point. */
function failed(outcome: unknown): JobFailed {
  expect(outcome).toBeInstanceOf(JobFailed);
  return outcome as JobFailed;
}

async function expectUntouched() {
  expect((await readdir(site.dir)).sort()).toEqual(["conf", "run"]);
  expect((await readdir(site.confDir)).sort()).toEqual(["conf.d", "haproxy.cfg"]);
  expect(await readFile(site.configFile, "utf8")).toContain('string "live"');
}

describe("haproxy.restore refuses archives that would write outside the staging directory", () => {
  it("a symlink chain (d -> ., e -> d/..) with a file written through it", async () => {
    // Lexically `d/..` is the config dir itself; on disk e is the staging dir's parent, so
    // config/e/planted would land beside the config dir. The config fails to load, so the job
    // "restores the previous config" either way: only what it left behind tells them apart.
    const { outcome } = await restore([
      manifest(),
      text("config/haproxy.cfg", config(["    nonsense-keyword"])),
      link("config/d", "."),
      link("config/e", "d/.."),
      text("config/e/planted", "written through a link"),
    ]);
    await expectUntouched();
    const error = failed(outcome);
    expect(error.message).toMatch(/archive entry "config\/(d|e)"/);
    expect(error.message).toMatch(/nothing was changed/);
  }, 30_000);

  it("an external file whose path lies outside the allowed directories", async () => {
    const victim = join(site.dir, "victim.txt");
    await writeFile(victim, "precious\n");
    try {
      // HAProxy accepts free text after `description`, and the reference scanner sees `crt`.
      const { outcome } = await restore([
        manifest([{ path: "external/0/victim.txt", original: victim }]),
        text("config/haproxy.cfg", config([`    description crt ${victim}`, ""])),
        text("external/0/victim.txt", "overwritten\n"),
      ]);
      expect(await readFile(victim, "utf8")).toBe("precious\n");
      const error = failed(outcome);
      expect(error.message).toContain(victim);
      expect(error.message).toMatch(/BATON_ALLOWED_DIRS/);
      expect((await readdir(site.dir)).sort()).toEqual(["conf", "run", "victim.txt"]);
      expect(await readFile(site.configFile, "utf8")).toContain('string "live"');
    } finally {
      await rm(victim, { force: true });
    }
  }, 30_000);
});
