/**
 * The pool's Balancer tab through the real Worker and coordinator: the newest model with each
 * server's state per member, parity per member, the JSON editor with the API's issues beside it
 * in words, Roll out behind a dialog naming the order, the rollout's steps, Abort.
 */
import { describe, expect, it } from "vitest";
import { statRows } from "../../browser/stat-rows";
import { admin, agentCall } from "../helpers";
import { at, poolOf, runApplies } from "../rollouts/world";
import { byTestId, textOf } from "./html";
import { browserAs, flashIn, htmlOf, locationOf, postForm, unescapeHtml } from "./pages-as";

const MODEL = {
  frontends: [{ name: "web", binds: [{ port: 8080 }], defaultBackend: "app" }],
  backends: [
    {
      name: "app",
      strategy: "least_conn",
      healthCheck: { path: "/healthz" },
      sticky: { type: "cookie", name: "SRV" },
      servers: [
        { name: "app1", address: "127.0.0.1", port: 9001 },
        { name: "app2", address: "127.0.0.1", port: 9002 },
      ],
    },
  ],
};

async function poolWithModel() {
  const world = await poolOf(2);
  const put = await admin(`/pools/${world.pool.id}/balancer`, { method: "PUT", body: MODEL });
  expect(put.status).toBe(201);
  return world;
}

const cells = (html: string, testId: string) =>
  byTestId(html, testId).map((cell) => cell["data-tone"] ?? "");

