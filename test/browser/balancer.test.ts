// The pool's Balancer tab in a real browser (Debian's Chromium through playwright-core) against
// the shared control plane (`wrangler dev`), with two simulated members whose agents report
// HAProxy tables (app2 DOWN on edge-b only) and "apply" balancer revisions by reporting the
// revision and SHA-256 they were sent in their next beats. An operator sees each server's state
// per member, is told beside the editor which field of an edit is wrong, rolls a revision out
// behind a dialog naming the order and watches its steps finish, and the overview's member
// cards then wear the parity badge. Screenshots go to test-results/screenshots/.
import { describe, expect, it } from "vitest";
import type { JobRunner, SimulatedAgent } from "./agents";
import { screenshot } from "./browser";
import { byTestId, signInNewAdmin } from "./pages";
import { statRows } from "./stat-rows";
import { browserSuite, CASE_TIMEOUT_MS, LIVE_TIMEOUT_MS, POLL } from "./suite";

const ADMIN = { username: "balancer-admin", password: "correct horse battery staple" };
const { env, newContext, api, untilActive } = browserSuite({});

const MODEL = {
  frontends: [{ name: "web", binds: [{ port: 8080 }], defaultBackend: "app" }],
  backends: [
    {
      name: "app",
      healthCheck: { path: "/healthz" },
      servers: [
        { name: "app1", address: "127.0.0.1", port: 9001 },
        { name: "app2", address: "127.0.0.1", port: 9002 },
      ],
    },
  ],
};

/** Applies a balancer.apply job by reporting its revision and hash from then on. */
const applying =
  (agent: () => SimulatedAgent): JobRunner =>
  (job) => {
    const payload = job.payload as { revision?: number; sha256?: string };
    if (job.kind === "balancer.apply" && payload.revision && payload.sha256) {
      agent().figures = {
        ...agent().figures,
        balancer: { revision: payload.revision, sha256: payload.sha256 },
      };
    }
    return { status: "succeeded", exitCode: 0, outputTail: `${job.kind} ok (simulated)\n` };
  };

async function member(poolId: string, name: string, priority: number, app2: string) {
  const created = await api("POST", `/api/v1/pools/${poolId}/members`, {
    name,
    hostname: name,
    allowedIps: ["127.0.0.1"],
    priority,
  });
  const id = created.member.id as string;
  let agent: SimulatedAgent | undefined;
  agent = env().fleet.add(
    id,
    { hostname: name, secret: created.secret, publicIp: `198.51.100.${80 + priority}` },
    applying(() => agent as SimulatedAgent),
  );
  agent.statTable = () =>
    statRows("web", "app", [
      { name: "app1", status: "UP", addr: "127.0.0.1:9001" },
      { name: "app2", status: app2, addr: "127.0.0.1:9002" },
    ]);
  agent.start();
  return id;
}

describe("the Balancer tab in Chromium", () => {
  it(
    "shows servers per member, a field error beside the editor, a rollout's steps and the parity badges",
    async () => {
      const { plane } = env();
      const { pool } = await api("POST", "/api/v1/pools", {
        name: "edge-balancer",
        profile: "haproxy",
        failoverHostname: "lb-balancer.example.com",
        allowPrivateAddresses: true,
        failoverDelayS: 10,
      });
      const a = await member(pool.id, "edge-a", 1, "UP");
      await member(pool.id, "edge-b", 2, "DOWN");
      await untilActive(pool.id, a);
      await api("PUT", `/api/v1/pools/${pool.id}/balancer`, MODEL);

      const context = await newContext({ viewport: { width: 1366, height: 900 } });
      const page = await context.newPage();
      await signInNewAdmin(page, plane, ADMIN);
      await page.goto(`${plane.url}/pools/${pool.id}`);
      await byTestId(page, "tab-balancer").click();
      await byTestId(page, "balancer-frontends").waitFor();
      // Rows app1, app2; columns edge-a, edge-b: app2 is DOWN on edge-b only.
      await expect
        .poll(
          () =>
            byTestId(page, "balancer-server-state").evaluateAll((cells) =>
              cells.map((cell) => cell.getAttribute("data-tone")),
            ),
          { timeout: LIVE_TIMEOUT_MS, interval: POLL.interval },
        )
        .toEqual(["up", "up", "up", "down"]);
      await screenshot(page, "balancer-tab");

      const bad = structuredClone(MODEL);
      bad.frontends[0] = {
        ...MODEL.frontends[0],
        binds: [{ port: 70000 }],
      } as (typeof MODEL.frontends)[number];
      // The JSON editor is the advanced view, folded under the form.
      await page.locator("[data-testid=balancer-json] > summary").click();
      await byTestId(page, "field-model").fill(JSON.stringify(bad, null, 2));
      await byTestId(page, "balancer-save").click();
      await byTestId(page, "error-model").waitFor();
      expect(await byTestId(page, "model-issue").textContent()).toBe(
        'frontend "web" › bind 1 › port: must be a port between 1 and 65535',
      );
      expect(await byTestId(page, "field-model").getAttribute("aria-invalid")).toBe("true");
      expect(await byTestId(page, "field-model").inputValue()).toContain("70000");
      await screenshot(page, "balancer-field-error");

      await page.goto(`${plane.url}/pools/${pool.id}/balancer`);
      await byTestId(page, "rollout-start").first().click();
      const dialog = page.locator("[data-testid=confirm-dialog]");
      await dialog.waitFor({ state: "visible" });
      expect(await dialog.locator("[data-confirm-text]").textContent()).toBe(
        "Roll out revision 1 (rolling: one member at a time)? standbys first: edge-b, then the ACTIVE edge-a.",
      );
      await dialog.locator("[data-testid=confirm-ok]").click();
      await byTestId(page, "rollout-steps").waitFor();
      expect(
        await byTestId(page, "rollout-step").evaluateAll((rows) =>
          rows.map((row) => row.getAttribute("data-member")),
        ),
      ).toEqual(["edge-b", "edge-a"]);
      await expect
        .poll(() => byTestId(page, "rollout-status").textContent(), {
          timeout: LIVE_TIMEOUT_MS,
          interval: POLL.interval,
        })
        .toBe("succeeded");
      await screenshot(page, "balancer-rollout-done");
      // On a phone: a screenshot to look at (each wide table scrolls inside its own box).
      await page.setViewportSize({ width: 390, height: 844 });
      await screenshot(page, "balancer-tab-390");
      await page.setViewportSize({ width: 1366, height: 900 });

      await page.goto(`${plane.url}/pools/${pool.id}`);
      await expect
        .poll(
          () =>
            byTestId(page, "member-parity").evaluateAll((badges) =>
              badges.map((badge) => `${badge.getAttribute("data-parity")} ${badge.textContent}`),
            ),
          { timeout: LIVE_TIMEOUT_MS, interval: POLL.interval },
        )
        .toEqual(["same runs revision 1", "same runs revision 1"]);
      await screenshot(page, "balancer-parity-badges");
      await context.close();
    },
    CASE_TIMEOUT_MS,
  );
});
