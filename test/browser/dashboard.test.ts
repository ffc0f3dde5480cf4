// The dashboard in a real browser (Debian's Chromium through playwright-core) against a real
// local control plane (`wrangler dev`), one for the whole file. The cases run in order and build
// on each other: first-run setup, logout and login, a pool made with the New pool form and two
// members added with the Add member form (their simulated agents run with the secrets the page
// showed), live updates of the overview through a failover (never reloading the page), a job's
// output, and a viewer who can neither see enabled actions nor perform one through the API.
// Screenshots go to test-results/screenshots/. Without Chromium every case fails; none is skipped.
import { setTimeout as sleep } from "node:timers/promises";
import type { BrowserContext, Page } from "playwright-core";
import { describe, expect, it } from "vitest";
import { adminApi } from "../harness/control-plane.mjs";
import { defaultJobRunner } from "./agents";
import { screenshot } from "./browser";
import {
  addMemberByForm,
  fillPoolForm,
  fillSetup,
  markNoReload,
  path,
  scriptsRan,
  signIn,
  stillSameDocument,
  submitPoolForm,
} from "./pages";
import { browserSuite, CASE_TIMEOUT_MS, LIVE_TIMEOUT_MS, need, POLL } from "./suite";

const ADMIN = { username: "ops-admin", password: "correct horse battery staple" };
const VIEWER = { username: "watcher", password: "viewer passphrase 42" };
const DELAY_S = 3;
/** How long the simulated agent takes over the job the jobs page queues. */
const JOB_RUN_MS = 4_000;

const { env, newContext, fileContext, phoneContext } = browserSuite({
  // First-run setup needs a control plane without users.
  ownPlane: { tempPrefix: "baton-browser-" },
});

/** What the cases share, filled in as they go. */
const state: {
  page?: Page;
  poolId?: string;
  members: { id: string; hostname: string; publicIp: string }[];
  activeId?: string;
  standbyId?: string;
} = { members: [] };

/** The signed-in admin's page from the first case; later cases need it. */
const adminPage = () => need(state.page, "the signed-in admin's page");
const poolId = () => need(state.poolId, "the pool");

async function sessionCookie(context: BrowserContext) {
  return (await context.cookies()).find((cookie) => cookie.name === "baton_session");
}

/** The card, flow-diagram and API view of who is active, for failure messages. */
async function liveState(page: Page) {
  return page.evaluate(() => ({
    active: document.querySelector("[data-testid=flow-active]")?.getAttribute("data-member-id"),
    standbys: [...document.querySelectorAll("[data-testid=flow-standby]")].map((el) => ({
      id: el.getAttribute("data-member-id"),
      ready: el.getAttribute("data-ready"),
    })),
    cards: [...document.querySelectorAll("[data-testid=member-card]")].map((el) => ({
      id: el.getAttribute("data-member-id"),
      role: el.getAttribute("data-role"),
      online: el.getAttribute("data-online"),
      age: el.querySelector("[data-testid=heartbeat-age]")?.textContent,
    })),
  }));
}

