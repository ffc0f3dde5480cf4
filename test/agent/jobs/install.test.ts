/**
 * `haproxy.install` and `nginx.install` with recording fake package managers (never the real
 * apt-get or dnf): the right one is chosen and called non-interactively, HAProxy gets its admin
 * socket through validate → swap, and the real daemon is started by the DirectServiceManager.
 */
import { chmod, mkdir, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { runtimeCommand } from "../../../agent/haproxy/runtime-api";
import { createHaproxyHandlers } from "../../../agent/jobs/haproxy";
import { createNginxHandlers } from "../../../agent/jobs/nginx";
import { DirectServiceManager } from "../../../agent/services/direct";
import { findHaproxy, freePort } from "../haproxy/haproxy-instance";
import { findNginx } from "../nginx/nginx-instance";
import { failure, testJob } from "./job-context";
import { get, nginxConfig } from "./sites";

let dir: string;
let bin: string;
let calls: string;
let services: DirectServiceManager;
let haproxyConfigFile: string;
let nginxConfigFile: string;

/** A fake package manager that records its arguments and exits with `code`. */
async function fakePackageManager(name: string, code = 0): Promise<void> {
  const script = `#!/bin/sh\necho "${name} $* DEBIAN_FRONTEND=$DEBIAN_FRONTEND" >> ${calls}\nexit ${code}\n`;
  await writeFile(join(bin, name), script);
  await chmod(join(bin, name), 0o755);
}

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), "baton-install-"));
  bin = join(dir, "bin");
  calls = join(dir, "calls.log");
  await mkdir(bin);
  await mkdir(join(dir, "etc"));
  haproxyConfigFile = join(dir, "etc", "haproxy.cfg");
  nginxConfigFile = join(dir, "etc", "nginx.conf");
  services = new DirectServiceManager({
    runDir: join(dir, "run"),
    paths: {
      haproxy: { binary: findHaproxy(), configFile: haproxyConfigFile },
      nginx: { binary: findNginx(), configFile: nginxConfigFile },
    },
  });
});

afterEach(async () => {
  await services.stop("haproxy").catch(() => {});
  await services.stop("nginx").catch(() => {});
  await rm(dir, { recursive: true, force: true });
});

describe("haproxy.install", () => {
  it("uses apt-get non-interactively, adds the admin socket, starts HAProxy", async () => {
    await fakePackageManager("apt-get");
    await fakePackageManager("dnf");
    const port = await freePort();
    // What a package might ship: no admin socket.
    await writeFile(
      haproxyConfigFile,
      `global\n    maxconn 100\ndefaults\n    mode http\n    timeout connect 1s\n    timeout client 5s\n    timeout server 5s\nfrontend fe\n    bind 127.0.0.1:${port}\n    http-request return status 200 content-type text/plain string "installed"\n`,
    );
    const socket = join(dir, "run-haproxy", "admin.sock");
    const { ctx, lines } = testJob({
      kind: "haproxy.install",
      services,
      config: { haproxyConfig: haproxyConfigFile, haproxySocket: socket },
    });
    await createHaproxyHandlers({ packageManagerPath: bin })["haproxy.install"]({}, ctx);
    expect((await readFile(calls, "utf8")).trim().split("\n")).toEqual([
      "apt-get update DEBIAN_FRONTEND=noninteractive",
      "apt-get install -y --no-install-recommends -o Dpkg::Options::=--force-confold haproxy DEBIAN_FRONTEND=noninteractive",
    ]);
    expect(await readFile(haproxyConfigFile, "utf8")).toContain(
      `    maxconn 100\n    stats socket ${socket} mode 660 level admin\n`,
    );
    expect(await runtimeCommand(socket, "show info")).toMatch(/^Name: HAProxy/);
    expect(await get(port)).toBe("installed");
    expect(lines.join("\n")).toMatch(/haproxy is active/);
  }, 30_000);

  it("fails when neither apt-get nor dnf is there, and starts nothing", async () => {
    const { ctx } = testJob({
      kind: "haproxy.install",
      services,
      config: { haproxyConfig: haproxyConfigFile },
    });
    const error = await failure(
      createHaproxyHandlers({ packageManagerPath: bin })["haproxy.install"]({}, ctx),
    );
    expect(error.message).toMatch(/no supported package manager/);
    expect((await services.status("haproxy")).activeState).not.toBe("active");
  });
});

describe("nginx.install", () => {
  it("uses dnf when there is no apt-get and starts nginx", async () => {
    await fakePackageManager("dnf");
    const port = await freePort();
    await writeFile(nginxConfigFile, nginxConfig({ runtime: dir, port, body: "installed" }));
    await mkdir(join(dir, "etc", "conf.d"));
    const { ctx } = testJob({
      kind: "nginx.install",
      services,
      config: { nginxConfig: nginxConfigFile },
    });
    await createNginxHandlers({ packageManagerPath: bin })["nginx.install"]({}, ctx);
    expect((await readFile(calls, "utf8")).trim()).toBe(
      "dnf install -y nginx DEBIAN_FRONTEND=noninteractive",
    );
    expect(await get(port)).toBe("installed");
  }, 30_000);

  it("reports the package manager's failure", async () => {
    await fakePackageManager("dnf", 1);
    const { ctx, lines } = testJob({
      kind: "nginx.install",
      services,
      config: { nginxConfig: nginxConfigFile },
    });
    const error = await failure(
      createNginxHandlers({ packageManagerPath: bin })["nginx.install"]({}, ctx),
    );
    expect(error.message).toMatch(/dnf exited 1/);
    expect(lines[0]).toBe(`$ ${join(bin, "dnf")} install -y nginx`);
  });
});
