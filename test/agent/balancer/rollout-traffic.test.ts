/**
 * Proof with real parts (issue #16): a rolling rollout over two real HAProxy members while a
 * client sends requests to each throughout sees 0 errors; a revision that fails on the standby
 * stops before the active, which keeps its file and keeps serving; rolling back (a rollout of
 * the earlier revision) restores the previous text byte for byte.
 */
import { readFile } from "node:fs/promises";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { get } from "../jobs/sites";
import { type Lab, rollOut, sendTraffic, startLab } from "./rollout-lab";

describe("a rolling rollout over two real HAProxy members", () => {
  let lab: Lab;
  beforeAll(async () => {
    lab = await startLab(2);
  }, 60_000);
  afterAll(async () => {
    await lab?.stop();
  });

  it("clients of both members see 0 errors while revision 1 and then 2 roll out", async () => {
    const clients = lab.members.map((member) => sendTraffic(member.port));
    const first = await rollOut(lab, 1);
    const second = await rollOut(lab, 2);
    const seen = await Promise.all(clients.map((client) => client.stop()));
    expect([...first, ...second].map((step) => `${step.name}:${step.role}:${step.status}`)).toEqual(
      [
        "edge-2:standby:succeeded",
        "edge-1:active:succeeded",
        "edge-2:standby:succeeded",
        "edge-1:active:succeeded",
      ],
    );
    for (const client of seen) {
      expect(client.requests).toBeGreaterThan(50);
      expect(client.errors, client.firstError ?? "").toBe(0);
    }
    for (const member of lab.members) {
      expect(await readFile(member.site.configFile, "utf8")).toBe(lab.textFor(member, 2));
    }
  }, 90_000);

  it("a revision that fails on the standby stops the rollout: the active keeps revision 2 and serves", async () => {
    const [active] = lab.members;
    if (!active) throw new Error("no active");
    const before = await readFile(active.site.configFile);
    const client = sendTraffic(active.port);
    // Revision 3 points the backend at a port nobody listens on: its health checks fail.
    const steps = await rollOut(lab, 3, (member) => lab.textFor(member, 3, 1));
    const seen = await client.stop();
    expect(steps.map((step) => `${step.name}:${step.status}`)).toEqual([
      "edge-2:failed",
      "edge-1:skipped",
    ]);
    expect(steps[0]?.message).toMatch(/^revision 3 rolled back \(in place for \d+ ms\)/);
    expect(await readFile(active.site.configFile)).toEqual(before);
    expect(await get(active.port)).toBe("upstream");
    expect(seen.errors, seen.firstError ?? "").toBe(0);
  }, 90_000);

  it("rolling back to revision 1 restores its text byte for byte on every member", async () => {
    const steps = await rollOut(lab, 1);
    expect(steps.every((step) => step.status === "succeeded")).toBe(true);
    for (const member of lab.members) {
      expect(await readFile(member.site.configFile, "utf8")).toBe(lab.textFor(member, 1));
    }
  }, 90_000);
});