describe("Balancer tab", { timeout: 20_000 }, () => {
  it("shows the model and each server's state per member, a server down on one member only included", async () => {
    const { pool, members } = await poolWithModel();
    const [edge1, edge2] = [at(members, 0), at(members, 1)];
    const viewer = await browserAs("viewer");
    // Asking for the tab makes the coordinator want the tables; the agents then send them.
    await htmlOf(viewer, `/pools/${pool.id}/balancer`);
    const up = { status: "UP", addr: "127.0.0.1:9001" };
    await agentCall(edge1.enrolled, "/haproxy/stat", {
      body: {
        collectedAt: Date.now(),
        rows: statRows("web", "app", [
          { ...up, name: "app1" },
          { ...up, name: "app2", addr: "127.0.0.1:9002" },
        ]),
      },
    });
    await agentCall(edge2.enrolled, "/haproxy/stat", {
      body: {
        collectedAt: Date.now(),
        rows: statRows("web", "app", [
          { ...up, name: "app1" },
          { status: "DOWN", name: "app2", addr: "127.0.0.1:9002" },
        ]),
      },
    });
    const html = await htmlOf(viewer, `/pools/${pool.id}/balancer`);
    expect(byTestId(html, "tab-balancer")[0]?.["aria-current"]).toBe("page");
    expect(textOf(html, "balancer-binds")).toBe("*:8080");
    expect(textOf(html, "balancer-strategy")).toBe("least connections");
    expect(textOf(html, "balancer-sticky")).toBe("cookie SRV");
    expect(textOf(html, "balancer-health")).toContain("GET /healthz every 2000 ms");
    // Rows app1, app2; columns edge-1, edge-2.
    expect(cells(html, "balancer-server-state")).toEqual(["up", "up", "up", "down"]);
    expect(textOf(html, "balancer-newest-revision")).toBe("1");
    expect(textOf(html, "balancer-live-revision")).toBe("none yet");
    expect(textOf(html, "balancer-editor-disabled")).toContain("Needs the operator role");
  });

  it("refuses an edit with the field's path in words beside the editor, and saves a valid one", async () => {
    const { pool } = await poolWithModel();
    const operator = await browserAs("operator");
    const bad = structuredClone(MODEL);
    (bad.frontends[0] as { binds: { port: number }[] }).binds[0] = { port: 70000 };
    const refused = await postForm(operator, `/ui/pools/${pool.id}/balancer`, {
      model: JSON.stringify(bad),
    });
    expect(refused.status).toBe(400);
    const html = await refused.text();
    expect(unescapeHtml(textOf(html, "model-issue"))).toBe(
      'frontend "web" › bind 1 › port: must be a port between 1 and 65535',
    );
    expect(textOf(html, "flash")).toBe(
      "Not saved: a problem in the model, shown beside the editor",
    );
    expect(byTestId(html, "field-model")[0]).toHaveProperty("autofocus");
    // What was typed comes back to be fixed.
    expect(html).toContain("70000");
    const changed = structuredClone(MODEL);
    changed.backends = [
      { ...MODEL.backends[0], strategy: "round_robin" } as (typeof MODEL.backends)[number],
    ];
    const saved = await postForm(operator, `/ui/pools/${pool.id}/balancer`, {
      model: JSON.stringify(changed),
    });
    expect(flashIn(locationOf(saved))).toBe("Saved revision 2: roll it out to apply it");
    const page = await htmlOf(operator, `/pools/${pool.id}/balancer`);
    expect(textOf(page, "balancer-newest-revision")).toBe("2");
    // Text collapsed to single spaces: the removed and the added line, in that order.
    expect(unescapeHtml(textOf(page, "revision-diff-model"))).toContain(
      '- "strategy": "least_conn", + "strategy": "round_robin",',
    );
  });

  it("rolls out behind a dialog naming the order, shows the steps live and aborts", async () => {
    const { pool, members } = await poolWithModel();
    const operator = await browserAs("operator");
    let html = await htmlOf(operator, `/pools/${pool.id}/balancer`);
    const form = byTestId(html, "rollout-start")[0];
    expect(form).toBeDefined();
    expect(html).toContain(
      "Roll out revision 1 ({strategy})? standbys first: edge-2, then the ACTIVE edge-1.",
    );
    const started = await postForm(operator, `/ui/pools/${pool.id}/balancer/rollouts`, {
      revision: "1",
      strategy: "rolling",
    });
    expect(flashIn(locationOf(started))).toBe("Rollout of revision 1 started (rolling)");
    html = await htmlOf(operator, `/ui/pools/${pool.id}/balancer/fragment`);
    const steps = byTestId(html, "rollout-step").map(
      (step) => `${step["data-member"]}:${step["data-status"]}`,
    );
    expect(steps).toEqual(["edge-2:running", "edge-1:pending"]);
    await runApplies(at(members, 1));
    html = await htmlOf(operator, `/ui/pools/${pool.id}/balancer/fragment`);
    expect(byTestId(html, "rollout-step").map((step) => step["data-status"])).toEqual([
      "succeeded",
      "running",
    ]);
    const rolloutId = byTestId(html, "rollout")[0]?.["data-rollout-id"];
    const aborted = await postForm(operator, `/ui/pools/${pool.id}/rollouts/${rolloutId}/abort`);
    expect(flashIn(locationOf(aborted))).toBe("Rollout of revision 1 aborted");
    html = await htmlOf(operator, `/ui/pools/${pool.id}/balancer/fragment`);
    expect(textOf(html, "rollout-status")).toBe("aborted");
  });

  it("badges each member's config: the revision it runs, and one that differs from the active", async () => {
    const { pool, members } = await poolWithModel();
    const operator = await browserAs("operator");
    await postForm(operator, `/ui/pools/${pool.id}/balancer/rollouts`, { revision: "1" });
    await runApplies(at(members, 1));
    await runApplies(at(members, 0));
    // Each reports the file it now has.
    await runApplies(at(members, 0));
    await runApplies(at(members, 1));
    let html = await htmlOf(operator, `/ui/pools/${pool.id}/balancer/fragment`);
    expect(byTestId(html, "parity-badge").map((badge) => badge["data-parity"])).toEqual([
      "same",
      "same",
    ]);
    expect(textOf(html, "balancer-live-revision")).toBe("1");
    // edge-2's file is edited by hand: drift.
    const edge2 = at(members, 1);
    edge2.onDisk = { revision: 1, sha256: "f".repeat(64) };
    await runApplies(edge2);
    html = await htmlOf(operator, `/ui/pools/${pool.id}/balancer/fragment`);
    expect(byTestId(html, "parity-badge").map((badge) => badge["data-parity"])).toEqual([
      "same",
      "drift",
    ]);
    // Failover's own reason beside it: parity is enforced once a revision is live.
    expect(unescapeHtml(html)).toContain(
      "not ready: balancer config differs from the active's (both say revision 1: edited by hand?)",
    );
    const overview = await htmlOf(operator, `/pools/${pool.id}`);
    expect(byTestId(overview, "member-parity").map((badge) => badge["data-parity"])).toEqual([
      "same",
      "drift",
    ]);
    // The tab's parity table offers the live config back beside the drifted member, and its
    // answer comes back to the tab.
    expect(byTestId(html, "action-reapply").map((button) => button.id)).toEqual([
      `reapply-${edge2.enrolled.member.id}`,
    ]);
    expect(html).toContain('<input type="hidden" name="back" value="balancer"/>');
    // The drifted card offers the live config back; the card in step does not.
    const reapply = byTestId(overview, "action-reapply");
    expect(reapply.map((button) => button.id)).toEqual([`reapply-${edge2.enrolled.member.id}`]);
    expect(overview).toContain(`action="/ui/members/${edge2.enrolled.member.id}/balancer/reapply"`);
    const put = await postForm(
      operator,
      `/ui/members/${edge2.enrolled.member.id}/balancer/reapply`,
      {
        back: "balancer",
      },
    );
    const back = locationOf(put);
    expect(new URL(back, "http://x").pathname).toBe(`/pools/${pool.id}/balancer`);
    expect(flashIn(back)).toBe("Putting balancer revision 1 back on edge-2");
    expect(await runApplies(edge2)).toHaveLength(1);
    await runApplies(edge2); // it reports the file it now has
    const after = await htmlOf(operator, `/pools/${pool.id}`);
    expect(byTestId(after, "member-parity").map((badge) => badge["data-parity"])).toEqual([
      "same",
      "same",
    ]);
    expect(byTestId(after, "action-reapply")).toEqual([]);
  });

  it("offers Roll back to the live revision before the current one, naming it and the order", async () => {
    const { pool, members } = await poolWithModel();
    const operator = await browserAs("operator");
    for (const revision of ["1", "2"]) {
      await postForm(operator, `/ui/pools/${pool.id}/balancer/rollouts`, { revision });
      await runApplies(at(members, 1));
      await runApplies(at(members, 0));
    }
    const html = await htmlOf(operator, `/pools/${pool.id}/balancer`);
    expect(textOf(html, "balancer-live-revision")).toBe("2");
    expect(textOf(html, "rollout-rollback")).toBe("Roll back to revision 1");
    expect(unescapeHtml(html)).toContain(
      "Roll back to revision 1 (the live one before 2)? standbys first: edge-2, then the ACTIVE edge-1.",
    );
    const back = await postForm(operator, `/ui/pools/${pool.id}/balancer/rollouts`, {
      revision: "1",
      strategy: "rolling",
    });
    expect(flashIn(locationOf(back))).toBe("Rollout of revision 1 started (rolling)");
  });

  it("tells a viewer they cannot roll out, and refuses their post", async () => {
    const { pool } = await poolWithModel();
    const viewer = await browserAs("viewer");
    const html = await htmlOf(viewer, `/pools/${pool.id}/balancer`);
    expect(byTestId(html, "rollout-start")[0]).toHaveProperty("disabled");
    const refused = await postForm(viewer, `/ui/pools/${pool.id}/balancer/rollouts`, {
      revision: "1",
    });
    expect(refused.status).toBe(403);
  });
});
