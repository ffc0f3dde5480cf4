/**
 * SystemdServiceManager against a recording fake systemctl (systemd does not run here) and the
 * real haproxy and nginx binaries for versions and configuration checks. Table-driven: what
 * systemctl answers, what the manager reports or throws, and which systemctl calls it made.
 */
import { spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { ServiceError } from "../../../agent/services/manager";
import { SystemdServiceManager } from "../../../agent/services/systemd";
import { type HaproxySite, prepareHaproxy } from "../haproxy/haproxy-instance";
import { type NginxSite, prepareNginx } from "../nginx/nginx-instance";
import { type FakeSystemctl, fakeSystemctl } from "./fake-systemctl";

const fixture = (name: string) =>
  readFileSync(join(import.meta.dirname, "..", "fixtures", name), "utf8");

const PROPERTIES =
  "--property=ActiveState,SubState,LoadState,MainPID,ActiveEnterTimestampMonotonic,ExecMainStartTimestamp";

let haproxy: HaproxySite;
let nginx: NginxSite;
let systemctl: FakeSystemctl;
let manager: SystemdServiceManager;

beforeAll(async () => {
  [haproxy, nginx] = await Promise.all([prepareHaproxy(), prepareNginx()]);
});

afterAll(async () => {
  await Promise.all([haproxy.cleanup(), nginx.cleanup()]);
});

beforeEach(async () => {
  await writeFile(haproxy.configFile, haproxy.config);
  await writeFile(nginx.configFile, nginx.config);
  systemctl = await fakeSystemctl();
  manager = new SystemdServiceManager({
    paths: { haproxy: haproxy.paths, nginx: nginx.paths },
    systemctl: systemctl.path,
  });
  return () => systemctl.cleanup();
});

describe("SystemdServiceManager.status", () => {
  it.each([
    {
      name: "an active unit, with the binary's version",
      service: "haproxy" as const,
      show: fixture("systemctl-show-haproxy-active.txt"),
      want: {
        installed: true,
        activeState: "active",
        subState: "running",
        since: 1795319952000,
        version: expect.stringMatching(/^2\.6\./),
      },
    },
    {
      name: "a failed unit",
      service: "haproxy" as const,
      show: fixture("systemctl-show-haproxy-failed.txt"),
      want: { installed: true, activeState: "failed", subState: "failed" },
    },
    {
      name: "an active nginx",
      service: "nginx" as const,
      show: fixture("systemctl-show-nginx-active.txt"),
      want: { installed: true, activeState: "active", version: expect.stringMatching(/^1\.22\./) },
    },
    {
      name: "a unit systemd does not know, without a version",
      service: "nginx" as const,
      show: fixture("systemctl-show-nginx-not-found.txt"),
      want: { installed: false, activeState: "inactive", subState: "dead" },
    },
  ])("reports $name", async ({ service, show, want }) => {
    await systemctl.answer("show.txt", show);
    const report = await manager.status(service);
    expect(report).toEqual(expect.objectContaining(want));
    if (!want.installed) expect(report.version).toBeUndefined();
    expect(await systemctl.calls()).toEqual([`show ${service}.service ${PROPERTIES}`]);
  });

  it("says a unit may have changed once the main process systemctl named has died", async () => {
    const main = spawn("sleep", ["30"], { stdio: "ignore" });
    const exited = new Promise((resolve) => main.once("exit", resolve));
    try {
      const show = fixture("systemctl-show-haproxy-active.txt").replace(
        /^MainPID=\d+$/m,
        `MainPID=${main.pid}`,
      );
      expect(show).toContain(`MainPID=${main.pid}`);
      await systemctl.answer("show.txt", show);
      expect(manager.mayHaveChanged("haproxy")).toBe(false); // nothing shown yet
      await manager.status("haproxy");
      expect(manager.mayHaveChanged("haproxy")).toBe(false);
    } finally {
      main.kill("SIGKILL");
      await exited;
    }
    expect(manager.mayHaveChanged("haproxy")).toBe(true);
    await systemctl.answer("show.txt", fixture("systemctl-show-haproxy-failed.txt"));
    await manager.status("haproxy"); // MainPID=0: no process to watch
    expect(manager.mayHaveChanged("haproxy")).toBe(false);
  });

  it("tells its watcher at once when the main process systemctl named dies", async () => {
    const main = spawn("sleep", ["30"], { stdio: "ignore" });
    const exited = new Promise((resolve) => main.once("exit", resolve));
    const controller = new AbortController();
    try {
      const show = fixture("systemctl-show-haproxy-active.txt").replace(
        /^MainPID=\d+$/m,
        `MainPID=${main.pid}`,
      );
      await systemctl.answer("show.txt", show);
      await manager.status("haproxy");
      const noticed = new Promise<void>((resolve) => manager.watch(resolve, controller.signal));
      await new Promise((resolve) => setTimeout(resolve, 250)); // the watcher has looked
      main.kill("SIGKILL");
      await exited;
      await noticed; // bounded by the test's timeout only
    } finally {
      controller.abort();
      main.kill("SIGKILL");
    }
  });

  it("reports unknown instead of throwing when systemctl cannot answer", async () => {
    await systemctl.answer("show.rc", "1");
    await systemctl.answer(
      "show.err",
      "System has not been booted with systemd as init system (PID 1).\n",
    );
    expect(await manager.status("haproxy")).toEqual({
      installed: true,
      activeState: "unknown",
      version: expect.stringMatching(/^2\.6\./),
    });
  });
});

describe("SystemdServiceManager actions", () => {
  it.each([
    { verb: "reload" as const, service: "haproxy" as const },
    { verb: "restart" as const, service: "nginx" as const },
    { verb: "start" as const, service: "haproxy" as const },
  ])(
    "$verb $service: runs systemctl $verb, then confirms the unit is active",
    async ({ verb, service }) => {
      await systemctl.answer("show.txt", fixture(`systemctl-show-${service}-active.txt`));
      await manager[verb](service);
      expect(await systemctl.calls()).toEqual([
        `${verb} ${service}.service`,
        `show ${service}.service ${PROPERTIES}`,
      ]);
    },
  );

  it("waits through reloading until the unit is active again", async () => {
    await systemctl.answer("show.txt", fixture("systemctl-show-haproxy-reloading.txt"));
    const reload = manager.reload("haproxy");
    // Switch the answer only once the manager has seen "reloading" (however slow the machine).
    const showed = async () => (await systemctl.calls()).some((call) => call.startsWith("show"));
    while (!(await showed())) await new Promise((resolve) => setTimeout(resolve, 20));
    await systemctl.answer("show.txt", fixture("systemctl-show-haproxy-active.txt"));
    await reload;
    const shows = (await systemctl.calls()).filter((call) => call.startsWith("show"));
    expect(shows.length).toBeGreaterThan(1);
  });

  it.each([
    {
      name: "systemctl fails",
      verb: "reload" as const,
      answers: {
        "action.rc": "1",
        "action.err":
          "Job for haproxy.service failed because the control process exited with error code.\n",
      },
      message: /systemctl reload haproxy\.service exited 1: Job for haproxy\.service failed/,
      output:
        /control process exited[\s\S]*fake status: status --no-pager --lines=20 haproxy\.service/,
    },
    {
      name: "the unit is failed afterwards",
      verb: "restart" as const,
      answers: { "after.txt": fixture("systemctl-show-haproxy-failed.txt") },
      message: /haproxy\.service is failed after systemctl restart/,
      output: /fake status/,
    },
  ])(
    "throws ServiceError with systemctl's output when $name",
    async ({ verb, answers, message, output }) => {
      await systemctl.answer("show.txt", fixture("systemctl-show-haproxy-active.txt"));
      for (const [file, text] of Object.entries(answers)) await systemctl.answer(file, text);
      const error = await manager[verb]("haproxy").catch((thrown: unknown) => thrown);
      expect(error).toBeInstanceOf(ServiceError);
      expect((error as ServiceError).message).toMatch(message);
      expect((error as ServiceError).output).toMatch(output);
    },
  );

  it.each([
    { service: "haproxy" as const, broken: "\nfrontend\n", output: /frontend/ },
    { service: "nginx" as const, broken: "\nno_such_directive on;\n", output: /no_such_directive/ },
  ])(
    "does not touch a running $service when its new configuration is refused",
    async ({ service, broken, output }) => {
      const site = service === "haproxy" ? haproxy : nginx;
      await writeFile(site.configFile, site.config + broken);
      for (const verb of ["reload", "restart"] as const) {
        const error = await manager[verb](service).catch((thrown: unknown) => thrown);
        expect(error).toBeInstanceOf(ServiceError);
        expect((error as ServiceError).output).toMatch(output);
      }
      expect(await systemctl.calls()).toEqual([]);
    },
  );
});
