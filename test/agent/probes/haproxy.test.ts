/**
 * The HAProxy probe against a real HAProxy 2.6 (haproxy-instance.ts): active with a backend
 * summary while the admin socket answers, failed once HAProxy is gone.
 */
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { createServer, type Socket } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { haproxyProbe } from "../../../agent/probes/haproxy";
import { Heartbeat } from "../../../shared/index";
import { type HaproxyInstance, startHaproxy } from "../haproxy/haproxy-instance";

let haproxy: HaproxyInstance | undefined;
let dir: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "baton-probe-"));
  haproxy = await startHaproxy();
}, 20_000);

afterAll(async () => {
  await haproxy?.stop();
  await rm(dir, { recursive: true, force: true });
});

const contract = Heartbeat.partial();

describe("HAProxy probe", () => {
  it("reports active and be_app's servers once the checks ran", async () => {
    const instance = haproxy as HaproxyInstance;
    const probe = haproxyProbe({ socketPath: instance.adminSocket });
    const deadline = Date.now() + 8_000;
    let section = await probe.collect();
    // app1 is UP and app2 DOWN once each had its first check (inter 200ms, fall 2).
    while (section.haproxy?.backends?.[0]?.serversUp !== 1 && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 100));
      section = await probe.collect();
    }
    expect(contract.safeParse(section).success).toBe(true);
    expect(section.services?.haproxy).toMatchObject({ installed: true, activeState: "active" });
    expect(section.services?.haproxy?.version).toMatch(/^2\.6\./);
    expect(section.haproxy?.version).toMatch(/^2\.6\./);
    expect(section.haproxy?.backends).toEqual([
      { name: "be_app", status: "UP", serversUp: 1, serversTotal: 2, currentSessions: 0 },
    ]);
  });

  it("reports failed once HAProxy is stopped and its socket is gone", async () => {
    const instance = haproxy as HaproxyInstance;
    const probe = haproxyProbe({ socketPath: instance.adminSocket });
    await instance.stop();
    haproxy = undefined;
    const section = await probe.collect();
    expect(section).toEqual({ services: { haproxy: { installed: true, activeState: "failed" } } });
    expect(contract.safeParse(section).success).toBe(true);
  });

  it("reports failed when the path refuses connections (ECONNREFUSED)", async () => {
    const path = join(dir, "stale.sock");
    await writeFile(path, ""); // not a listening socket: connect() is refused
    const section = await haproxyProbe({ socketPath: path }).collect();
    expect(section).toEqual({ services: { haproxy: { installed: true, activeState: "failed" } } });
  });

  it("fails (leaving the beat without it) when HAProxy does not answer in time", async () => {
    const path = join(dir, "wedged.sock");
    const sockets: Socket[] = [];
    // Accepts, reads the command, never answers nor closes: a wedged HAProxy.
    const server = createServer({ allowHalfOpen: true }, (socket) => sockets.push(socket));
    await new Promise<void>((resolve) => server.listen(path, resolve));
    try {
      const probe = haproxyProbe({ socketPath: path, commandTimeoutMs: 200 });
      await expect(probe.collect()).rejects.toThrow(/timed out after 200 ms/);
    } finally {
      for (const socket of sockets) socket.destroy();
      await new Promise((resolve) => server.close(resolve));
    }
  });
});
