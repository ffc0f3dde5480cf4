/**
 * The runtime API client against a real HAProxy 2.6 (started by haproxy-instance.ts): what the
 * agent's probes and drain/ready jobs rely on.
 */
import { createServer } from "node:net";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  runtimeCommand,
  setServerState,
  showInfo,
  showStat,
} from "../../../agent/haproxy/runtime-api";
import type { StatRow } from "../../../agent/parsers/haproxy-stat";
import { type HaproxyInstance, startHaproxy } from "./haproxy-instance";

let haproxy: HaproxyInstance;

beforeAll(async () => {
  haproxy = await startHaproxy();
}, 20_000);

afterAll(async () => {
  await haproxy?.stop();
});

/** Polls `show stat` (bounded) until `be_app/<server>` has `status`; returns its row. */
async function waitForStatus(server: string, status: string): Promise<StatRow> {
  const deadline = Date.now() + 8_000;
  let last: StatRow | undefined;
  while (Date.now() < deadline) {
    const rows = await showStat(haproxy.adminSocket);
    last = rows.find((row) => row.proxy === "be_app" && row.service === server);
    if (last?.status === status) return last;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`be_app/${server} is ${last?.status}, not ${status}, after 8 s`);
}

describe("HAProxy runtime API", () => {
  it("show stat sees the live server UP and the dead one DOWN once checks ran", async () => {
    const up = await waitForStatus("app1", "UP");
    const down = await waitForStatus("app2", "DOWN");
    // "* L7OK": HAProxy marks a check in progress with "* " before the last result.
    expect(up.checkStatus?.replace(/^\* /, "")).toBe("L7OK");
    expect(down.checkStatus?.replace(/^\* /, "")).toBe("L4CON");
    const rows = await showStat(haproxy.adminSocket);
    expect(rows.find((row) => row.kind === "frontend")?.proxy).toBe("fe_web");
  });

  it("show info reports the 2.6 version and uptime", async () => {
    const info = await showInfo(haproxy.adminSocket);
    expect(info.version).toMatch(/^2\.6\./);
    expect(info.uptimeS).toBeGreaterThanOrEqual(0);
    expect(info.currentConnections).toBeGreaterThanOrEqual(0);
  });

  it("drain makes show stat report DRAIN, and ready brings the server back UP", async () => {
    await waitForStatus("app1", "UP");
    await setServerState(haproxy.adminSocket, "be_app", "app1", "drain");
    await waitForStatus("app1", "DRAIN");
    await setServerState(haproxy.adminSocket, "be_app", "app1", "ready");
    await waitForStatus("app1", "UP");
  });

  it("rejects HAProxy's error for an unknown server", async () => {
    await expect(setServerState(haproxy.adminSocket, "be_app", "nosuch", "drain")).rejects.toThrow(
      /No such server/i,
    );
  });

  it("refuses names that could inject a second command, without sending anything", async () => {
    await expect(
      setServerState(haproxy.adminSocket, "be_app", "app1 state maint", "drain"),
    ).rejects.toThrow(/invalid server name/);
    await expect(setServerState(haproxy.adminSocket, "be_app;", "app1", "drain")).rejects.toThrow(
      /invalid backend name/,
    );
    await expect(runtimeCommand(haproxy.adminSocket, "show info\nshutdown")).rejects.toThrow(
      /single line/,
    );
    // app1 was never put in maintenance by the refused calls.
    await waitForStatus("app1", "UP");
  });

  it("rejects when the socket does not exist, and on timeout", async () => {
    await expect(runtimeCommand(`${haproxy.dir}/missing.sock`, "show info")).rejects.toThrow(
      /ENOENT/,
    );
    // A socket that accepts and never answers, like a wedged HAProxy.
    const silent = createServer(() => {});
    const path = join(haproxy.dir, "silent.sock");
    await new Promise<void>((resolve) => silent.listen(path, resolve));
    try {
      const started = Date.now();
      await expect(runtimeCommand(path, "show info", { timeoutMs: 200 })).rejects.toThrow(
        /timed out after 200 ms/,
      );
      expect(Date.now() - started).toBeLessThan(2_000);
    } finally {
      silent.close();
    }
  });
});
