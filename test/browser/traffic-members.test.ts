// The overview's traffic flow per member (issue #16, Dashboard), in a real browser (Debian's
// Chromium through playwright-core) against the shared control plane (`wrangler dev`): two
// simulated members whose HAProxy tables differ (app2 is DOWN on the standby only) and whose
// balancer files differ (the standby still runs revision 4, the active revision 5); app3 drains
// on the active and is in maintenance on the standby. Behind each
// member the diagram draws its own frontends and backends, each server with its state in words
// and its sessions; the path clients take now (to the active) is drawn live down to its UP
// servers, the standby's path idle; the standby says in words that its config differs from the
// active's. The page does not scroll sideways at 1366 px or at 390 px. Screenshots go to
// test-results/screenshots/.
import type { Locator, Page } from "playwright-core";
import { describe, expect, it } from "vitest";
import { screenshot } from "./browser";
import { signInNewAdmin } from "./pages";
import { statRows } from "./stat-rows";
import { browserSuite, CASE_TIMEOUT_MS, LIVE_TIMEOUT_MS, need } from "./suite";

const ADMIN = { username: "lanes-admin", password: "correct horse battery staple" };
// A loaded machine (two cores, several builds) has taken over two minutes to start the shared world.
const { env, newContext, api, untilActive } = browserSuite({ startTimeoutMs: 330_000 });
const state: { page?: Page; poolId?: string; a?: string; b?: string } = {};

/** The SHA-256 of a balancer file (any 64 hex characters: the control plane compares them). */
const sha = (digit: string) => digit.repeat(64);

async function member(poolId: string, name: string, priority: number) {
  const created = await api("POST", `/api/v1/pools/${poolId}/members`, {
    name,
    hostname: name,
    allowedIps: ["127.0.0.1"],
    priority,
  });
  return { id: created.member.id as string, secret: created.secret as string };
}

const lane = (page: Page, memberId: string) =>
  page.locator(`[data-testid=flow-lane][data-member-id="${memberId}"]`);
const server = (scope: Locator, name: string) => scope.locator(`[data-server="${name}"]`);

async function noSidewaysScroll(page: Page) {
  return page.evaluate(
    () => document.documentElement.scrollWidth - document.documentElement.clientWidth,
  );
}

