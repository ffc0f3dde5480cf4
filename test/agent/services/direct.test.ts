/**
 * DirectServiceManager against a real HAProxy 2.6 and a real nginx 1.22, each in its own temp
 * dir on a loopback port: start, status, reload under traffic, a refused configuration, restart,
 * stop. The same cases run for both daemons.
 */
import { readFile, rm, writeFile } from "node:fs/promises";
import { request } from "node:http";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createLogger } from "../../../agent/log";
import { DirectServiceManager } from "../../../agent/services/direct";
import { waitFor } from "../../../agent/services/direct/process";
import { type MonitoredService, ServiceError } from "../../../agent/services/manager";
import { resumeServices } from "../../../agent/services/resume";
import { prepareHaproxy } from "../haproxy/haproxy-instance";
import { prepareNginx } from "../nginx/nginx-instance";
import { startTraffic } from "./traffic";

interface Site {
  dir: string;
  configFile: string;
  config: string;
  port: number;
  paths: { binary: string; configFile: string };
  cleanup(): Promise<void>;
}

const sites: Record<MonitoredService, () => Promise<Site>> = {
  haproxy: async () => {
    const site = await prepareHaproxy();
    return { ...site, port: site.frontendPort };
  },
  nginx: () => prepareNginx(),
};

/** A line each daemon refuses. */
const BROKEN = { haproxy: "\nfrontend\n", nginx: "\nthis_is_not_a_directive on;\n" };

const UNUSED = { binary: "/nonexistent/bin/none", configFile: "/nonexistent/none.conf" };

/**
 * One request on a connection of its own: a kept-alive one would reach a stopping daemon's worker,
 * which finishes the connections it has (a graceful stop) after its master is gone.
 */
function get(port: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const req = request(
      { host: "127.0.0.1", port, path: "/", agent: false, timeout: 2_000 },
      (res) => {
        let body = "";
        res.setEncoding("utf8");
        res.on("data", (chunk: string) => {
          body += chunk;
        });
        res.on("end", () => resolve(body));
      },
    );
    req.on("timeout", () => req.destroy(new Error(`GET :${port}/ timed out`)));
    req.on("error", reject);
    req.end();
  });
}

