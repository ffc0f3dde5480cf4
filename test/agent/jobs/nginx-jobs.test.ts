/**
 * The nginx job handlers against a real nginx 1.22 run by the DirectServiceManager: config
 * apply (good, rejected, failing on reload) and backup on one instance restored on another.
 * Loopback ports; temp dirs removed afterwards.
 */
import { mkdtemp, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { nginxHandlers } from "../../../agent/jobs/nginx";
import { freePort } from "../haproxy/haproxy-instance";
import { failure, MemoryJobApi, testJob } from "./job-context";
import { get, holdPort, nginxConfig, type Site, startNginxSite } from "./sites";

/** Where nginx's logs and pid go: one per group of sites that take turns. */
const runtimes: string[] = [];
const sites: Site[] = [];

afterAll(async () => {
  for (const site of sites) await site.stop();
  for (const dir of runtimes) await rm(dir, { recursive: true, force: true });
});

async function newRuntime(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), "baton-nginx-jobs-"));
  runtimes.push(dir);
  return dir;
}

async function site(body: string, runtime: string, port?: number) {
  const listen = port ?? (await freePort());
  const started = await startNginxSite({ port: listen, body, runtime });
  sites.push(started);
  return { ...started, port: listen };
}

describe("nginx.config.apply and nginx.reload", () => {
  let edge: Awaited<ReturnType<typeof site>>;
  let runtime: string;
  const job = (kind: "nginx.config.apply" | "nginx.reload") =>
    testJob({ kind, services: edge.services, config: edge.config });
  const config = (body: string) => nginxConfig({ runtime, port: edge.port, body });

  beforeAll(async () => {
    runtime = await newRuntime();
    edge = await site("one", runtime);
  }, 30_000);

  it("applies a good config: the server answers the new body", async () => {
    const { ctx, lines } = job("nginx.config.apply");
    await nginxHandlers["nginx.config.apply"]({ config: config("two") }, ctx);
    expect(await get(edge.port)).toBe("two");
    expect(lines.join("\n")).toMatch(/nginx reloaded and active/);
    expect((await readdir(edge.confDir)).sort()).toEqual(["conf.d", "nginx.conf"]);
  }, 30_000);

  it("rejects a broken config with nginx's own error: file unchanged, old config serving", async () => {
    const before = await readFile(edge.configFile, "utf8");
    const { ctx, lines } = job("nginx.config.apply");
    const broken = config("three").replace("http {", "http {\n  frobnicate on;");
    const error = await failure(nginxHandlers["nginx.config.apply"]({ config: broken }, ctx));
    expect(error.message).toMatch(/\[emerg\] .*unknown directive "frobnicate"/);
    expect(lines.join("\n")).toContain(`in ${edge.configFile}:`);
    expect(await readFile(edge.configFile, "utf8")).toBe(before);
    expect(await get(edge.port)).toBe("two");
    expect((await readdir(edge.confDir)).sort()).toEqual(["conf.d", "nginx.conf"]);
  }, 30_000);

  it("refuses, before any reload, a config that validates but cannot bind its port, and keeps serving", async () => {
    const { port: busyPort, release } = await holdPort();
    try {
      const before = await readFile(edge.configFile, "utf8");
      const { ctx } = job("nginx.config.apply");
      const clash = config("four").replace(
        `listen 127.0.0.1:${edge.port};`,
        `listen 127.0.0.1:${edge.port};\n    listen 127.0.0.1:${busyPort};`,
      );
      const error = await failure(nginxHandlers["nginx.config.apply"]({ config: clash }, ctx));
      expect(error.message).toMatch(
        new RegExp(
          `listener 127.0.0.1:${busyPort}: port ${busyPort} is already in use by .*not loaded`,
        ),
      );
      expect(await readFile(edge.configFile, "utf8")).toBe(before);
      expect(await get(edge.port)).toBe("two");
      expect((await edge.services.status("nginx")).activeState).toBe("active");
    } finally {
      await release();
    }
  }, 40_000);

  it("reload validates the live config first and refuses a broken one", async () => {
    await writeFile(edge.configFile, config("by hand"));
    await nginxHandlers["nginx.reload"]({}, job("nginx.reload").ctx);
    expect(await get(edge.port)).toBe("by hand");
    await writeFile(edge.configFile, config("bad").replace("events", "nonsense on;\nevents"));
    await failure(nginxHandlers["nginx.reload"]({}, job("nginx.reload").ctx));
    expect(await get(edge.port)).toBe("by hand");
    await writeFile(edge.configFile, config("by hand"));
  }, 30_000);
});

describe("nginx.backup on one instance, nginx.restore on another", () => {
  it("restores A's config dir (with conf.d) into B's, B serves it; a tampered archive touches nothing", async () => {
    const api = new MemoryJobApi();
    const runtime = await newRuntime();
    const a = await site("from A", runtime);
    await writeFile(join(a.confDir, "conf.d", "extra.conf"), "server_tokens off;\n");
    const backup = testJob({ kind: "nginx.backup", services: a.services, config: a.config, api });
    await nginxHandlers["nginx.backup"]({}, backup.ctx);
    const [[id, stored] = []] = [...api.backups];
    expect(backup.lines.at(-1)).toBe(
      `backup ${id}: ${stored?.archive.length} bytes, sha256 ${stored?.sha256}`,
    );
    await a.halt();
    const b = await site("from B", runtime, a.port);

    const tampered = api.tamperedCopy(id ?? "");
    const bad = testJob({
      kind: "nginx.restore",
      services: b.services,
      config: b.config,
      api: tampered,
    });
    const error = await failure(nginxHandlers["nginx.restore"]({ backupId: id ?? "" }, bad.ctx));
    expect(error.message).toMatch(/^checksum mismatch/);
    expect(await readdir(join(b.confDir, "conf.d"))).toEqual([]);
    expect(await get(b.port)).toBe("from B");

    const restore = testJob({ kind: "nginx.restore", services: b.services, config: b.config, api });
    await nginxHandlers["nginx.restore"]({ backupId: id ?? "" }, restore.ctx);
    expect(await get(b.port)).toBe("from A");
    expect(await readdir(join(b.confDir, "conf.d"))).toEqual(["extra.conf"]);
    expect((await readdir(b.dir)).sort()).toEqual(["conf", "run"]);
  }, 60_000);
});
