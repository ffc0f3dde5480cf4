/**
 * The HAProxy job handlers against a real HAProxy 2.6 run by the DirectServiceManager: config
 * apply (good, rejected, failing on reload), reload, drain/ready, and backup on one instance
 * restored on another. Ports are loopback; everything lives in temp dirs removed afterwards.
 */
import { mkdir, readdir, readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { showStat } from "../../../agent/haproxy/runtime-api";
import { haproxyHandlers } from "../../../agent/jobs/haproxy";
import { freePort } from "../haproxy/haproxy-instance";
import { failure, MemoryJobApi, testJob } from "./job-context";
import { get, haproxyConfig, holdPort, startHaproxySite, useSiteLab } from "./sites";

const lab = useSiteLab("baton-haproxy-jobs-");

async function site(
  body: string,
  options: { port?: number; socket?: string; configName?: string } = {},
) {
  const port = options.port ?? (await freePort());
  const socket = options.socket ?? join(lab.shared, `admin-${lab.sites.length}.sock`);
  const started = await startHaproxySite({
    socket,
    port,
    body,
    upstream: lab.upstreamPort,
    ...options,
  });
  lab.sites.push(started);
  return { ...started, port, socket };
}

describe("haproxy.config.apply, haproxy.reload, drain and ready", () => {
  let edge: Awaited<ReturnType<typeof site>>;
  const job = (kind: Parameters<typeof testJob>[0]["kind"]) =>
    testJob({ kind, services: edge.services, config: edge.config });
  const config = (body: string, extra: string[] = []) =>
    haproxyConfig({ socket: edge.socket, port: edge.port, body, upstream: lab.upstreamPort }) +
    extra.join("\n");

  beforeAll(async () => {
    edge = await site("one");
  }, 30_000);

  it("applies a good config: the frontend serves the new answer", async () => {
    const { ctx, lines } = job("haproxy.config.apply");
    await haproxyHandlers["haproxy.config.apply"]({ config: config("two") }, ctx);
    expect(await get(edge.port)).toBe("two");
    expect(await readFile(edge.configFile, "utf8")).toBe(config("two"));
    expect(lines.join("\n")).toMatch(/haproxy reloaded and active/);
    expect(await readdir(edge.confDir)).toEqual(["conf.d", "haproxy.cfg"]);
  }, 30_000);

  it("rejects a broken config with haproxy's own error: file unchanged, old config serving", async () => {
    const before = await readFile(edge.configFile, "utf8");
    const served = await get(edge.port);
    const { ctx, lines } = job("haproxy.config.apply");
    const broken = config("three").replace("mode http", "mode http\n    frobnicate yes");
    const error = await failure(haproxyHandlers["haproxy.config.apply"]({ config: broken }, ctx));
    expect(error.message).toMatch(/haproxy -c rejected the configuration: .*frobnicate/);
    expect(lines.join("\n")).toContain(`[${edge.configFile}:`);
    expect(await readFile(edge.configFile, "utf8")).toBe(before);
    expect(await get(edge.port)).toBe(served);
    expect(await readdir(edge.confDir)).toEqual(["conf.d", "haproxy.cfg"]);
  }, 30_000);

  it("refuses, before any reload, a config that validates but cannot bind its port, and keeps serving", async () => {
    const { port: busyPort, release } = await holdPort();
    try {
      const before = await readFile(edge.configFile, "utf8");
      const served = await get(edge.port);
      const { ctx } = job("haproxy.config.apply");
      const clash = config("four").replace(
        `bind 127.0.0.1:${edge.port}`,
        `bind 127.0.0.1:${edge.port}\n    bind 127.0.0.1:${busyPort}`,
      );
      const error = await failure(haproxyHandlers["haproxy.config.apply"]({ config: clash }, ctx));
      expect(error.message).toMatch(
        new RegExp(
          `listener 127.0.0.1:${busyPort}: port ${busyPort} is already in use by .*not loaded`,
        ),
      );
      expect(await readFile(edge.configFile, "utf8")).toBe(before);
      expect(await get(edge.port)).toBe(served);
      expect((await edge.services.status("haproxy")).activeState).toBe("active");
      expect(await readdir(edge.confDir)).toEqual(["conf.d", "haproxy.cfg"]);
    } finally {
      await release();
    }
  }, 40_000);

  it("reload validates the live config and loads edits made by hand", async () => {
    await writeFile(edge.configFile, config("by hand"));
    const { ctx } = job("haproxy.reload");
    await haproxyHandlers["haproxy.reload"]({}, ctx);
    expect(await get(edge.port)).toBe("by hand");
    await writeFile(edge.configFile, config("bad").replace("defaults", "defaults\n    nonsense"));
    const failed = job("haproxy.reload");
    await failure(haproxyHandlers["haproxy.reload"]({}, failed.ctx));
    expect(await get(edge.port)).toBe("by hand");
    await writeFile(edge.configFile, config("by hand"));
  }, 30_000);

  it("starts a stopped HAProxy, and restarts a running one into a new master", async () => {
    await edge.halt();
    expect((await edge.services.status("haproxy")).activeState).toBe("inactive");
    const started = job("haproxy.start");
    await haproxyHandlers["haproxy.start"]({}, started.ctx);
    expect(started.lines.join("\n")).toMatch(/haproxy is active/);
    expect(await get(edge.port)).toBe("by hand");
    const pidFile = join(edge.dir, "run", "haproxy.pid");
    const before = (await readFile(pidFile, "utf8")).trim();
    const restarted = job("haproxy.restart");
    await haproxyHandlers["haproxy.restart"]({}, restarted.ctx);
    expect((await readFile(pidFile, "utf8")).trim()).not.toBe(before);
    expect(await get(edge.port)).toBe("by hand");
  }, 30_000);

  it("refuses to restart into a config that does not validate, and keeps serving", async () => {
    await writeFile(edge.configFile, config("bad").replace("defaults", "defaults\n    nonsense"));
    const { ctx } = job("haproxy.restart");
    await failure(haproxyHandlers["haproxy.restart"]({}, ctx));
    expect(await get(edge.port)).toBe("by hand");
    await writeFile(edge.configFile, config("by hand"));
  }, 30_000);

  it("drains one server, then readies the whole backend, as show stat reports", async () => {
    const states = async () =>
      (await showStat(edge.socket))
        .filter((row) => row.proxy === "be_app" && row.kind === "server")
        .map((row) => `${row.service}:${row.status}`);
    const drain = job("haproxy.drain");
    await haproxyHandlers["haproxy.drain"]({ backend: "be_app", server: "app1" }, drain.ctx);
    expect(await states()).toEqual(["app1:DRAIN", "app2:no check"]);
    expect(drain.lines).toEqual(["be_app/app1: DRAIN"]);
    const drainAll = job("haproxy.drain");
    await haproxyHandlers["haproxy.drain"]({ backend: "be_app" }, drainAll.ctx);
    expect(await states()).toEqual(["app1:DRAIN", "app2:DRAIN"]);
    const ready = job("haproxy.ready");
    await haproxyHandlers["haproxy.ready"]({ backend: "be_app" }, ready.ctx);
    expect(await states()).toEqual(["app1:no check", "app2:no check"]);
    expect(ready.lines).toEqual(["be_app/app1: no check", "be_app/app2: no check"]);
  }, 30_000);

  it("names the backend or server that does not exist and changes nothing", async () => {
    const a = job("haproxy.drain");
    const noBackend = await failure(
      haproxyHandlers["haproxy.drain"]({ backend: "be_nope" }, a.ctx),
    );
    expect(noBackend.message).toBe("no such backend: be_nope");
    const b = job("haproxy.drain");
    const noServer = await failure(
      haproxyHandlers["haproxy.drain"]({ backend: "be_app", server: "app9" }, b.ctx),
    );
    expect(noServer.message).toBe("no such server: be_app/app9");
    const rows = await showStat(edge.socket);
    expect(rows.filter((row) => row.status === "DRAIN")).toEqual([]);
  });
});

describe("haproxy.backup on one instance, haproxy.restore on another", () => {
  it("restores A's config into B's differently located config dir, and B serves it", async () => {
    const api = new MemoryJobApi();
    const a = await site("from A");
    await mkdir(join(a.confDir, "errors"));
    await writeFile(join(a.confDir, "errors", "503.http"), "HTTP/1.0 503\r\n\r\nbusy\r\n");
    const backup = testJob({ kind: "haproxy.backup", services: a.services, config: a.config, api });
    await haproxyHandlers["haproxy.backup"]({}, backup.ctx);
    const [[id, stored] = []] = [...api.backups];
    expect(id).toBeDefined();
    expect(backup.lines.at(-1)).toBe(
      `backup ${id}: ${stored?.archive.length} bytes, sha256 ${stored?.sha256}`,
    );
    // B takes A's place (same port and runtime socket, as identical members have) with its own
    // config dir elsewhere and its main file named differently.
    await a.halt();
    const b = await site("from B", { port: a.port, socket: a.socket, configName: "edge.cfg" });
    await writeFile(join(b.confDir, "stale.txt"), "not in the backup");

    const tampered = api.tamperedCopy(id ?? "");
    const bad = testJob({
      kind: "haproxy.restore",
      services: b.services,
      config: b.config,
      api: tampered,
    });
    const error = await failure(
      haproxyHandlers["haproxy.restore"]({ backupId: id ?? "" }, bad.ctx),
    );
    expect(error.message).toMatch(/^checksum mismatch/);
    expect((await readdir(b.confDir)).sort()).toEqual(["conf.d", "edge.cfg", "stale.txt"]);
    expect(await get(b.port)).toBe("from B");
    expect((await readdir(b.dir)).sort()).toEqual(["conf", "run"]);

    const restore = testJob({
      kind: "haproxy.restore",
      services: b.services,
      config: b.config,
      api,
    });
    await haproxyHandlers["haproxy.restore"]({ backupId: id ?? "" }, restore.ctx);
    expect(await get(b.port)).toBe("from A");
    expect((await readdir(b.confDir)).sort()).toEqual(["conf.d", "edge.cfg", "errors"]);
    expect(await readFile(join(b.confDir, "errors", "503.http"), "utf8")).toContain("busy");
    expect(await readFile(b.configFile, "utf8")).toContain('string "from A"');
    // No staged or saved copy of the config dir is left beside it.
    expect((await readdir(b.dir)).sort()).toEqual(["conf", "run"]);
  }, 60_000);
});
