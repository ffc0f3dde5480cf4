// The pool overview's traffic view and favicon in a real browser (Debian's Chromium through
// playwright-core) against the shared control plane (`wrangler dev`): two simulated members with
// HAProxy tables (a frontend, a backend, two servers, each with sessions and a rate) and a fake
// Cloudflare API on loopback (test/worker/dns/fakes) — issue #15 items 1 and 2. The diagram
// shows the frontends, requests per second and current sessions on each arrow and per backend
// and server, and draws the path clients take from what the provider serves (confirmed), not
// from what Baton wants: while the provider still serves the old active after a switch, the path
// still goes there. Each member card has a heartbeat bar (the last minutes, a cell per 10 s:
// heard, late, missed, no data). The favicon wears the pool's health, updated live. The cases
// run in order and build on each other. Screenshots at 1366 px and 390 px go to
// test-results/screenshots/.
import type { Page } from "playwright-core";
import { describe, expect, it } from "vitest";
import { type FakeCloudflare, startFakeCloudflare } from "../worker/dns/fakes/cloudflare-api";
import { screenshot } from "./browser";
import { byTestId, markNoReload, stillSameDocument } from "./pages";
import { statRows } from "./stat-rows";
import { browserSuite, CASE_TIMEOUT_MS, LIVE_TIMEOUT_MS, need, POLL } from "./suite";

const ADMIN = { username: "traffic-admin", password: "correct horse battery staple" };
const ZONE_ID = "5d41402abc4b2a76b9719d911017c592";
const TOKEN = "cf-traffic-token-with-zone-dns-edit";
const HOSTNAME = "lb-traffic.example.com";
const DELAY_S = 10;
const IPS = { a: "198.51.100.71", b: "198.51.100.72" } as const;

let cloudflare: FakeCloudflare | undefined;
const { env, api, untilActive, signedInPage, phonePage, enroll } = browserSuite({
  setup: async () => {
    cloudflare = await startFakeCloudflare({ zoneId: ZONE_ID, tokens: { [TOKEN]: "edit" } });
    return { cloudflare };
  },
  teardown: async () => {
    await cloudflare?.close();
  },
});
const state: { page?: Page; poolId?: string; a?: string; b?: string } = {};
/** Each member's enrollment, to start a new agent for it after its first one stopped. */
const enrolled = new Map<string, { hostname: string; secret: string; publicIp: string }>();
const adminPage = () => need(state.page, "the signed-in admin's page");

/** The HAProxy table of a member: fe_web takes 7 new sessions/s and holds 5; be_app's two servers share them. */
const TABLE = () =>
  statRows("fe_web", "be_app", [
    { name: "app1", status: "UP", addr: "10.0.0.11:8080", scur: 3, rate: 4 },
    { name: "app2", status: "UP", addr: "10.0.0.12:8080", scur: 2, rate: 3 },
  ]);

async function member(poolId: string, name: string, priority: number, ip: string) {
  const { id, secret } = await enroll(poolId, name, priority);
  enrolled.set(id, { hostname: name, secret, publicIp: ip });
  startAgent(id);
  return id;
}

/** A (new) simulated agent for an enrolled member: a stopped one does not start again. */
function startAgent(memberId: string) {
  const agent = env().fleet.add(memberId, need(enrolled.get(memberId), "the member's enrollment"));
  agent.statTable = TABLE;
  agent.start();
}

const favicon = (page: Page) => byTestId(page, "favicon").getAttribute("href");