describe("dashboard in Chromium", () => {
  it(
    "first-run setup with the bootstrap token creates the first admin and signs them in",
    async () => {
      const { plane } = env();
      const context = await fileContext({ viewport: { width: 1280, height: 900 } });
      const page = await context.newPage();

      const res = await page.goto(`${plane.url}/setup`);
      expect(res?.status()).toBe(200);
      const form = page.locator("form:has(input[name=token])");
      await expect.poll(() => form.count(), POLL).toBe(1);

      // A wrong bootstrap token creates nobody and signs nobody in.
      await fillSetup(page, "not-the-admin-token", ADMIN);
      await form.locator("button[type=submit]").click();
      await page.waitForLoadState();
      expect(path(page)).toBe("/setup");
      expect(await sessionCookie(context)).toBeUndefined();

      await fillSetup(page, plane.adminToken, ADMIN);
      await screenshot(page, "setup");
      await form.locator("button[type=submit]").click();

      await page.waitForURL(`${plane.url}/`);
      expect(await sessionCookie(context)).toMatchObject({ httpOnly: true });
      await expect
        .poll(() => page.locator("[data-testid=signed-in-user]").innerText(), POLL)
        .toBe(ADMIN.username);
      expect(await page.locator("[data-testid=pool-row]").count()).toBe(0);
      state.page = page;

      // Setup is done once: the page no longer creates admins.
      const second = await fetch(`${plane.url}/setup`, { redirect: "manual" });
      expect(second.status === 200 && (await second.text()).includes('name="token"')).toBe(false);
    },
    CASE_TIMEOUT_MS,
  );

  it(
    "logs out, refuses a wrong password, and logs in again",
    async () => {
      const { plane } = env();
      const page = adminPage();
      const context = page.context();

      await page.locator("form[action='/logout'] button[type=submit]").click();
      await page.waitForURL((url) => url.pathname !== "/");
      expect(await sessionCookie(context)).toBeUndefined();
      await page.goto(`${plane.url}/`);
      expect(path(page)).toBe("/login");

      await signIn(page, { ...ADMIN, password: "wrong password, surely" });
      await page.waitForLoadState();
      expect(path(page)).toBe("/login");
      expect(await sessionCookie(context)).toBeUndefined();

      await signIn(page, ADMIN);
      await page.waitForURL(`${plane.url}/`);
      expect(await sessionCookie(context)).toBeDefined();
      await expect
        .poll(() => page.locator("[data-testid=signed-in-user]").innerText(), POLL)
        .toBe(ADMIN.username);
    },
    CASE_TIMEOUT_MS,
  );

  it(
    "creates a pool with the New pool form and adds two members with the Add member form",
    async () => {
      const { plane, fleet } = env();
      const page = adminPage();
      await page.goto(`${plane.url}/`);
      await page.locator("[data-testid=new-pool-link]").click();
      await page.waitForURL(`${plane.url}/pools/new`);
      await fillPoolForm(page, {
        name: "edge-browser",
        profile: "haproxy",
        failoverHostname: "lb.example.com",
        failoverDelayS: DELAY_S,
        allowPrivateAddresses: true,
      });
      const id = await submitPoolForm(page);
      expect(await page.locator("[data-testid=flash]").innerText()).toContain(
        "Pool edge-browser created",
      );
      const { pool } = await adminApi(plane, "GET", `/api/v1/pools/${id}`);
      expect(pool).toMatchObject({ failoverDelayS: DELAY_S, autoFailover: true });
      state.poolId = id;

      // Each member's secret comes from the one-liner the form answers with, as an operator
      // would copy it onto the VM; the simulated agents start with it in the next case.
      for (const [letter, publicIp] of [
        ["a", "198.51.100.11"],
        ["b", "198.51.100.12"],
      ] as const) {
        const hostname = `edge-${letter}`;
        const enrolled = await addMemberByForm(page, plane, id, {
          name: hostname,
          hostname,
          allowedIps: "127.0.0.1",
        });
        expect(enrolled.command).toContain(`${plane.url}/install.sh`);
        state.members.push({ id: enrolled.id, hostname, publicIp });
        fleet.add(enrolled.id, { hostname, secret: enrolled.secret, publicIp });
      }
      await screenshot(page, "add-member-enrolled");
      const ids = state.members.map((member) => member.id).sort();
      const { members } = await adminApi(plane, "GET", `/api/v1/pools/${id}/members`);
      expect(members.map((member: { id: string }) => member.id).sort()).toEqual(ids);
      // Enrolled by the signed-in admin, as the audit trail says.
      const { events } = await adminApi(plane, "GET", `/api/v1/pools/${id}/events?type=member.*`);
      const enrolled = events.filter((event: { type: string }) => event.type === "member.enrolled");
      expect(enrolled.map((event: { memberId: string }) => event.memberId).sort()).toEqual(ids);
      for (const event of enrolled) expect(event.actor).toMatch(/^user:/);

      await page.goto(`${plane.url}/`);
      const row = page.locator(`[data-testid=pool-row][data-pool-id="${id}"]`);
      await expect.poll(() => row.count(), POLL).toBe(1);
      expect(await row.innerText()).toContain("edge-browser");
      expect(await row.innerText()).toContain("lb.example.com");
      expect(await row.innerText(), "members up").toContain("0/2");
      await screenshot(page, "pools-list");
    },
    CASE_TIMEOUT_MS,
  );

  it(
    "shows both members arrive online and the first ready one become active, without a reload",
    async () => {
      const { plane, fleet } = env();
      const page = adminPage();
      const id = poolId();
      await page.goto(`${plane.url}/pools/${id}`);
      expect(path(page)).toBe(`/pools/${id}`);
      await expect.poll(() => page.locator("[data-testid=member-card]").count(), POLL).toBe(2);
      // Nobody has reported yet: the banner says what is missing, and nobody is online.
      expect(await page.locator("[data-testid=setup-banner]").isVisible()).toBe(true);
      expect(await page.locator("[data-testid=member-card][data-online=true]").count()).toBe(0);
      await markNoReload(page);

      fleet.start();
      const [a, b] = state.members as [(typeof state.members)[0], (typeof state.members)[0]];
      await page
        .waitForFunction(
          ([aId, bId]) => {
            const card = (memberId: string) =>
              document.querySelector(`[data-testid=member-card][data-member-id="${memberId}"]`);
            const active = document
              .querySelector("[data-testid=flow-active]")
              ?.getAttribute("data-member-id");
            const standby = document.querySelector(
              `[data-testid=flow-standby][data-member-id="${active === aId ? bId : aId}"]`,
            );
            return (
              card(aId)?.getAttribute("data-online") === "true" &&
              card(bId)?.getAttribute("data-online") === "true" &&
              (active === aId || active === bId) &&
              standby?.getAttribute("data-ready") === "true"
            );
          },
          [a.id, b.id] as const,
          { timeout: LIVE_TIMEOUT_MS, polling: 250 },
        )
        .catch(async (error) => {
          throw new Error(
            `${(error as Error).message}; page shows ${JSON.stringify(await liveState(page))}; agent failures ${JSON.stringify(fleet.failures())}`,
          );
        });
      expect(await stillSameDocument(page), "the page reloaded").toBe(true);

      const { pool } = await adminApi(plane, "GET", `/api/v1/pools/${id}`);
      const shown = await liveState(page);
      expect(shown.active).toBe(pool.activeMemberId);
      state.activeId = pool.activeMemberId as string;
      state.standbyId = state.activeId === a.id ? b.id : a.id;
      expect(shown.cards).toEqual(
        expect.arrayContaining([
          expect.objectContaining({ id: state.activeId, role: "active", online: "true" }),
          expect.objectContaining({ id: state.standbyId, role: "standby", online: "true" }),
        ]),
      );
      for (const card of shown.cards) expect(card.age ?? "").toMatch(/\d+ s ago/);
      expect(fleet.failures(), "heartbeats the control plane refused").toEqual([]);
      await screenshot(page, "pool-overview");

      // The same live page at a phone's width.
      const phone = await phoneContext(page);
      const small = await phone.newPage();
      await small.goto(`${plane.url}/pools/${id}`);
      await expect.poll(() => small.locator("[data-testid=member-card]").count(), POLL).toBe(2);
      expect(await small.locator("[data-testid=flow-diagram]").isVisible()).toBe(true);
      await screenshot(small, "pool-overview-phone");
      await phone.close();
    },
    CASE_TIMEOUT_MS,
  );

  it(
    "moves the active to the standby when the active's heartbeats stop, live on the open page",
    async () => {
      const { plane, fleet } = env();
      const page = adminPage();
      const { activeId, standbyId } = state;
      if (!activeId || !standbyId) throw new Error("no active member: the previous case failed");
      expect(await stillSameDocument(page)).toBe(true);

      await fleet.stop(activeId);
      await page
        .waitForFunction(
          ([oldId, newId]) => {
            const card = (memberId: string) =>
              document.querySelector(`[data-testid=member-card][data-member-id="${memberId}"]`);
            const active = document
              .querySelector("[data-testid=flow-active]")
              ?.getAttribute("data-member-id");
            return (
              active === newId &&
              card(newId)?.getAttribute("data-role") === "active" &&
              card(newId)?.getAttribute("data-online") === "true" &&
              card(oldId)?.getAttribute("data-role") === "standby" &&
              card(oldId)?.getAttribute("data-online") === "false"
            );
          },
          [activeId, standbyId] as const,
          { timeout: LIVE_TIMEOUT_MS, polling: 250 },
        )
        .catch(async (error) => {
          throw new Error(
            `${(error as Error).message}; page shows ${JSON.stringify(await liveState(page))}`,
          );
        });
      expect(await stillSameDocument(page), "the page reloaded").toBe(true);
      const oldStandby = page.locator(`[data-testid=flow-standby][data-member-id="${activeId}"]`);
      expect(await oldStandby.getAttribute("data-ready")).toBe("false");
      const { pool } = await adminApi(plane, "GET", `/api/v1/pools/${poolId()}`);
      expect(pool.activeMemberId).toBe(standbyId);
      await screenshot(page, "pool-overview-after-failover");
    },
    CASE_TIMEOUT_MS,
  );

  it(
    "asks before an action: Cancel changes nothing, Confirm pauses automatic failover, Resume undoes it",
    async () => {
      const { plane } = env();
      const page = adminPage();
      const id = poolId();
      const dialog = page.locator("[data-testid=confirm-dialog]");
      const autoFailover = async () =>
        (await adminApi(plane, "GET", `/api/v1/pools/${id}`)).pool.autoFailover as boolean;

      // A press held across a refresh still clicks: the region waits for the release (a click
      // is a press and a release on the same element).
      const pause = page.locator("[data-testid=action-pause]");
      await pause.evaluate((button) => button.setAttribute("data-pressed", ""));
      const box = await pause.boundingBox();
      if (!box) throw new Error("the pause button has no box");
      await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
      await page.mouse.down();
      const isRefresh = (url: string) => new URL(url).pathname === `/ui/pools/${id}/fragment`;
      await page.waitForResponse((response) => isRefresh(response.url()));
      // The next refresh is asked for only after the last one's answer was put in (or not).
      await page.waitForRequest((request) => isRefresh(request.url()));
      expect(
        await pause.getAttribute("data-pressed"),
        "a refresh replaced the pressed button",
      ).toBe("");
      await page.mouse.up();
      await dialog.waitFor({ state: "visible" });
      expect(await dialog.innerText()).toContain("Pause automatic failover?");
      await dialog.locator("button[value=cancel]").click();
      await dialog.waitFor({ state: "hidden" });
      expect(await stillSameDocument(page), "Cancel submitted the form").toBe(true);
      expect(await autoFailover()).toBe(true);

      await page.locator("[data-testid=action-pause]").click();
      await dialog.waitFor({ state: "visible" });
      await dialog.locator("[data-testid=confirm-ok]").click();
      await page
        .locator("[data-testid=flash]", { hasText: "Automatic failover paused" })
        .waitFor({ state: "visible" });
      expect(path(page)).toBe(`/pools/${id}`);
      expect(await page.locator("[data-testid=auto-failover]").innerText()).toContain("paused");
      expect(await autoFailover()).toBe(false);

      // The dialog's close event comes a task after it closes, and a refresh landing in between
      // replaces the live region's forms (seen once in CI): the confirmed form must still be sent.
      await scriptsRan(page); // the flash is on screen before app.js runs
      await page.locator("[data-testid=action-resume]").click();
      await dialog.waitFor({ state: "visible" });
      await page.evaluate(() => {
        const confirm = document.querySelector<HTMLButtonElement>("[data-testid=confirm-ok]");
        const region = document.querySelector("[data-live-src]");
        if (!confirm || !region) throw new Error("no confirm button or live region");
        confirm.click();
        const html = region.innerHTML;
        region.innerHTML = html; // what a refresh's swap does, before the close event
      });
      await page
        .locator("[data-testid=flash]", { hasText: "Automatic failover resumed" })
        .waitFor({ state: "visible" });
      expect(await page.locator("[data-testid=auto-failover]").innerText()).toContain("on");
      expect(await autoFailover()).toBe(true);
    },
    CASE_TIMEOUT_MS,
  );

  it(
    "queues a job on the member's jobs page and shows its output once the agent reports it",
    async () => {
      const { plane, fleet } = env();
      const page = adminPage();
      const memberId = state.standbyId; // now the active, and still beating
      if (!memberId) throw new Error("no running member: an earlier case failed");
      const res = await page.goto(`${plane.url}/members/${memberId}/jobs`);
      expect(res?.status(), "GET /members/:memberId/jobs").toBe(200);
      expect(path(page)).toBe(`/members/${memberId}/jobs`);
      expect(await page.locator("[data-testid=job-row]").count()).toBe(0);

      // The agent takes a few seconds over it, so the page first shows it unfinished.
      const agent = fleet.get(memberId);
      agent.runJob = async (job, member) => {
        await sleep(JOB_RUN_MS);
        return defaultJobRunner(job, member);
      };
      // Queue through the form, which asks first like every action.
      await page.locator("[data-testid=job-kind]").selectOption("haproxy.reload");
      await page.locator("[data-testid=job-submit]").click();
      const dialog = page.locator("[data-testid=confirm-dialog]");
      await dialog.waitFor({ state: "visible" });
      await dialog.locator("[data-testid=confirm-ok]").click();
      await page.waitForURL(new RegExp(`/members/${memberId}/jobs/[^/?]+`));
      const jobId = path(page).split("/").at(-1);
      expect(await page.locator("[data-testid=flash]").innerText()).toContain(
        "Queued haproxy.reload",
      );
      const first = await page.locator("[data-testid=job-detail]").getAttribute("data-status");
      expect(["queued", "delivered", "running"]).toContain(first);
      expect(await page.locator("[data-testid=job-output]").innerText()).toBe("");
      await markNoReload(page);

      // The simulated agent got it in its next heartbeat, acked it and reports it; the open page
      // shows the output without a reload.
      const expected = `[${agent.member.hostname}] haproxy.reload ok (simulated)`;
      const detail = page.locator("[data-testid=job-detail][data-status=succeeded]");
      await detail.waitFor({ state: "visible", timeout: LIVE_TIMEOUT_MS }).catch((error) => {
        throw new Error(
          `${(error as Error).message}; agent finished ${JSON.stringify([...agent.finishedJobs.keys()])}, failures ${JSON.stringify(agent.failures)}`,
        );
      });
      expect(await detail.locator("[data-testid=job-output]").innerText()).toContain(expected);
      expect(await detail.locator("[data-testid=job-exit-code]").innerText()).toBe("0");
      expect(await stillSameDocument(page), "the page reloaded").toBe(true);
      expect([...agent.finishedJobs.keys()]).toEqual([jobId]);
      await screenshot(page, "member-job-output");
      agent.runJob = defaultJobRunner;

      const { jobs } = await adminApi(plane, "GET", `/api/v1/members/${memberId}/jobs`);
      expect(jobs).toEqual([
        expect.objectContaining({
          id: jobId,
          kind: "haproxy.reload",
          status: "succeeded",
          exitCode: 0,
          outputTail: `${expected}\n`,
        }),
      ]);
      expect(jobs[0].createdBy).toMatch(/^user:/);

      await page.goto(`${plane.url}/members/${memberId}/jobs`);
      const row = page.locator(`[data-testid=job-row][data-job-id="${jobId}"]`);
      expect(await row.getAttribute("data-status")).toBe("succeeded");
      expect(await row.innerText()).toContain(ADMIN.username);
      await screenshot(page, "member-jobs");
    },
    CASE_TIMEOUT_MS,
  );

  it(
    "gives a viewer no enabled actions, and refuses the viewer's direct POST with 403",
    async () => {
      const { plane } = env();
      const id = poolId();
      const { user } = await adminApi(plane, "POST", "/api/v1/users", {
        username: VIEWER.username,
        role: "viewer",
        password: VIEWER.password,
      });
      expect(user).toMatchObject({ username: VIEWER.username, role: "viewer" });

      // The admin's session and CSRF token can act through the API from the page (pause, then
      // resume): so the viewer's 403 below is the role, not a missing header.
      const admin = adminPage();
      await admin.goto(`${plane.url}/pools/${id}`);
      const adminCsrf = await admin.locator("input[name=_csrf]").first().inputValue();
      const post = (page: Page, url: string, csrf: string) =>
        page.evaluate(
          async ([target, token]) => {
            const res = await fetch(target, {
              method: "POST",
              headers: { "X-Baton-CSRF": token },
              credentials: "same-origin",
            });
            return { status: res.status, body: await res.text() };
          },
          [url, csrf] as const,
        );
      expect((await post(admin, `/api/v1/pools/${id}/failover/pause`, adminCsrf)).status).toBe(200);
      expect((await post(admin, `/api/v1/pools/${id}/failover/resume`, adminCsrf)).status).toBe(
        200,
      );
      expect(
        await admin.locator("main form[method=post] button[type=submit]:enabled").count(),
        "the admin sees enabled actions",
      ).toBeGreaterThan(0);

      const context = await newContext({ viewport: { width: 1280, height: 900 } });
      const page = await context.newPage();
      await page.goto(`${plane.url}/login`);
      await signIn(page, VIEWER);
      await page.waitForURL(`${plane.url}/`);
      await page.goto(`${plane.url}/pools/${id}`);
      await expect.poll(() => page.locator("[data-testid=member-card]").count(), POLL).toBe(2);
      expect(
        await page.locator("main form[method=post] button[type=submit]:enabled").count(),
        "enabled action buttons for a viewer",
      ).toBe(0);
      await screenshot(page, "pool-overview-viewer");
      const standbyId = state.standbyId;
      if (standbyId) {
        await page.goto(`${plane.url}/members/${standbyId}/jobs`);
        const submit = page.locator("[data-testid=job-submit]");
        expect(await submit.evaluate((button) => button.matches(":disabled"))).toBe(true);
        await page.goto(`${plane.url}/pools/${id}`);
      }

      const { pool: before } = await adminApi(plane, "GET", `/api/v1/pools/${id}`);
      const csrf = await page.locator("input[name=_csrf]").first().inputValue();
      const refused = await post(page, `/api/v1/pools/${id}/failover/next`, csrf);
      expect(refused.status, refused.body).toBe(403);
      expect(JSON.parse(refused.body)).toMatchObject({ error: { code: "forbidden" } });
      // The dashboard's own action route refuses the same form post a button would send.
      const formPost = await page.evaluate(
        async ([target, token]) => {
          const res = await fetch(target, {
            method: "POST",
            body: new URLSearchParams({ _csrf: token }),
            redirect: "manual",
          });
          return res.status;
        },
        [`/ui/pools/${id}/next`, csrf] as const,
      );
      expect(formPost, "POST /ui/pools/:poolId/next as a viewer").toBe(403);
      const { pool: after } = await adminApi(plane, "GET", `/api/v1/pools/${id}`);
      expect(after.activeMemberId).toBe(before.activeMemberId);
    },
    CASE_TIMEOUT_MS,
  );

  it(
    "catches up after the laptop sleeps: a frozen, offline page shows what changed meanwhile, without a reload",
    async () => {
      const { plane } = env();
      const page = adminPage();
      const id = poolId();
      await page.goto(`${plane.url}/pools/${id}`);
      await markNoReload(page);
      const autoFailover = page.locator("[data-testid=auto-failover]");
      const liveStatus = page.locator("[data-live-status]");
      expect(await autoFailover.innerText()).toContain("on");

      // Sleep as Chromium freezes a page: timers stop; and the network is gone.
      const cdp = await page.context().newCDPSession(page);
      await cdp.send("Page.setWebLifecycleState", { state: "frozen" });
      await page.context().setOffline(true);
      await adminApi(plane, "POST", `/api/v1/pools/${id}/failover/pause`);
      await sleep(4_000);

      // Awake without network: the page says so instead of showing stale state as live.
      await cdp.send("Page.setWebLifecycleState", { state: "active" });
      await expect
        .poll(() => liveStatus.getAttribute("data-state"), { ...POLL, timeout: LIVE_TIMEOUT_MS })
        .toBe("error");
      expect(await autoFailover.innerText(), "no fresh state can have arrived").toContain("on");

      // Network back: the change made during the sleep shows, on the same document.
      await page.context().setOffline(false);
      await expect
        .poll(() => autoFailover.innerText(), { ...POLL, timeout: LIVE_TIMEOUT_MS })
        .toContain("paused");
      await expect
        .poll(() => liveStatus.getAttribute("data-state"), { ...POLL, timeout: LIVE_TIMEOUT_MS })
        .toBe("live");
      expect(await stillSameDocument(page), "the page reloaded").toBe(true);
      await adminApi(plane, "POST", `/api/v1/pools/${id}/failover/resume`);
      await cdp.detach();
    },
    CASE_TIMEOUT_MS,
  );

  it(
    "fits a phone-width screen and reaches the actions from the keyboard",
    async () => {
      const { plane } = env();
      const storageState = await adminPage().context().storageState();
      const context = await newContext({ viewport: { width: 390, height: 844 }, storageState });
      const page = await context.newPage();
      const paths = ["/", `/pools/${poolId()}`];
      if (state.standbyId) paths.push(`/members/${state.standbyId}/jobs`);
      for (const [index, target] of paths.entries()) {
        await page.goto(`${plane.url}${target}`);
        const overflow = await page.evaluate(
          () => document.documentElement.scrollWidth - window.innerWidth,
        );
        expect(
          overflow,
          `${target} scrolls sideways by ${overflow}px at 390px`,
        ).toBeLessThanOrEqual(0);
        await screenshot(page, `phone-${index}`);
      }

      // Keyboard only: the first Tab stop skips to the content, and Tab then reaches an action.
      await page.goto(`${plane.url}/pools/${poolId()}`);
      await page.keyboard.press("Tab");
      expect(await page.evaluate(() => document.activeElement?.textContent?.trim())).toBe(
        "Skip to content",
      );
      let reached = "";
      for (let presses = 0; presses < 80 && !reached; presses++) {
        await page.keyboard.press("Tab");
        reached = await page.evaluate(() => {
          const focused = document.activeElement;
          return focused?.matches("main form[method=post] button[type=submit]")
            ? (focused.textContent ?? "").trim()
            : "";
        });
      }
      expect(reached, "no action button reached with Tab").not.toBe("");
    },
    CASE_TIMEOUT_MS,
  );

  it("serves its script and styles itself, revalidated on every load (ETag, 304)", async () => {
    const { plane } = env();
    for (const asset of ["/dashboard/app.js", "/dashboard/app.css"]) {
      const first = await fetch(`${plane.url}${asset}`);
      expect(first.status, asset).toBe(200);
      expect(first.headers.get("Cache-Control"), asset).toMatch(/max-age=0, must-revalidate/);
      const etag = first.headers.get("ETag");
      expect(etag, asset).toBeTruthy();
      const again = await fetch(`${plane.url}${asset}`, {
        headers: { "If-None-Match": etag ?? "" },
      });
      expect(again.status, asset).toBe(304);
    }
  });
});