describe("the traffic flow per member in Chromium", () => {
  it(
    "draws each member's frontends, backends and servers, the live path, and a config that differs",
    async () => {
      const { plane, fleet } = env();
      const context = await newContext({ viewport: { width: 1366, height: 900 } });
      const page = await context.newPage();
      await signInNewAdmin(page, plane, ADMIN);
      state.page = page;
      const { pool } = await api("POST", "/api/v1/pools", {
        name: "edge-lanes",
        profile: "haproxy",
        failoverHostname: "lb-lanes.example.com",
        allowPrivateAddresses: true, // members report documentation addresses
      });
      state.poolId = pool.id;
      const a = await member(pool.id, "edge-a", 1);
      const b = await member(pool.id, "edge-b", 2);
      state.a = a.id;
      state.b = b.id;
      const agentA = fleet.add(a.id, {
        hostname: "edge-a",
        secret: a.secret,
        publicIp: "198.51.100.81",
      });
      agentA.statTable = () =>
        statRows("fe_web", "be_app", [
          { name: "app1", status: "UP", addr: "10.0.0.11:8080", scur: 3, rate: 4 },
          { name: "app2", status: "UP", addr: "10.0.0.12:8080", scur: 2, rate: 3 },
          { name: "app3", status: "DRAIN", addr: "10.0.0.13:8080" },
        ]);
      agentA.figures = { balancer: { revision: 5, sha256: sha("a") } };
      const agentB = fleet.add(b.id, {
        hostname: "edge-b",
        secret: b.secret,
        publicIp: "198.51.100.82",
      });
      // On the standby only, app2 is down; its idle frontend still takes health checks.
      agentB.statTable = () =>
        statRows("fe_web", "be_app", [
          { name: "app1", status: "UP", addr: "10.0.0.11:8080", scur: 1, rate: 2 },
          { name: "app2", status: "DOWN", addr: "10.0.0.12:8080" },
          { name: "app3", status: "MAINT", addr: "10.0.0.13:8080" },
        ]);
      agentB.figures = { balancer: { revision: 4, sha256: sha("b") } };
      // The first ready member takes the traffic: edge-b starts once edge-a has it.
      agentA.start();
      await untilActive(pool.id, a.id);
      agentB.start();

      await page.goto(`${plane.url}/pools/${pool.id}`);
      const active = lane(page, a.id);
      const standby = lane(page, b.id);
      // Each member's table arrives with its next beats (the overview asks every member for it).
      await server(standby, "app2").waitFor({ timeout: LIVE_TIMEOUT_MS });
      await server(active, "app2").waitFor({ timeout: LIVE_TIMEOUT_MS });

      // A server DOWN on the standby only: in words on the standby, UP on the active.
      expect(await server(standby, "app2").getAttribute("data-state")).toBe("down");
      expect(await server(standby, "app2").textContent()).toContain("app2");
      expect(await server(standby, "app2").textContent()).toContain("DOWN");
      expect(await server(active, "app2").getAttribute("data-state")).toBe("up");
      expect(await server(active, "app2").textContent()).toContain("UP");
      // Each member's own rates: its frontend's requests and sessions, each server's sessions.
      const frontendOf = (scope: Locator) => scope.locator("[data-testid=flow-frontend]");
      expect(await frontendOf(active).textContent()).toContain("21 req/s · 5 sess");
      expect(await frontendOf(standby).textContent()).toContain("6 req/s · 1 sess");
      expect(await server(active, "app1").textContent()).toContain("4/s · 3 sess");
      expect(await server(standby, "app1").textContent()).toContain("2/s · 1 sess");
      const backendOf = (scope: Locator) => scope.locator("[data-testid=flow-backend]");
      expect(await backendOf(standby).textContent()).toContain("be_app · 1/3 up");
      // Draining and in maintenance are marked apart from down, in words too.
      expect(await server(active, "app3").getAttribute("data-state")).toBe("drain");
      expect(await server(active, "app3").textContent()).toContain("◐ app3 10.0.0.13:8080 DRAIN");
      expect(await server(standby, "app3").getAttribute("data-state")).toBe("maint");
      expect(await server(standby, "app3").textContent()).toContain("■ app3 10.0.0.13:8080 MAINT");

      // The path clients take now: to the active, down to its UP servers; the standby's is idle.
      expect(await active.getAttribute("data-path")).toBe("live");
      expect(await standby.getAttribute("data-path")).toBe("standby");
      expect(await active.locator("[data-testid=flow-lane-entry]").textContent()).toContain(
        "clients now",
      );
      expect(await standby.locator("[data-testid=flow-lane-entry]").textContent()).toContain(
        "standby: no clients",
      );
      expect(await server(active, "app1").getAttribute("data-live")).toBe("true");
      // A draining server takes no new clients: not on the live path.
      expect(await server(active, "app3").getAttribute("data-live")).toBe("false");
      expect(await server(standby, "app1").getAttribute("data-live")).toBe("false");

      // The standby's balancer file is not the active's, and the diagram says so in words.
      await expect
        .poll(() => standby.locator("[data-testid=flow-config-differs]").textContent(), {
          timeout: LIVE_TIMEOUT_MS,
        })
        .toBe("config differs from the active: revision 4 vs 5");
      expect(await active.locator("[data-testid=flow-config-differs]").count()).toBe(0);

      expect(
        await noSidewaysScroll(page),
        "the page scrolls sideways at 1366 px",
      ).toBeLessThanOrEqual(0);
      await screenshot(page, "traffic-members-1366");

      const phone = await newContext({ viewport: { width: 390, height: 844 }, hasTouch: true });
      await phone.addCookies(await context.cookies());
      const small = await phone.newPage();
      await small.goto(page.url());
      const smallStandby = lane(small, need(state.b, "edge-b"));
      await server(smallStandby, "app2").waitFor({ timeout: LIVE_TIMEOUT_MS });
      expect(await server(smallStandby, "app2").isVisible()).toBe(true);
      expect(
        await noSidewaysScroll(small),
        "the page scrolls sideways at 390 px",
      ).toBeLessThanOrEqual(0);
      // Each lane fits the phone's width: nothing of the drawing is cut off at the right (read at
      // once: the live refresh swaps the lanes every 1.5 s).
      const rightEdges = await small.evaluate(() =>
        [...document.querySelectorAll("[data-testid=flow-lane] svg")].map(
          (svg) => svg.getBoundingClientRect().right,
        ),
      );
      expect(rightEdges).toHaveLength(2);
      for (const right of rightEdges) expect(right).toBeLessThanOrEqual(390);
      // Scrolled in one step in the page, like the edges above: a locator's scroll waits for the
      // element to be stable, and the live refresh can replace it meanwhile (failed once in CI).
      const scrolled = await small.evaluate(() => {
        const marked = document.querySelector("[data-testid=flow-config-differs]");
        marked?.scrollIntoView({ block: "center" });
        return marked !== null;
      });
      expect(scrolled).toBe(true);
      await screenshot(small, "traffic-members-390");
    },
    CASE_TIMEOUT_MS,
  );
});
