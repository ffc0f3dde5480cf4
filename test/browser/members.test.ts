// The member workspace in a real browser (Debian's Chromium through playwright-core) against a
// real local control plane (`wrangler dev`), one for the whole file; the cases run in order and
// build on each other. An admin adds a member through the form, copies its one-liner and watches
// a simulated agent enrolled with that secret send its first heartbeat; the Status tab shows the
// HAProxy table a simulated agent pushes, and a server going DOWN, without a reload; Settings
// saves, refuses a bad CIDR next to the field, rotates the secret (the old one gets 401) and
// removes a standby; a viewer sees disabled controls and is refused (403). Screenshots go to
// test-results/screenshots/. Without Chromium every case fails; none is skipped.
import type { Page } from "playwright-core";
import { describe, expect, it } from "vitest";
import type { HaproxyStatRow } from "../../shared/haproxy-stat";
import type { SimulatedAgent } from "./agents";
import { screenshot } from "./browser";
import {
  byTestId,
  confirmClick,
  fillMemberForm,
  markNoReload,
  path,
  signIn,
  signInNewAdmin,
  stillSameDocument,
  submitMemberForm,
} from "./pages";
import { browserSuite, CASE_TIMEOUT_MS, LIVE_TIMEOUT_MS, need, POLL } from "./suite";

const ADMIN = { username: "members-admin", password: "correct horse battery staple" };
const VIEWER = { username: "members-viewer", password: "viewer passphrase 42" };
const AGENT_IP = "127.0.0.1";

const { env, newContext, fileContext, phoneContext, api, untilActive } = browserSuite({});

/** What the cases share, filled in as they go. */
const state: {
  page?: Page;
  poolId?: string;
  /** Enrolled through the API, beating from the start: the pool's active. */
  activeId?: string;
  /** Added through the form: a standby. */
  addedId?: string;
  addedSecret?: string;
} = {};

const adminPage = () => need(state.page, "the signed-in admin's page");

/** A member through the admin API, or null once it is gone (404). */
async function memberOrNull(id: string) {
  const res = await fetch(`${env().plane.url}/api/v1/members/${id}`, {
    headers: { Authorization: `Bearer ${env().plane.adminToken}` },
  });
  if (res.status === 404) return null;
  expect(res.status).toBe(200);
  return (await res.json()).member;
}

/** The `show stat` rows the simulated active's HAProxy reports; tests flip app2's state. */
function statRows(app2: "UP" | "DOWN"): HaproxyStatRow[] {
  const base = {
    checkDesc: null,
    scur: 1,
    smax: 4,
    stot: 120,
    rate: 2,
    weight: 1,
    lastchg: 600,
    mode: "http",
    bin: 40_960,
    bout: 1_048_576,
  };
  const server = (service: string, status: string, addr: string): HaproxyStatRow => ({
    ...base,
    proxy: "be_app",
    service,
    kind: "server",
    status,
    addr,
    checkStatus: status === "UP" ? "L7OK" : "L4CON",
    checkCode: status === "UP" ? 200 : null,
    checkDurationMs: status === "UP" ? 2 : 0,
    lastChk: status === "UP" ? null : "Connection refused",
    downtime: status === "UP" ? 0 : 3,
    lastchg: status === "UP" ? 600 : 1,
    econ: 0,
    eresp: 0,
  });
  return [
    {
      ...base,
      proxy: "fe_web",
      service: "FRONTEND",
      kind: "frontend",
      status: "OPEN",
      checkStatus: null,
      addr: null,
      slim: 10_000,
      ereq: 0,
    },
    server("app1", "UP", "10.0.0.11:8080"),
    server("app2", app2, "10.0.0.12:8080"),
    {
      ...base,
      proxy: "be_app",
      service: "BACKEND",
      kind: "backend",
      status: "UP",
      checkStatus: null,
      addr: null,
      slim: 1_000,
    },
  ];
}

