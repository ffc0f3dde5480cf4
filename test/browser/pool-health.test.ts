// A pool an operator must not misread, in a real browser (Debian's Chromium through
// playwright-core) against the shared control plane (`wrangler dev`): two simulated agents, a
// 20 s failover delay (so "late", past half of it, lasts long enough to see) and automatic
// failover paused once edge-a carries the traffic. The active's agent stops: its card turns late, then the pool is at risk
// with the reason and the dead arrow, in the pools list too; the cut to the standby names both
// members; a dashboard cut off from the control plane dims under a banner. The cases run in
// order and build on each other. Screenshots at 1366 px and 390 px (the late member, the alarm, the
// named cut and the cut-off page) go to test-results/screenshots/ (`npm run screenshots`).
import type { Page } from "playwright-core";
import { describe, expect, it } from "vitest";
import { screenshot } from "./browser";
import { byTestId } from "./pages";
import { browserSuite, CASE_TIMEOUT_MS, LIVE_TIMEOUT_MS, need } from "./suite";

const ADMIN = { username: "health-admin", password: "correct horse battery staple" };
const DELAY_S = 20;

const { env, api, untilActive, signedInPage, phonePage, enroll } = browserSuite({});

const state: { page?: Page; poolId?: string; activeId?: string; standbyId?: string } = {};
const adminPage = () => need(state.page, "the signed-in admin's page");

async function member(poolId: string, name: string, priority: number, ip: string) {
  const { id, secret } = await enroll(poolId, name, priority);
  env().fleet.add(id, { hostname: name, secret, publicIp: ip }).start();
  return id;
}

