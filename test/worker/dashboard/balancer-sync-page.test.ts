/**
 * The Add member page's first-heartbeat panel in a pool with a managed balancer: the new member
 * is sent the live revision on its first heartbeat, and the panel shows that sync (and keeps
 * polling) until it has settled.
 */
import { describe, expect, it } from "vitest";
import { agentCall, enroll } from "../helpers";
import { at, beat, type Member, poolOf, runApplies, startRollout, T0 } from "../rollouts/world";
import { byTestId, textOf } from "./html";
import { browserAs, htmlOf } from "./pages-as";

describe("Add member: the balancer sync of a new member", { timeout: 20_000 }, () => {
  it("shows the live revision being applied to the new member, then applied", async () => {
    const { pool, members } = await poolOf(2);
    expect((await startRollout(pool.id, { revision: 3 })).status).toBe(201);
    await runApplies(at(members, 1));
    await runApplies(at(members, 0));
    const enrolled = await enroll(pool.id, { priority: 3, name: "edge-3" });
    const newcomer: Member = { enrolled, ip: "198.51.100.3", onDisk: undefined };
    const viewer = await browserAs("viewer");
    const path = `/ui/members/${enrolled.member.id}/first-heartbeat/fragment`;
    // Its first heartbeat starts the sync; the job is in that heartbeat's answer.
    const answer = await beat(newcomer);
    const job = answer.body.jobs.find((candidate) => candidate.kind === "balancer.apply");
    expect(job).toBeDefined();
    let html = await htmlOf(viewer, path);
    expect(byTestId(html, "balancer-sync")[0]?.["data-status"]).toBe("running");
    expect(textOf(html, "balancer-sync")).toContain("Balancer revision 3 to edge-3: being applied");
    expect(textOf(html, "balancer-sync")).toContain("Not ready for failover");
    // Still polling: the sync has not settled.
    expect(byTestId(html, "first-heartbeat")[0]).not.toHaveProperty("data-live-done");
    await agentCall(enrolled, `/jobs/${job?.id}/ack`, { body: { startedAt: T0 } });
    const result = {
      status: "succeeded",
      exitCode: 0,
      outputTail: "",
      startedAt: T0,
      finishedAt: T0 + 500,
    };
    expect((await agentCall(enrolled, `/jobs/${job?.id}/result`, { body: result })).status).toBe(
      200,
    );
    html = await htmlOf(viewer, path);
    expect(byTestId(html, "balancer-sync")[0]?.["data-status"]).toBe("succeeded");
    expect(textOf(html, "balancer-sync")).toContain(
      "applied: it runs the same config as the active",
    );
    expect(byTestId(html, "first-heartbeat")[0]).toHaveProperty("data-live-done");
  });
});
