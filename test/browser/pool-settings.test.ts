// The pool's DNS and Settings tabs in a real browser (Debian's Chromium through playwright-core)
// against a real local control plane (`wrangler dev`), whose pool talks to a fake Cloudflare API
// on loopback (test/worker/dns/fakes: Cloudflare's documented shapes and error bodies) and whose
// webhook goes to a loopback receiver. The cases run in order and build on each other. What the
// pages change is checked through the admin API and at the fakes. Screenshots go to
// test-results/screenshots/. Without Chromium every case fails; none is skipped.
import type { Page } from "playwright-core";
import { describe, expect, it } from "vitest";
import { adminApi } from "../harness/control-plane.mjs";
import { type Receiver, startReceiver } from "../worker/alerts/receiver";
import { type FakeCloudflare, startFakeCloudflare } from "../worker/dns/fakes/cloudflare-api";
import { screenshot } from "./browser";
import { byTestId, confirmClick, flash, path, scriptsRan, signIn } from "./pages";
import { browserSuite, CASE_TIMEOUT_MS, LIVE_TIMEOUT_MS, POLL } from "./suite";

const ADMIN = { username: "dns-admin", password: "correct horse battery staple" };
const VIEWER = { username: "dns-viewer", password: "viewer passphrase 42" };
const ZONE_ID = "023e105f4ecef8ad9ca31a8372d0c353";
const TOKEN = "cf-browser-token-with-zone-dns-edit";
const WRONG_TOKEN = "cf-browser-token-that-cloudflare-refuses";
const HOSTNAME = "lb.browser.example.com";
const HOOK_SECRET = "browser-webhook-secret-0123";
const IPS = ["198.51.100.31", "198.51.100.32"] as const;

let cloudflare: FakeCloudflare | undefined;
let hook: Receiver | undefined;
const { env, newContext, signedInPage } = browserSuite({
  setup: async () => {
    cloudflare = await startFakeCloudflare({ zoneId: ZONE_ID, tokens: { [TOKEN]: "edit" } });
    hook = await startReceiver();
    return { cloudflare, hook };
  },
  teardown: async () => {
    await Promise.all([cloudflare?.close(), hook?.close()]);
  },
});
const state: { page?: Page; poolId?: string; userId?: string } = {};

function adminPage(): Page {
  if (!state.page || !state.poolId) throw new Error("no signed-in page and pool: setup failed");
  return state.page;
}

const pool = async () => (await adminApi(env().plane, "GET", `/api/v1/pools/${state.poolId}`)).pool;

/** Bearer tokens the fake Cloudflare received, in order. */
const bearers = () =>
  env().cloudflare.requests.map((request) => request.headers.authorization?.replace("Bearer ", ""));

const field = (page: Page, name: string) => page.locator(`[data-testid="field-${name}"]`);