describe("the traffic view in Chromium", () => {
  it(
    "shows frontends, rates and sessions on the arrows and backends, and the favicon's health badge",
    async () => {
      const { plane } = env();
      const page = await signedInPage(ADMIN);
      state.page = page;
      const { pool } = await api("POST", "/api/v1/pools", {
        name: "edge-traffic",
        profile: "haproxy",
        failoverHostname: HOSTNAME,
        allowPrivateAddresses: true, // members report documentation addresses
        failoverDelayS: DELAY_S,
      });
      state.poolId = pool.id;
      // The first ready member takes the traffic: edge-b enrolls once edge-a has it.
      state.a = await member(pool.id, "edge-a", 1, IPS.a);
      await untilActive(pool.id, state.a);
      state.b = await member(pool.id, "edge-b", 2, IPS.b);

      await page.goto(`${plane.url}/pools/${pool.id}`);
      // No DNS provider: degraded, and the favicon says so from the first paint.
      expect(await byTestId(page, "pool-health").getAttribute("data-health")).toBe("degraded");
      expect(await favicon(page)).toBe("/dashboard/favicon-degraded.svg");
      await markNoReload(page);

      // The active's HAProxy table arrives with its next beats (the overview asks for it); the
      // standby's has a lane of its own (traffic-members.test.ts).
      const lane = page.locator(`[data-testid=flow-lane][data-member-id="${state.a}"]`);
      const frontend = lane.locator("[data-testid=flow-frontend][data-name=fe_web]");
      await frontend.waitFor({ timeout: LIVE_TIMEOUT_MS });
      expect(await frontend.textContent()).toContain("fe_web");
      expect(await frontend.textContent()).toContain("21 req/s · 5 sess");
      // Into the active: what its frontends take; on to the backends: what they carry.
      expect(await byTestId(page, "flow-clients-load").textContent()).toBe("21 req/s · 5 sess");
      expect(await lane.locator("[data-testid=flow-sessions]").textContent()).toBe("7/s · 5 sess");
      const backend = lane.locator("[data-testid=flow-backend]");
      expect(await backend.textContent()).toContain("be_app · 2/2 up · 7/s · 5 sess");
      const app1 = backend.locator("[data-server=app1]");
      expect(await app1.textContent()).toContain("4/s · 3 sess");

      // DNS connected: the provider serves edge-a's address, and the path clients take says so.
      await api("PUT", `/api/v1/pools/${pool.id}/dns`, {
        provider: {
          kind: "cloudflare",
          apiToken: TOKEN,
          zoneId: ZONE_ID,
          apiBaseUrl: env().cloudflare.apiBaseUrl,
          ttl: 60,
        },
        mode: "active_standby",
      });
      const path = byTestId(page, "flow-client-path");
      await expect
        .poll(() => path.getAttribute("data-member-id"), { timeout: LIVE_TIMEOUT_MS })
        .toBe(state.a);
      expect(await byTestId(page, "flow-dns").textContent()).toContain(`serves ${IPS.a}`);
      // Healthy now, and the favicon followed without a reload.
      await expect
        .poll(() => favicon(page), { timeout: LIVE_TIMEOUT_MS })
        .toBe("/dashboard/favicon-healthy.svg");
      expect(await stillSameDocument(page), "the page reloaded").toBe(true);
      await screenshot(page, "traffic-view-1366");

      const small = await phonePage(page);
      await small
        .locator("[data-testid=flow-frontend]")
        .first()
        .waitFor({ timeout: LIVE_TIMEOUT_MS });
      await screenshot(small, "traffic-view-390");
    },
    CASE_TIMEOUT_MS,
  );

  it(
    "keeps the clients' path on the member the provider still serves until DNS confirms a switch",
    async () => {
      const page = adminPage();
      const { a, b } = { a: need(state.a, "edge-a"), b: need(state.b, "edge-b") };
      // The provider refuses the next call for a while (429 with Retry-After).
      env().cloudflare.failNext(429, 12);
      await api("POST", `/api/v1/pools/${state.poolId}/failover/promote`, { memberId: b });
      const active = byTestId(page, "flow-active");
      await expect
        .poll(() => active.getAttribute("data-member-id"), { timeout: LIVE_TIMEOUT_MS })
        .toBe(b);
      const path = byTestId(page, "flow-client-path");
      expect(await path.getAttribute("data-member-id")).toBe(a);
      expect(await byTestId(page, "flow-dns").textContent()).toContain(`serves ${IPS.a}`);
      await screenshot(page, "traffic-view-dns-pending-1366");
      // Once the provider takes the write, the path follows.
      await expect
        .poll(() => path.getAttribute("data-member-id"), { timeout: LIVE_TIMEOUT_MS + 12_000 })
        .toBe(b);
      expect(await byTestId(page, "flow-dns").textContent()).toContain(`serves ${IPS.b}`);
    },
    CASE_TIMEOUT_MS + 12_000,
  );

  it(
    "draws each member's heartbeats of the last minutes: heard, missed, no data",
    async () => {
      const page = adminPage();
      const a = need(state.a, "edge-a");
      const bar = page.locator(`[data-testid=heartbeat-bar][data-member-id="${a}"]`);
      await bar.waitFor();
      const cells = bar.locator("[data-beat]");
      expect(await cells.count()).toBe(30);
      // The pool is younger than the bar: its oldest cells have no data, its latest were heard.
      expect(await cells.first().getAttribute("data-beat")).toBe("none");
      expect(await cells.last().getAttribute("data-beat")).toBe("heard");
      // Pointing at a cell says its time and state (again after a refresh redrew the bar).
      await expect
        .poll(async () => {
          await page.mouse.move(0, 0);
          await cells.last().hover();
          return cells.last().getAttribute("title");
        }, POLL)
        .toMatch(/^\d\d:\d\d:\d\d UTC: heard$/);
      // edge-a (now a standby) goes silent past the failover delay, then beats again.
      const stoppedAt = Date.now();
      await env().fleet.stop(a);
      // Past the delay the pool has no ready standby left: degraded, and it says why.
      const health = page.locator("[data-testid=pool-health][data-health=degraded]", {
        hasText: "No standby is ready",
      });
      await health.waitFor({ timeout: DELAY_S * 1000 + LIVE_TIMEOUT_MS });
      await screenshot(page, "lost-redundancy-1366");
      const small = await phonePage(page);
      await small
        .locator("[data-testid=pool-health][data-health=degraded]", {
          hasText: "No standby is ready",
        })
        .waitFor();
      await screenshot(small, "lost-redundancy-390");
      await page.waitForTimeout(Math.max(0, stoppedAt + (DELAY_S + 3) * 1000 - Date.now()));
      startAgent(a);
      await expect
        .poll(
          async () =>
            (
              await cells.evaluateAll((all) => all.map((cell) => cell.getAttribute("data-beat")))
            ).join(" "),
          {
            timeout: LIVE_TIMEOUT_MS + 10_000,
          },
        )
        .toMatch(/ missed.* heard$/);
      expect(await bar.getAttribute("aria-label")).toMatch(
        /^Heartbeats of the last 5 min: .*missed/,
      );
      await screenshot(page, "heartbeat-bars-1366");
    },
    CASE_TIMEOUT_MS + 45_000,
  );

  it(
    "turns the favicon red when the pool is at risk",
    async () => {
      const page = adminPage();
      const b = need(state.b, "edge-b");
      await api("POST", `/api/v1/pools/${state.poolId}/failover/pause`);
      await env().fleet.stop(b);
      await page
        .locator("[data-testid=pool-health][data-health=at_risk]")
        .waitFor({ timeout: DELAY_S * 1000 + LIVE_TIMEOUT_MS });
      await expect.poll(() => favicon(page), POLL).toBe("/dashboard/favicon-at-risk.svg");
      expect(await page.title()).toMatch(/^At risk · /);
      await screenshot(page, "favicon-at-risk-1366");
    },
    CASE_TIMEOUT_MS + DELAY_S * 1000,
  );
});