describe.each(["haproxy", "nginx"] as const)("DirectServiceManager with %s", (service) => {
  let site: Site;
  let manager: DirectServiceManager;

  beforeEach(async () => {
    site = await sites[service]();
    const paths = { haproxy: UNUSED, nginx: UNUSED, [service]: site.paths };
    manager = new DirectServiceManager({ runDir: join(site.dir, "run"), paths });
  });

  afterEach(async () => {
    await manager.stop(service);
    await site.cleanup();
  });

  const masterPid = async () =>
    Number((await readFile(join(site.dir, "run", `${service}.pid`), "utf8")).trim());

  it("starts, reports active with its version, stops and reports inactive", async () => {
    expect(await manager.status(service)).toMatchObject({
      installed: true,
      activeState: "inactive",
    });
    await manager.start(service);
    const report = await manager.status(service);
    expect(report).toMatchObject({ installed: true, activeState: "active" });
    expect(report.version).toMatch(service === "haproxy" ? /^2\.6\./ : /^1\.22\./);
    expect(await get(site.port)).toBe("ok\n");
    await manager.start(service); // already running: a no-op
    await manager.stop(service);
    expect(await manager.status(service)).toMatchObject({ activeState: "inactive" });
    await expect(get(site.port)).rejects.toThrow();
  });

  it("reloads without failing a single request", async () => {
    await manager.start(service);
    const traffic = startTraffic(site.port);
    await new Promise((resolve) => setTimeout(resolve, 200));
    await manager.reload(service);
    await manager.reload(service);
    await new Promise((resolve) => setTimeout(resolve, 200));
    const { ok, failures } = await traffic.stop();
    expect(failures).toEqual([]);
    expect(ok).toBeGreaterThan(20);
    expect(await manager.status(service)).toMatchObject({ activeState: "active" });
  });

  it("refuses to reload a broken configuration and keeps serving the old one", async () => {
    await manager.start(service);
    const pid = await masterPid();
    await writeFile(site.configFile, site.config + BROKEN[service]);
    const error = await manager.reload(service).catch((thrown: unknown) => thrown);
    expect(error).toBeInstanceOf(ServiceError);
    expect((error as ServiceError).output).toMatch(
      service === "haproxy" ? /frontend/ : /this_is_not_a_directive/,
    );
    expect(await get(site.port)).toBe("ok\n");
    expect(await masterPid()).toBe(pid);
    expect(await manager.status(service)).toMatchObject({ activeState: "active" });
    // The same checks guard restart: the running daemon is not stopped for a config that cannot start.
    await expect(manager.restart(service)).rejects.toBeInstanceOf(ServiceError);
    expect(await get(site.port)).toBe("ok\n");
  });

  it("reports failed after a start that could not run, active after a fixed start", async () => {
    await writeFile(site.configFile, site.config + BROKEN[service]);
    await expect(manager.start(service)).rejects.toBeInstanceOf(ServiceError);
    expect(await manager.status(service)).toMatchObject({ installed: true, activeState: "failed" });
    await writeFile(site.configFile, site.config);
    await manager.start(service);
    expect(await manager.status(service)).toMatchObject({ activeState: "active" });
  });

  it("restarts into a new master process", async () => {
    await manager.start(service);
    const before = await masterPid();
    await manager.restart(service);
    expect(await masterPid()).not.toBe(before);
    expect(await get(site.port)).toBe("ok\n");
  });

  it("tells its watcher at once when the daemon stops, starts or dies, without being asked", async () => {
    await manager.start(service);
    const controller = new AbortController();
    let changes = 0;
    let changed: () => void = () => {};
    const next = () =>
      new Promise<void>((resolve) => {
        changed = resolve;
      });
    manager.watch(() => {
      changes += 1;
      changed();
    }, controller.signal);
    try {
      // Each wait is bounded only by the test's timeout: no status() call made the watcher see it.
      let noticed = next();
      await manager.stop(service);
      await noticed;
      noticed = next();
      await manager.start(service);
      await noticed;
      noticed = next();
      process.kill(await masterPid(), "SIGTERM"); // killed from outside the agent
      await noticed;
      expect(changes).toBe(3);
      expect((await manager.status(service)).activeState).toBe("inactive");
    } finally {
      controller.abort();
    }
  });

  it("starts again, when the agent starts, what it ran and nobody stopped through it", async () => {
    const log = createLogger({ level: "error", write: () => {} });
    await manager.start(service);
    process.kill(await masterPid(), "SIGTERM"); // died while the agent was down (or a reboot)
    await waitFor(
      async () => ((await manager.status(service)).activeState !== "active" ? true : undefined),
      10_000,
    );
    const paths = { haproxy: UNUSED, nginx: UNUSED, [service]: site.paths };
    const restarted = new DirectServiceManager({ runDir: join(site.dir, "run"), paths });
    expect(await resumeServices(restarted, "auto", log)).toEqual([service]);
    expect(await get(site.port)).toBe("ok\n");
    // Stopped through the agent: not started again; "none" starts nothing; a list starts it.
    await restarted.stop(service);
    expect(await resumeServices(restarted, "auto", log)).toEqual([]);
    expect(await resumeServices(restarted, "none", log)).toEqual([]);
    expect(await resumeServices(restarted, [service], log)).toEqual([service]);
  });

  it("reports a daemon whose binary is absent as not installed", async () => {
    const absent = new DirectServiceManager({
      runDir: join(site.dir, "run"),
      paths: { haproxy: UNUSED, nginx: UNUSED },
    });
    expect(await absent.status(service)).toEqual({ installed: false, activeState: "inactive" });
    await expect(absent.start(service)).rejects.toBeInstanceOf(ServiceError);
  });
});

describe("DirectServiceManager with an nginx.conf that has its own pid line", () => {
  it("finds the master through the configuration's pid file", async () => {
    const site = await prepareNginx({ pidFile: "own/nginx.pid" });
    await rm(join(site.dir, "own"), { recursive: true, force: true });
    await import("node:fs/promises").then((fs) => fs.mkdir(join(site.dir, "own")));
    const manager = new DirectServiceManager({
      runDir: join(site.dir, "run"),
      paths: { haproxy: UNUSED, nginx: site.paths },
    });
    try {
      await manager.start("nginx");
      expect(await manager.status("nginx")).toMatchObject({ activeState: "active" });
      const pid = Number((await readFile(join(site.dir, "own/nginx.pid"), "utf8")).trim());
      expect(pid).toBeGreaterThan(0);
      await manager.reload("nginx");
      expect(await get(site.port)).toBe("ok\n");
    } finally {
      await manager.stop("nginx");
      await site.cleanup();
    }
    expect(await manager.status("nginx")).toMatchObject({ activeState: "inactive" });
  });
});