describe("member workspace in Chromium", () => {
  it(
    "signs an admin in and creates a pool with one beating member",
    async () => {
      const { plane, fleet } = env();
      const context = await fileContext({ viewport: { width: 1280, height: 900 } });
      await context.grantPermissions(["clipboard-read", "clipboard-write"], { origin: plane.url });
      const page = await context.newPage();
      await signInNewAdmin(page, plane, ADMIN);
      state.page = page;

      const { pool } = await api("POST", "/api/v1/pools", {
        name: "edge-members",
        profile: "haproxy",
        failoverHostname: "lb.example.com",
        allowPrivateAddresses: true, // members report documentation addresses
        failoverDelayS: 5,
        autoFailover: true,
      });
      state.poolId = pool.id;
      const { member, secret } = await api("POST", `/api/v1/pools/${pool.id}/members`, {
        name: "edge-a",
        hostname: "edge-a",
        allowedIps: [AGENT_IP],
        priority: 1,
      });
      state.activeId = member.id;
      const agent = fleet.add(member.id, { hostname: "edge-a", secret, publicIp: "198.51.100.21" });
      agent.statTable = () => statRows("UP");
      fleet.start(member.id);
      await untilActive(pool.id, member.id);
    },
    CASE_TIMEOUT_MS,
  );

  it(
    "adds a member through the form, copies its one-liner, and shows its first heartbeat live",
    async () => {
      const { plane, fleet } = env();
      const page = adminPage();
      const poolId = need(state.poolId, "the pool");
      await page.goto(`${plane.url}/pools/${poolId}`);
      // The setup banner says the pool needs a second member, and links to the form.
      const fromBanner = page.locator("[data-testid=setup-add-member]");
      await fromBanner.waitFor({ state: "visible" });
      expect(await page.locator("[data-testid=add-member-link]").isVisible()).toBe(true);
      await fromBanner.click();
      await page.waitForURL(`${plane.url}/pools/${poolId}/members/new`);

      // A bad entry first: the form comes back with the field marked and the input kept.
      const fields = { name: "edge-b", hostname: "edge-b", priority: 20 };
      await fillMemberForm(page, { ...fields, allowedIps: `${AGENT_IP}\n10.0.0.0/40` });
      await screenshot(page, "add-member-form");
      await page.locator("[data-testid=add-member-submit]").click();
      await page.locator("[data-testid=field-error-allowedIps]").waitFor({ state: "visible" });
      expect(await page.locator("[data-testid=field-error-allowedIps]").innerText()).toContain(
        "10.0.0.0/40",
      );
      expect(await page.locator("[data-testid=member-name]").inputValue()).toBe("edge-b");
      expect((await api("GET", `/api/v1/pools/${poolId}/members`)).members).toHaveLength(1);

      await byTestId(page, "member-allowedIps").fill(AGENT_IP);
      const { id: addedId, secret, command } = await submitMemberForm(page);
      // The answer to the POST itself: no redirect carried the secret.
      expect(path(page)).toBe(`/pools/${poolId}/members/new`);
      expect(command).toContain(`curl -fsSL ${plane.url}/install.sh -o "$f" && printf '%s\\n' '`);
      expect(secret).toMatch(/^\S{48}$/);
      const waiting = page.locator("[data-testid=first-heartbeat]");
      expect(await waiting.getAttribute("data-state")).toBe("waiting");
      expect(await waiting.innerText()).toContain("Waiting for the first heartbeat");

      // Copy puts exactly the one-liner on the clipboard, with the leading space that keeps it
      // out of shell history.
      const copy = page.locator("[data-testid=copy-install-command]");
      await copy.click();
      await expect.poll(() => copy.innerText(), POLL).toBe("Copied");
      expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(` ${command}`);

      const added = (await api("GET", `/api/v1/pools/${poolId}/members`)).members.find(
        (member: { hostname: string }) => member.hostname === "edge-b",
      );
      expect(added).toMatchObject({ id: addedId, ...fields, allowedIps: [AGENT_IP] });
      state.addedId = added.id;
      state.addedSecret = secret;
      await markNoReload(page);

      // The VM's agent, installed with that secret, sends its first heartbeat.
      fleet.add(added.id, { hostname: "edge-b", secret, publicIp: "198.51.100.22" });
      fleet.start(added.id);
      const seen = page.locator("[data-testid=first-heartbeat][data-state=seen]");
      await seen.waitFor({ state: "visible", timeout: LIVE_TIMEOUT_MS }).catch((error) => {
        throw new Error(
          `${(error as Error).message}; agent failures ${JSON.stringify(fleet.failures())}`,
        );
      });
      expect(await stillSameDocument(page), "the page reloaded").toBe(true);
      expect(await page.locator("[data-testid=first-heartbeat-agent]").innerText()).toBe(
        "0.0.0-browser-sim",
      );
      expect(await page.locator("[data-testid=first-heartbeat-ip]").innerText()).toBe(
        "198.51.100.22",
      );
      await expect
        .poll(() => page.locator("[data-live-status]").innerText(), POLL)
        .toContain("first heartbeat received");
      await screenshot(page, "add-member-first-heartbeat");
    },
    CASE_TIMEOUT_MS,
  );

  it(
    "shows the active's HAProxy table on its Status tab, and a server going DOWN live",
    async () => {
      const { plane, fleet } = env();
      const page = adminPage();
      const activeId = need(state.activeId, "the active member");
      const agent: SimulatedAgent = fleet.get(activeId);
      await page.goto(`${plane.url}/pools/${need(state.poolId, "the pool")}`);
      // The member's name on its card opens its Status tab.
      await page
        .locator(
          `[data-testid=member-card][data-member-id="${activeId}"] [data-testid=member-status-link]`,
        )
        .click();
      await page.waitForURL(`${plane.url}/members/${activeId}/status`);
      expect(await page.locator("[data-testid=member-facts]").getAttribute("data-role")).toBe(
        "active",
      );
      expect(await page.locator("[data-testid=member-public-ip]").innerText()).toBe(
        "198.51.100.21",
      );
      await markNoReload(page);

      // Opening the tab asked the agent; its table arrives with the next beats.
      const app2 = page.locator("[data-testid=stat-row][data-service=app2]");
      await app2.waitFor({ state: "visible", timeout: LIVE_TIMEOUT_MS }).catch((error) => {
        throw new Error(
          `${(error as Error).message}; pushes ${agent.statPushes}, failures ${JSON.stringify(agent.failures)}`,
        );
      });
      expect(await app2.getAttribute("data-status")).toBe("UP");
      expect(await page.locator("[data-testid=stat-row]").count()).toBe(4);
      expect(await page.locator("[data-testid=stat-age]").getAttribute("data-stale")).toBe("false");
      expect(await page.locator("[data-testid=heartbeat-age]").innerText()).toMatch(/^\d+ s ago$/);

      agent.statTable = () => statRows("DOWN");
      const down = page.locator("[data-testid=stat-row][data-service=app2][data-status=DOWN]");
      await down.waitFor({ state: "visible", timeout: LIVE_TIMEOUT_MS });
      expect(await down.getAttribute("data-tone")).toBe("down");
      expect(await down.innerText()).toContain("L4CON");
      expect(await down.innerText()).toContain("Connection refused");
      expect(await stillSameDocument(page), "the page reloaded").toBe(true);
      await screenshot(page, "member-status");

      // At a phone's width the table scrolls sideways, its first column staying in view, and
      // the scroll survives the live refresh.
      const phone = await phoneContext(page);
      const small = await phone.newPage();
      await small.goto(`${plane.url}/members/${activeId}/status`);
      const scroller = small.locator("#stat-backends-scroll");
      await scroller.waitFor({ state: "visible", timeout: LIVE_TIMEOUT_MS });
      // The live refresh may swap the table in between: measure the one on the page, again
      // until it has been laid out.
      await expect
        .poll(
          () => scroller.evaluate((el) => el.clientWidth > 0 && el.scrollWidth > el.clientWidth),
          { timeout: LIVE_TIMEOUT_MS },
        )
        .toBe(true);
      expect(
        await small.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth + 1),
        "the page itself does not scroll sideways",
      ).toBe(true);
      // A live refresh may swap the table between two looks: scroll and measure until one look
      // sees the element in place (a scroll given to a table being replaced is lost with it).
      await expect
        .poll(
          () =>
            scroller.evaluate((el) => {
              el.scrollTo(200, 0);
              return el.scrollLeft;
            }),
          POLL,
        )
        .toBeGreaterThan(150);
      const name = small.locator("#stat-backends-scroll [data-service=app2] th");
      await expect
        .poll(
          async () => {
            const [box, frame] = [await name.boundingBox(), await scroller.boundingBox()];
            return box && frame ? Math.abs(box.x - frame.x) : Number.POSITIVE_INFINITY;
          },
          { ...POLL, message: "the name column stays put" },
        )
        .toBeLessThan(4);
      await small.waitForTimeout(3_500); // two live refreshes
      expect(await scroller.evaluate((el) => el.scrollLeft)).toBeGreaterThan(150);
      await screenshot(small, "member-status-phone");

      // Refreshes come without the table for a while (a notice in its place, as when the
      // coordinator has none): when the table is back, it is back where the reader left it.
      const fragment = `**/ui/members/${activeId}/status/fragment`;
      let withoutTable = true;
      await small.route(fragment, async (route) => {
        if (!withoutTable) return route.continue();
        const response = await route.fetch();
        const body = (await response.text()).replace(
          /<section[^>]*id="stat-backends-scroll"[\s\S]*?<\/section>/,
          '<p class="notice" data-testid="stat-gap">No HAProxy status table yet.</p>',
        );
        await route.fulfill({ response, body });
      });
      await small.locator("[data-testid=stat-gap]").waitFor({ timeout: LIVE_TIMEOUT_MS });
      expect(await scroller.count(), "the refresh without the table").toBe(0);
      withoutTable = false;
      await scroller.waitFor({ state: "visible", timeout: LIVE_TIMEOUT_MS });
      expect(await scroller.evaluate((el) => el.scrollLeft)).toBeGreaterThan(150);
      await small.unroute(fragment);
      await phone.close();
    },
    CASE_TIMEOUT_MS,
  );

  it(
    "saves Settings, and shows a bad CIDR next to its field without changing anything",
    async () => {
      const { plane } = env();
      const page = adminPage();
      const addedId = need(state.addedId, "the added member");
      await page.goto(`${plane.url}/members/${addedId}/settings`);
      expect(await page.locator("[data-testid=member-priority]").inputValue()).toBe("20");

      await page.locator("[data-testid=member-priority]").fill("7");
      await page.locator("[data-testid=member-allowedIps]").fill(`${AGENT_IP}\n198.51.100.0/24`);
      await page.locator("[data-testid=settings-save]").click();
      await page
        .locator("[data-testid=flash]", { hasText: "Saved allowed IPs, priority" })
        .waitFor({ state: "visible" });
      expect(await memberOrNull(addedId)).toMatchObject({
        priority: 7,
        allowedIps: [AGENT_IP, "198.51.100.0/24"],
      });

      await page.locator("[data-testid=member-priority]").fill("3");
      await page.locator("[data-testid=member-allowedIps]").fill(`${AGENT_IP}\n198.51.100.0/33`);
      await page.locator("[data-testid=settings-save]").click();
      const error = page.locator("[data-testid=field-error-allowedIps]");
      await error.waitFor({ state: "visible" });
      expect(await error.innerText()).toMatch(/^198\.51\.100\.0\/33: must be an IPv4\/IPv6/);
      expect(await page.locator("[data-testid=member-allowedIps]").inputValue()).toBe(
        `${AGENT_IP}\n198.51.100.0/33`,
      );
      expect(await page.locator("[data-testid=member-priority]").inputValue()).toBe("3");
      await screenshot(page, "member-settings-error");
      expect(await memberOrNull(addedId)).toMatchObject({
        priority: 7,
        allowedIps: [AGENT_IP, "198.51.100.0/24"],
      });
      await page.goto(`${plane.url}/members/${addedId}/settings`);
      await screenshot(page, "member-settings");
    },
    CASE_TIMEOUT_MS,
  );

  it(
    "rotates the secret: a new one-liner, and the old secret's heartbeats get 401",
    async () => {
      const { plane, fleet } = env();
      const page = adminPage();
      const addedId = need(state.addedId, "the added member");
      const oldSecret = need(state.addedSecret, "the added member's secret");
      const agent = fleet.get(addedId);
      expect(agent.failures).toEqual([]);
      await page.goto(`${plane.url}/members/${addedId}/settings`);
      const rotatedAt = Date.now();
      await confirmClick(byTestId(page, "rotate-secret"));
      const commandBox = page.locator("[data-testid=rotated-secret] [data-testid=install-command]");
      await commandBox.waitFor({ state: "visible" });
      const command = (await commandBox.innerText()).trim();
      const secret = /printf '%s\\n' '([^']+)'/.exec(command)?.[1] ?? "";
      expect(secret).toMatch(/^\S{48}$/);
      expect(secret).not.toBe(oldSecret);
      expect(command).toContain(`${plane.url}/install.sh`);
      expect(await page.locator("[data-testid=old-secret-warning]").innerText()).toContain(
        "old secret has stopped working",
      );
      await screenshot(page, "member-rotated-secret");

      // The agent still runs with the old secret: refused from now on.
      await expect
        .poll(
          () =>
            agent.failures.filter(
              (failure) =>
                failure.at >= rotatedAt &&
                failure.what === "/agent/v1/heartbeat" &&
                failure.status === 401,
            ).length,
          { timeout: LIVE_TIMEOUT_MS, interval: 250 },
        )
        .toBeGreaterThan(0);
      expect(agent.failures.at(-1)?.body).toContain("bad_secret");
      await fleet.stop(addedId);
      state.addedSecret = secret;
    },
    CASE_TIMEOUT_MS,
  );

  it(
    "removes the standby and goes back to the pool with a flash",
    async () => {
      const { plane } = env();
      const page = adminPage();
      const addedId = need(state.addedId, "the added member");
      const poolId = need(state.poolId, "the pool");
      await page.goto(`${plane.url}/members/${addedId}/settings`);
      await confirmClick(byTestId(page, "remove-member"));
      await page.waitForURL((url) => url.pathname === `/pools/${poolId}`);
      expect(await page.locator("[data-testid=flash]").innerText()).toBe("Removed edge-b (edge-b)");
      await expect.poll(() => page.locator("[data-testid=member-card]").count(), POLL).toBe(1);
      expect(await memberOrNull(addedId)).toBeNull();
      const { events } = await api("GET", `/api/v1/pools/${poolId}/events?type=member.removed`);
      expect(events[0]).toMatchObject({
        memberId: addedId,
        actor: expect.stringMatching(/^user:/),
      });
    },
    CASE_TIMEOUT_MS,
  );

  it(
    "shows a viewer disabled controls, and refuses the viewer's direct posts with 403",
    async () => {
      const { plane } = env();
      const activeId = need(state.activeId, "the active member");
      const poolId = need(state.poolId, "the pool");
      await api("POST", "/api/v1/users", { ...VIEWER, role: "viewer" });
      const context = await newContext({ viewport: { width: 1280, height: 900 } });
      const page = await context.newPage();
      await page.goto(`${plane.url}/login`);
      await signIn(page, VIEWER);
      await page.waitForURL(`${plane.url}/`);

      await page.goto(`${plane.url}/pools/${poolId}`);
      await page.locator("[data-testid=member-card]").first().waitFor();
      expect(await page.locator("[data-testid=add-member-link]").count()).toBe(0);

      await page.goto(`${plane.url}/members/${activeId}/settings`);
      expect(await page.locator("[data-testid=settings-read-only]").isVisible()).toBe(true);
      for (const testId of [
        "member-priority",
        "member-allowedIps",
        "settings-save",
        "rotate-secret",
        "remove-member",
      ]) {
        const control = page.locator(`[data-testid=${testId}]`);
        expect(await control.evaluate((el) => el.matches(":disabled")), testId).toBe(true);
      }
      expect(await page.locator("[data-testid=member-priority]").inputValue()).toBe("1");
      await screenshot(page, "member-settings-viewer");

      const csrf = await page.locator("input[name=_csrf]").first().inputValue();
      const post = (target: string, fields: Record<string, string>) =>
        page.evaluate(
          async ([url, body]) => {
            const res = await fetch(url, {
              method: "POST",
              body: new URLSearchParams(body),
              redirect: "manual",
            });
            return res.status;
          },
          [target, { _csrf: csrf, ...fields }] as const,
        );
      const settings = { name: "edge-a", hostname: "edge-a", allowedIps: AGENT_IP, priority: "9" };
      expect(await post(`/members/${activeId}/settings`, settings)).toBe(403);
      expect(await post(`/members/${activeId}/settings/rotate-secret`, {})).toBe(403);
      expect(await post(`/members/${activeId}/settings/remove`, {})).toBe(403);
      const newMember = { name: "sneaky", hostname: "sneaky", allowedIps: AGENT_IP };
      expect(await post(`/pools/${poolId}/members/new`, newMember)).toBe(403);
      expect(await memberOrNull(activeId)).toMatchObject({ priority: 1 });
      expect((await api("GET", `/api/v1/pools/${poolId}/members`)).members).toHaveLength(1);
      expect(env().fleet.get(activeId).failures, "the active's secret still works").toEqual([]);
    },
    CASE_TIMEOUT_MS,
  );
});