describe("the pool's DNS and Settings tabs in Chromium", () => {
  it(
    "sets up an admin and a pool whose two simulated members come online",
    async () => {
      const { plane, fleet } = env();
      const page = await signedInPage(ADMIN, 1280);
      const { users } = await adminApi(plane, "GET", "/api/v1/users");
      state.userId = users.find(
        (user: { username: string }) => user.username === ADMIN.username,
      )?.id;
      expect(state.userId).toBeTruthy();

      const created = await adminApi(plane, "POST", "/api/v1/pools", {
        name: "edge-settings",
        profile: "haproxy",
        failoverHostname: HOSTNAME,
        allowPrivateAddresses: true, // members report documentation addresses
        failoverDelayS: 10,
      });
      state.poolId = created.pool.id as string;
      for (const [index, publicIp] of IPS.entries()) {
        const hostname = `settings-${index}`;
        const { member, secret } = await adminApi(
          plane,
          "POST",
          `/api/v1/pools/${state.poolId}/members`,
          { name: hostname, hostname, allowedIps: ["127.0.0.1"], priority: index + 1 },
        );
        fleet.add(member.id, { hostname, secret, publicIp });
      }
      fleet.start();
      await expect
        .poll(async () => (await pool()).activeMemberId, {
          timeout: LIVE_TIMEOUT_MS,
          interval: 250,
        })
        .toBeTruthy();
      state.page = page;
    },
    CASE_TIMEOUT_MS,
  );

  it(
    "tests the Cloudflare settings before saving them, saves them, and shows wanted against served",
    async () => {
      const { plane, cloudflare } = env();
      const page = adminPage();
      await page.goto(`${plane.url}/pools/${state.poolId}`);
      await page.locator("[data-testid=tab-dns]").click();
      await page.waitForURL(`${plane.url}/pools/${state.poolId}/dns`);
      expect(await page.locator("[data-testid=dns-state]").getAttribute("data-dns-state")).toBe(
        "not_connected",
      );

      await page.locator("#dns-kind").selectOption("cloudflare");
      // Only the chosen kind's fields are shown (and sent).
      expect(await page.locator("[data-testid=dns-fields-powerdns]").isVisible()).toBe(false);
      await field(page, "cloudflare.apiToken").fill(TOKEN);
      await field(page, "cloudflare.zoneId").fill(ZONE_ID);
      await field(page, "cloudflare.apiBaseUrl").fill(cloudflare.apiBaseUrl);
      await field(page, "cloudflare.ttl").fill("60");

      // Test before saving: the answer shows in the page, the form keeps what was typed.
      await page.locator("[data-testid=dns-test-form]").click();
      const check = page.locator("[data-testid=dns-check]");
      await check.waitFor({ state: "visible" });
      expect(await check.getAttribute("data-ok")).toBe("true");
      expect(await check.innerText()).toContain(`zone ${ZONE_ID} found; ${HOSTNAME} → no A record`);
      expect(await check.innerText()).toContain("not saved");
      expect(await field(page, "cloudflare.apiToken").inputValue()).toBe(TOKEN);
      expect((await adminApi(plane, "GET", `/api/v1/pools/${state.poolId}/dns`)).dns).toBeNull();

      await confirmClick(byTestId(page, "dns-save"));
      await flash(page).filter({ hasText: "DNS settings saved" }).waitFor();
      expect(await page.content()).not.toContain(TOKEN);
      expect(await field(page, "cloudflare.apiToken").inputValue()).toBe("");
      expect(
        await page
          .locator("[data-testid=dns-fields-cloudflare] [data-testid=secret-state]")
          .getAttribute("data-set"),
      ).toBe("true");

      // The coordinator points the record at the active; the page shows it wanted and served.
      const active = (await pool()).activeMemberId as string;
      const activeIp =
        IPS[(await adminApi(plane, "GET", `/api/v1/members/${active}`)).member.priority - 1];
      await expect
        .poll(() => cloudflare.records.map((record) => record.content), {
          timeout: LIVE_TIMEOUT_MS,
        })
        .toEqual([activeIp]);
      await page.goto(`${plane.url}/pools/${state.poolId}/dns`);
      await expect
        .poll(() => page.locator("[data-testid=dns-desired]").getAttribute("data-addresses"), POLL)
        .toBe(activeIp);
      expect(await page.locator("[data-testid=dns-actual]").getAttribute("data-addresses")).toBe(
        activeIp,
      );
      expect(await page.locator("[data-testid=dns-actual-match]").innerText()).toBe(
        "matches what Baton wants",
      );
      await expect
        .poll(() => page.locator("[data-testid=dns-state]").getAttribute("data-dns-state"), {
          timeout: LIVE_TIMEOUT_MS,
        })
        .toBe("in_sync");
      expect(new Set(bearers())).toEqual(new Set([TOKEN]));
      await screenshot(page, "pool-dns");
    },
    CASE_TIMEOUT_MS,
  );

  it(
    "saves without retyping the token (the fake still gets the original) and shows a bad token's error",
    async () => {
      const { plane, cloudflare } = env();
      const page = adminPage();
      await field(page, "cloudflare.ttl").fill("120");
      await confirmClick(byTestId(page, "dns-save"));
      await flash(page).filter({ hasText: "the stored credential was kept" }).waitFor();
      const seen = cloudflare.requests.length;
      // The coordinator rewrites the record with the new TTL, with the stored token.
      await expect
        .poll(() => cloudflare.records.map((record) => record.ttl), { timeout: LIVE_TIMEOUT_MS })
        .toEqual([120]);
      await scriptsRan(page); // Test answers in the page only once app.js runs
      await page.locator("[data-testid=dns-test]").click();
      await page
        .locator("[data-testid=dns-check][data-ok=true]")
        .waitFor()
        .catch(async (error) => {
          const shown = await page.locator("[data-testid=dns-test-result]").innerText();
          throw new Error(`${(error as Error).message}; the page shows: ${shown}`);
        });
      expect(cloudflare.requests.length).toBeGreaterThan(seen);
      expect(new Set(bearers())).toEqual(new Set([TOKEN]));

      // A wrong token, tested from the form: Cloudflare's own error, and nothing saved.
      await field(page, "cloudflare.apiToken").fill(WRONG_TOKEN);
      await page.locator("[data-testid=dns-test-form]").click();
      const failed = page.locator("[data-testid=dns-check][data-ok=false]");
      await failed.waitFor({ state: "visible" });
      expect(await failed.innerText()).toContain(
        "Cloudflare answered 401: Authentication error (code 10000)",
      );
      expect(bearers().at(-1)).toBe(WRONG_TOKEN);
      const { dns } = await adminApi(plane, "GET", `/api/v1/pools/${state.poolId}/dns`);
      expect(dns.provider).toMatchObject({ kind: "cloudflare", ttl: 120 });
      await screenshot(page, "pool-dns-bad-token");
    },
    CASE_TIMEOUT_MS,
  );

  it(
    "refuses a bad failover delay in place, then saves a good one and pauses automatic failover",
    async () => {
      const { plane } = env();
      const page = adminPage();
      const before = await pool();
      await page.goto(`${plane.url}/pools/${state.poolId}/dns`);
      await page.locator("[data-testid=tab-settings]").click();
      await page.waitForURL(`${plane.url}/pools/${state.poolId}/settings`);
      expect(await field(page, "failoverDelayS").inputValue()).toBe("10");

      await field(page, "failoverDelayS").fill("1");
      await page.locator("[data-testid=pool-save]").click();
      const error = page.locator('[data-testid="error-failoverDelayS"]');
      await error.waitFor({ state: "visible" });
      expect(await error.innerText()).toContain("must be at least 3 seconds");
      expect(await field(page, "failoverDelayS").inputValue()).toBe("1");
      expect(await field(page, "failoverDelayS").getAttribute("aria-invalid")).toBe("true");
      expect(await pool()).toEqual(before);

      await field(page, "failoverDelayS").fill("5");
      await page.locator('[data-testid="field-autoFailover-paused"]').check();
      await page.locator("[data-testid=pool-save]").click();
      await flash(page).filter({ hasText: "Saved: failover delay, automatic failover" }).waitFor();
      expect(path(page)).toBe(`/pools/${state.poolId}/settings`);
      expect(await pool()).toMatchObject({ failoverDelayS: 5, autoFailover: false });
      const { failover } = await adminApi(plane, "GET", `/api/v1/pools/${state.poolId}/failover`);
      expect(failover.autoFailover).toBe(false);
    },
    CASE_TIMEOUT_MS,
  );

  it(
    "sets a webhook that receives the pool's events, and every change is audited with the user",
    async () => {
      const { plane, hook } = env();
      const page = adminPage();
      await field(page, "url").fill(hook.url);
      await field(page, "secret").fill(HOOK_SECRET);
      for (const box of await page.locator("[data-testid=field-events] input").all()) {
        await box.setChecked(false);
      }
      await page.locator('[data-testid="event-failover.resumed"]').check();
      await page.locator("[data-testid=webhook-save]").click();
      await flash(page).filter({ hasText: "Webhook saved (on)" }).waitFor();
      expect(await page.content()).not.toContain(HOOK_SECRET);
      const { alerts } = await adminApi(plane, "GET", `/api/v1/pools/${state.poolId}/alerts`);
      expect(alerts).toMatchObject({ url: hook.url, events: ["failover.resumed"], enabled: true });

      // Resumed through the form: the webhook gets the event, signed.
      await page.locator('[data-testid="field-autoFailover-on"]').check();
      await page.locator("[data-testid=pool-save]").click();
      await flash(page).filter({ hasText: "Saved: automatic failover" }).waitFor();
      await expect.poll(() => hook.requests.length, { timeout: LIVE_TIMEOUT_MS }).toBe(1);
      const [delivery] = hook.requests;
      expect(JSON.parse(delivery?.body ?? "{}")).toMatchObject({ type: "failover.resumed" });
      expect(delivery?.headers["x-baton-signature"]).toBeTruthy();
      await screenshot(page, "pool-settings");

      const { events } = await adminApi(
        plane,
        "GET",
        `/api/v1/pools/${state.poolId}/events?limit=100`,
      );
      const mine = (type: string, text: string) =>
        events.filter(
          (event: { type: string; message: string }) =>
            event.type === type && event.message.includes(text),
        );
      const actor = `user:${state.userId}`;
      for (const [type, text] of [
        ["pool.updated", "DNS provider set to cloudflare"],
        ["pool.updated", "updated"],
        ["pool.updated", "Webhook alerts go to"],
        ["failover.paused", "paused"],
        ["failover.resumed", "resumed"],
      ] as const) {
        const found = mine(type, text);
        expect(found.length, `${type} "${text}"`).toBeGreaterThan(0);
        for (const event of found) expect(event.actor, `${type} "${text}"`).toBe(actor);
      }
      expect(JSON.stringify(events)).not.toContain(TOKEN);
      expect(JSON.stringify(events)).not.toContain(HOOK_SECRET);
    },
    CASE_TIMEOUT_MS,
  );

  it(
    "sends a test event from the Settings tab and shows the receiver's answer on the page",
    async () => {
      const { hook } = env();
      const page = adminPage();
      const before = hook.requests.length;
      await page.locator("[data-testid=webhook-test-send]").click();
      const result = page.locator("[data-testid=webhook-test-result]");
      await result.waitFor();
      expect(await result.getAttribute("data-ok")).toBe("true");
      expect(await result.textContent()).toMatch(/answered HTTP 2\d\d in \d+ ms/);
      expect(hook.requests.length).toBe(before + 1);
      const delivery = hook.requests.at(-1);
      expect(JSON.parse(delivery?.body ?? "{}")).toMatchObject({
        type: "alert.test",
        poolId: state.poolId,
      });
      expect(delivery?.headers["x-baton-signature"]).toBeTruthy();
      await screenshot(page, "webhook-test-event");
    },
    CASE_TIMEOUT_MS,
  );

  it(
    "gives a viewer no enabled control on either tab and refuses the viewer's direct POSTs with 403",
    async () => {
      const { plane } = env();
      await adminApi(plane, "POST", "/api/v1/users", { ...VIEWER, role: "viewer" });
      const context = await newContext({ viewport: { width: 390, height: 844 }, isMobile: true });
      const page = await context.newPage();
      await page.goto(`${plane.url}/login`);
      await signIn(page, VIEWER);
      await page.waitForURL(`${plane.url}/`);
      const before = await pool();
      const settingsBefore = await adminApi(plane, "GET", `/api/v1/pools/${state.poolId}/dns`);
      for (const tab of ["dns", "settings"]) {
        await page.goto(`${plane.url}/pools/${state.poolId}/${tab}`);
        const enabled = page.locator(
          "main form[method=post] :is(button, input:not([type=hidden]), select):enabled",
        );
        expect(await enabled.count(), `enabled controls on ${tab}`).toBe(0);
        await screenshot(page, `pool-${tab}-viewer-phone`);
      }
      const csrf = await page.locator("input[name=_csrf]").first().inputValue();
      const statuses = await page.evaluate(
        async ([poolId, token]) => {
          const post = async (target: string, fields: Record<string, string>) => {
            const body = new URLSearchParams({ _csrf: token, ...fields });
            return (await fetch(target, { method: "POST", body, redirect: "manual" })).status;
          };
          return [
            await post(`/ui/pools/${poolId}/settings`, { failoverDelayS: "9" }),
            await post(`/ui/pools/${poolId}/dns`, { kind: "cloudflare" }),
            await post(`/ui/pools/${poolId}/dns/test`, {}),
            await post(`/ui/pools/${poolId}/delete`, { force: "true" }),
          ];
        },
        [state.poolId as string, csrf] as const,
      );
      expect(statuses).toEqual([403, 403, 403, 403]);
      expect(await pool()).toMatchObject({ failoverDelayS: before.failoverDelayS });
      expect(await adminApi(plane, "GET", `/api/v1/pools/${state.poolId}/dns`)).toEqual(
        settingsBefore,
      );
    },
    CASE_TIMEOUT_MS,
  );

  it(
    "deletes an empty pool after confirmation and returns to the pools list",
    async () => {
      const { plane } = env();
      const page = adminPage();
      const { pool: spare } = await adminApi(plane, "POST", "/api/v1/pools", {
        name: "spare",
        failoverHostname: "spare.example.com",
      });
      await page.goto(`${plane.url}/pools/${spare.id}/settings`);
      await confirmClick(byTestId(page, "pool-delete"));
      await page.waitForURL((url) => url.pathname === "/");
      expect(await flash(page).innerText()).toBe("Pool spare deleted");
      const res = await fetch(`${plane.url}/api/v1/pools/${spare.id}`, {
        headers: { Authorization: `Bearer ${plane.adminToken}` },
      });
      expect(res.status).toBe(404);
    },
    CASE_TIMEOUT_MS,
  );
});