describe("pool health in Chromium", () => {
  it(
    "shows a pool with a ready standby as serving, both members counted",
    async () => {
      const { plane } = env();
      const page = await signedInPage(ADMIN);
      state.page = page;
      const { pool } = await api("POST", "/api/v1/pools", {
        name: "edge-health",
        profile: "haproxy",
        failoverHostname: "lb-health.example.com",
        allowPrivateAddresses: true, // members report documentation addresses
        failoverDelayS: DELAY_S,
      });
      state.poolId = pool.id;
      // The first ready member takes the traffic (edge-b enrolls once edge-a has it); then
      // failover is paused (maintenance).
      state.activeId = await member(pool.id, "edge-a", 1, "198.51.100.41");
      await untilActive(pool.id, state.activeId);
      state.standbyId = await member(pool.id, "edge-b", 2, "198.51.100.42");
      await api("POST", `/api/v1/pools/${pool.id}/failover/pause`);
      await page.goto(`${plane.url}/pools/${pool.id}`);
      await expect
        .poll(() => byTestId(page, "members-serving").innerText(), { timeout: LIVE_TIMEOUT_MS })
        .toBe("Members serving: 2/2");
      // No DNS provider yet: degraded, and it says so, not "healthy".
      expect(await byTestId(page, "pool-health").getAttribute("data-health")).toBe("degraded");
      expect(await byTestId(page, "pool-health").innerText()).toContain("DNS is not connected");
    },
    CASE_TIMEOUT_MS,
  );

  it(
    "marks the silent active late, then raises the alarm: traffic goes to a dead member",
    async () => {
      const page = adminPage();
      const activeId = need(state.activeId, "the active");
      // A phone watches too, open before the silence: "late" lasts only half the delay.
      const lateOnPhone = await phonePage(page);
      await env().fleet.get(activeId).stop();
      const card = page.locator(`[data-testid=member-card][data-member-id="${activeId}"]`);
      // Past half the delay and before all of it: late, still online.
      await card.and(page.locator("[data-late=true]")).waitFor({ timeout: LIVE_TIMEOUT_MS });
      expect(await card.getAttribute("data-online")).toBe("true");
      expect(await card.locator("[data-testid=member-liveness]").innerText()).toBe("Late");
      await screenshot(page, "pool-health-late-1366");
      await lateOnPhone
        .locator(`[data-testid=member-card][data-member-id="${activeId}"][data-late=true]`)
        .waitFor({ timeout: LIVE_TIMEOUT_MS });
      await screenshot(lateOnPhone, "pool-health-late-390");

      const health = byTestId(page, "pool-health");
      await page
        .locator("[data-testid=pool-health][data-health=at_risk]")
        .waitFor({ timeout: DELAY_S * 1000 + LIVE_TIMEOUT_MS });
      expect(await health.getAttribute("role")).toBe("alert");
      expect(await health.innerText()).toContain(
        "Traffic goes to edge-a, which is offline (no heartbeat within the failover delay). Automatic failover is paused.",
      );
      expect(await health.innerText()).toContain(
        "Resume automatic failover, or cut to the next standby.",
      );
      expect(await byTestId(page, "flow-edge-active").getAttribute("class")).toContain("edge-dead");
      expect(await card.innerText()).toContain("(last known)");
      expect(await page.title()).toMatch(/^At risk · /);
      await screenshot(page, "pool-health-at-risk-1366");

      const small = await phonePage(page);
      await small.locator("[data-testid=pool-health][data-health=at_risk]").waitFor();
      await screenshot(small, "pool-health-at-risk-390");

      await page.goto(new URL("/", page.url()).href);
      const row = page.locator(`[data-testid=pool-row][data-pool-id="${state.poolId}"]`);
      await expect
        .poll(() => row.getAttribute("data-health"), { timeout: LIVE_TIMEOUT_MS })
        .toBe("at_risk");
      expect(await row.locator("[data-testid=pool-health-word]").innerText()).toMatch(/at risk/i);
    },
    CASE_TIMEOUT_MS + DELAY_S * 1000,
  );

  it(
    "names who loses and who takes the traffic before cutting, with the action on the button",
    async () => {
      const page = adminPage();
      await page.goto(new URL(`/pools/${state.poolId}`, page.url()).href);
      await page.locator("[data-testid=action-cut-next]").click();
      const dialog = page.locator("[data-testid=confirm-dialog]");
      await dialog.waitFor({ state: "visible" });
      expect(await dialog.locator("[data-confirm-text]").innerText()).toBe(
        "Cut traffic from edge-a to edge-b? DNS will point at 198.51.100.42.",
      );
      expect(await dialog.locator("[data-testid=confirm-ok]").innerText()).toBe(
        "Cut to next standby",
      );
      await screenshot(page, "pool-health-cut-dialog-1366");
      await dialog.locator("button[value=cancel]").click();
      await dialog.waitFor({ state: "hidden" });
      const small = await phonePage(page);
      await small.locator("[data-testid=action-cut-next]").click();
      await small.locator("[data-testid=confirm-dialog]").waitFor({ state: "visible" });
      await screenshot(small, "pool-health-cut-dialog-390");
    },
    CASE_TIMEOUT_MS,
  );

  it(
    "dims a page that stopped getting updates under a banner, and brings it back",
    async () => {
      const page = adminPage();
      const live = "**/ui/pools/*/fragment";
      await page.route(live, (route) => route.abort("connectionrefused"));
      const banner = byTestId(page, "stale-banner");
      await banner.waitFor({ state: "visible", timeout: LIVE_TIMEOUT_MS });
      expect(await banner.innerText()).toMatch(/^No update from the control plane for \d+ s:/);
      expect(await page.locator("body").getAttribute("data-stale")).not.toBeNull();
      await screenshot(page, "pool-health-cut-off-1366");
      const small = await phonePage(page);
      await small.route(live, (route) => route.abort("connectionrefused"));
      await byTestId(small, "stale-banner").waitFor({ state: "visible", timeout: LIVE_TIMEOUT_MS });
      await screenshot(small, "pool-health-cut-off-390");
      await page.unroute(live);
      await banner.waitFor({ state: "hidden", timeout: LIVE_TIMEOUT_MS });
      expect(await page.locator("body").getAttribute("data-stale")).toBeNull();
    },
    CASE_TIMEOUT_MS,
  );
});
