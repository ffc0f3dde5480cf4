// The pool's history and the admin pages in a real browser (Debian's Chromium through
// playwright-core) against a real local control plane, one for the whole file. The cases run
// in order and build on each other: an admin creates a pool through the New pool form (a bad
// hostname first), two simulated agents enroll and beat, "Back up now" runs a backup job whose
// simulated agent uploads the archive through the agent backup API, the Disaster recovery tab
// lists it and restores it onto the other member, the Events tab shows the failover that
// follows the active's silence without a reload and narrows with its filters, and the Users
// page adds a viewer, promotes it and protects the last admin. Screenshots go to
// test-results/screenshots/. Without Chromium every case fails; none is skipped.
import { createHash } from "node:crypto";
import { gzipSync } from "node:zlib";
import type { Page } from "playwright-core";
import { describe, expect, it } from "vitest";
import { adminApi } from "../harness/control-plane.mjs";
import { defaultJobRunner, type JobRunner } from "./agents";
import { screenshot } from "./browser";
import {
  completeSetup,
  confirmClick,
  fillPoolForm,
  markNoReload,
  path,
  stillSameDocument,
  submitPoolForm,
} from "./pages";
import { browserSuite, CASE_TIMEOUT_MS, LIVE_TIMEOUT_MS, need, POLL } from "./suite";

const ADMIN = { username: "history-admin", password: "correct horse battery staple" };
const VIEWER = { username: "auditor", password: "auditor passphrase 42" };
const HOSTNAME = "lb-history.example.com";

const { env, fileContext, phoneContext } = browserSuite({
  // First-run setup, and "the last admin" on the Users page: no other file's users.
  ownPlane: { tempPrefix: "baton-history-" },
});

/** What the cases share, filled in as they go. */
const state: {
  page?: Page;
  poolId?: string;
  members: { id: string; hostname: string }[];
  backupId?: string;
  activeId?: string;
  standbyId?: string;
} = { members: [] };

const adminPage = () => need(state.page, "the signed-in admin's page");
const poolId = () => need(state.poolId, "the pool");

/**
 * A job runner for the member's simulated agent: a backup job uploads an archive through the
 * agent backup API (POST /agent/v1/backups with its SHA-256 and the job's id), as the real
 * agent's backup job does; other jobs succeed as usual.
 */
function backupUploader(url: string): JobRunner {
  return async (job, member) => {
    if (job.kind !== "haproxy.backup") return defaultJobRunner(job, member);
    const archive = gzipSync(`# haproxy.cfg of ${member.hostname}\nglobal\n  maxconn 100\n`);
    const response = await fetch(`${url}/agent/v1/backups?service=haproxy`, {
      method: "POST",
      headers: {
        Authorization: `Bearer ${member.secret}`,
        "X-Baton-Protocol": "1",
        "User-Agent": "baton-agent/browser-sim",
        "Content-Type": "application/gzip",
        "X-Baton-Sha256": createHash("sha256").update(archive).digest("hex"),
        "X-Baton-Job-Id": job.id,
      },
      body: archive,
    });
    const text = await response.text();
    if (response.status !== 201) {
      return { status: "failed", exitCode: 1, outputTail: `upload: ${response.status} ${text}\n` };
    }
    const { backup } = JSON.parse(text) as { backup: { id: string } };
    return { status: "succeeded", exitCode: 0, outputTail: `stored backup ${backup.id}\n` };
  };
}

/** The timeline's entries as shown. */
async function shownEvents(page: Page) {
  return page.locator("[data-testid=event]").evaluateAll((items) =>
    items.map((item) => ({
      type: item.getAttribute("data-type") ?? "",
      category: item.getAttribute("data-category") ?? "",
      text: item.querySelector("[data-testid=event-text]")?.textContent ?? "",
    })),
  );
}

describe("pool history and admin pages in Chromium", () => {
  it(
    "creates a pool through the New pool form, a bad hostname first",
    async () => {
      const { plane } = env();
      const context = await fileContext({ viewport: { width: 1280, height: 900 } });
      const page = await context.newPage();
      await completeSetup(page, plane, ADMIN);
      state.page = page;

      expect(await page.locator(".empty").innerText()).toContain("New pool");
      await page.locator("[data-testid=new-pool-link]").click();
      await page.waitForURL(`${plane.url}/pools/new`);
      const fields = { name: "edge-history", profile: "haproxy", failoverDelayS: 3 } as const;
      await fillPoolForm(page, {
        ...fields,
        failoverHostname: "localhost",
        allowPrivateAddresses: true,
      });
      await page.locator("[data-testid=pool-submit]").click();
      await page.waitForLoadState();

      const error = page.locator("[data-testid=error-pool-hostname]");
      await error.waitFor({ state: "visible" });
      expect(await error.innerText()).toContain("fully qualified");
      expect(await page.locator("#pool-hostname").getAttribute("aria-invalid")).toBe("true");
      expect(await page.locator("#pool-name").inputValue()).toBe("edge-history");
      expect(await page.locator("#pool-delay").inputValue()).toBe("3");
      await screenshot(page, "new-pool-error");
      expect((await adminApi(plane, "GET", "/api/v1/pools")).pools).toEqual([]);

      await page.locator("#pool-hostname").fill(HOSTNAME);
      const id = await submitPoolForm(page);
      expect(await page.locator("[data-testid=flash]").innerText()).toContain(
        "Pool edge-history created",
      );
      const { pool } = await adminApi(plane, "GET", `/api/v1/pools/${id}`);
      expect(pool).toMatchObject({ ...fields, failoverHostname: HOSTNAME, autoFailover: true });
      const { events } = await adminApi(plane, "GET", `/api/v1/pools/${id}/events?type=pool.*`);
      expect(events[0]).toMatchObject({
        type: "pool.created",
        actor: expect.stringMatching(/^user:/),
      });
      state.poolId = id;
    },
    CASE_TIMEOUT_MS,
  );

  it(
    "explains restore needs two members, then two simulated agents enroll and beat",
    async () => {
      const { plane, fleet } = env();
      const page = adminPage();
      const id = poolId();
      await page.goto(`${plane.url}/pools/${id}/recovery`);
      expect(await page.locator("[data-testid=restore-unavailable]").innerText()).toContain(
        "at least two members",
      );
      expect(await page.locator("[data-testid=restore-form]").count()).toBe(0);

      for (const [letter, publicIp] of [
        ["a", "198.51.100.31"],
        ["b", "198.51.100.32"],
      ] as const) {
        const hostname = `hist-${letter}`;
        const { member, secret } = await adminApi(plane, "POST", `/api/v1/pools/${id}/members`, {
          name: hostname,
          hostname,
          allowedIps: ["127.0.0.1"],
        });
        state.members.push({ id: member.id, hostname });
        fleet.add(member.id, { hostname, secret, publicIp }, backupUploader(plane.url));
      }
      fleet.start();
      await expect
        .poll(
          async () => {
            const { pool } = await adminApi(plane, "GET", `/api/v1/pools/${id}`);
            const { members } = await adminApi(plane, "GET", `/api/v1/pools/${id}/members`);
            const online = members.filter((m: { status: string }) => m.status === "online");
            return pool.activeMemberId && online.length === 2 ? pool.activeMemberId : null;
          },
          { timeout: LIVE_TIMEOUT_MS, interval: 500 },
        )
        .not.toBeNull();
      const { pool } = await adminApi(plane, "GET", `/api/v1/pools/${id}`);
      state.activeId = pool.activeMemberId;
      state.standbyId = state.members.find((member) => member.id !== pool.activeMemberId)?.id;
      expect(fleet.failures(), "requests the control plane refused").toEqual([]);
    },
    CASE_TIMEOUT_MS,
  );

  it(
    "backs a member up now: its agent uploads the archive and the tab lists it",
    async () => {
      const { plane, fleet } = env();
      const page = adminPage();
      const id = poolId();
      // The active's configuration is the one worth keeping; the next case restores it onto the
      // standby (a restore onto the active would first run on the standby as its canary).
      const source = state.members.find((member) => member.id === state.activeId);
      if (!source) throw new Error("no active member: the previous case failed");
      await page.goto(`${plane.url}/pools/${id}/recovery`);
      const section = page.locator(`[data-testid=member-backups][data-member-id="${source.id}"]`);
      expect(await section.locator("[data-testid=backup-row]").count()).toBe(0);
      await confirmClick(section.locator("[data-testid=backup-now]"));
      await page.waitForURL(new RegExp(`/members/${source.id}/jobs/[^/?]+`));
      expect(await page.locator("[data-testid=flash]").innerText()).toContain(
        "Queued haproxy.backup",
      );
      await page
        .locator("[data-testid=job-detail][data-status=succeeded]")
        .waitFor({ state: "visible", timeout: LIVE_TIMEOUT_MS })
        .catch((error) => {
          throw new Error(
            `${(error as Error).message}; agent failures ${JSON.stringify(fleet.failures())}`,
          );
        });
      const output = await page.locator("[data-testid=job-output]").innerText();
      const backupId = /stored backup (bak_\S+)/.exec(output)?.[1];
      expect(backupId, output).toBeDefined();
      state.backupId = backupId;

      await page.goto(`${plane.url}/pools/${id}/recovery`);
      const row = section.locator(`[data-testid=backup-row][data-backup-id="${backupId}"]`);
      await expect.poll(() => row.count(), POLL).toBe(1);
      const { backups } = await adminApi(plane, "GET", `/api/v1/pools/${id}/backups`);
      const stored = backups.find((backup: { id: string }) => backup.id === backupId);
      expect(await row.locator("[data-testid=backup-sha]").getAttribute("title")).toBe(
        stored.sha256,
      );
      expect(await row.locator("[data-testid=backup-made-by]").innerText()).toContain(
        ADMIN.username,
      );
      expect(await row.locator("[data-testid=backup-size]").innerText()).toBe(
        `${stored.sizeBytes} B`,
      );
      expect(await row.locator("[data-testid=backup-download]").getAttribute("href")).toBe(
        `/ui/backups/${backupId}/archive`,
      );
      await screenshot(page, "disaster-recovery");
    },
    CASE_TIMEOUT_MS,
  );

  it(
    "restores that backup onto the other member and shows the restore job",
    async () => {
      const { plane } = env();
      const page = adminPage();
      const id = poolId();
      const source = state.members.find((member) => member.id === state.activeId);
      const target = state.members.find((member) => member.id === state.standbyId);
      if (!source || !target || !state.backupId)
        throw new Error("no backup: an earlier case failed");
      await page.goto(`${plane.url}/pools/${id}/recovery`);
      await page
        .locator(
          `[data-testid=backup-row][data-backup-id="${state.backupId}"] [data-testid=backup-restore-link]`,
        )
        .click();
      expect(await page.locator("[data-testid=restore-backup]").inputValue()).toBe(state.backupId);
      await page.locator("[data-testid=restore-target]").selectOption(target.id);
      await confirmClick(page.locator("[data-testid=restore-submit]"));
      await page.waitForURL(new RegExp(`/members/${target.id}/jobs/[^/?]+`));
      const jobId = path(page).split("/").at(-1);
      expect(await page.locator("[data-testid=flash]").innerText()).toBe(
        `Queued haproxy.restore of ${source.hostname}'s backup on ${target.hostname}`,
      );
      const { jobs } = await adminApi(plane, "GET", `/api/v1/members/${target.id}/jobs`);
      expect(jobs.find((job: { id: string }) => job.id === jobId)).toMatchObject({
        kind: "haproxy.restore",
        payload: { backupId: state.backupId },
        createdBy: expect.stringMatching(/^user:/),
      });
      const { jobs: sourceJobs } = await adminApi(
        plane,
        "GET",
        `/api/v1/members/${source.id}/jobs`,
      );
      expect(sourceJobs.map((job: { kind: string }) => job.kind)).toEqual(["haproxy.backup"]);
    },
    CASE_TIMEOUT_MS,
  );

  it(
    "shows the failover with its reason on the open Events tab when the active falls silent",
    async () => {
      const { plane, fleet } = env();
      const page = adminPage();
      const id = poolId();
      const { activeId, standbyId } = state;
      if (!activeId || !standbyId) throw new Error("no active member: an earlier case failed");
      const name = (memberId: string) => state.members.find((m) => m.id === memberId)?.hostname;
      await page.goto(`${plane.url}/pools/${id}/events`);
      expect(await page.locator("[data-testid=event]").count()).toBeGreaterThan(0);
      expect(await page.locator("[data-testid=event][data-type='failover.promoted']").count()).toBe(
        1,
      );
      await markNoReload(page);

      await fleet.stop(activeId);
      const flip = page.locator("[data-testid=event][data-type='failover.promoted']", {
        hasText: `${name(activeId)} → ${name(standbyId)}`,
      });
      await flip.waitFor({ state: "visible", timeout: LIVE_TIMEOUT_MS });
      expect(await stillSameDocument(page), "the page reloaded").toBe(true);
      expect(await flip.locator("[data-testid=event-text]").innerText()).toMatch(
        new RegExp(
          `^${name(activeId)} → ${name(standbyId)} after \\d+\\.\\d s: heartbeats missed$`,
        ),
      );
      const { pool } = await adminApi(plane, "GET", `/api/v1/pools/${id}`);
      expect(pool.activeMemberId).toBe(standbyId);
      await screenshot(page, "events");

      // Readable at a phone's width.
      const phone = await phoneContext(page);
      const small = await phone.newPage();
      await small.goto(`${plane.url}/pools/${id}/events`);
      await expect
        .poll(() => small.locator("[data-testid=event]").count(), POLL)
        .toBeGreaterThan(0);
      const overflow = await small.evaluate(
        () => document.documentElement.scrollWidth - document.documentElement.clientWidth,
      );
      expect(overflow, "horizontal scrolling at 375 px").toBeLessThanOrEqual(0);
      await screenshot(small, "events-phone");
      await phone.close();
    },
    CASE_TIMEOUT_MS,
  );

  it(
    "narrows the timeline with the filter form, keeping the filter in the URL",
    async () => {
      const { plane } = env();
      const page = adminPage();
      const id = poolId();
      await page.goto(`${plane.url}/pools/${id}/events`);
      const all = await shownEvents(page);
      expect(new Set(all.map((event) => event.category)).size).toBeGreaterThan(2);

      await page.locator("[data-testid=event-cat-failover]").check();
      await page.locator("[data-testid=event-filter-submit]").click();
      await page.waitForURL(/[?&]cat=failover/);
      const failovers = await shownEvents(page);
      expect(failovers.length).toBeGreaterThan(0);
      expect(failovers.length).toBeLessThan(all.length);
      expect(failovers.every((event) => event.type.startsWith("failover."))).toBe(true);
      expect(await page.locator("[data-testid=event-cat-failover]").isChecked()).toBe(true);

      const [member] = state.members;
      if (!member) throw new Error("no members");
      await page.locator("[data-testid=event-cat-failover]").uncheck();
      await page.locator("[data-testid=event-cat-jobs]").check();
      await page.locator("[data-testid=event-member]").selectOption(member.id);
      await page.locator("[data-testid=event-filter-submit]").click();
      await page.waitForURL(new RegExp(`member=${member.id}`));
      const jobs = await shownEvents(page);
      expect(jobs.length).toBeGreaterThan(0);
      expect(jobs.every((event) => event.category === "jobs")).toBe(true);
      expect(jobs.some((event) => event.type === "backup.stored")).toBe(true);
      await screenshot(page, "events-filtered");
    },
    CASE_TIMEOUT_MS,
  );

  it(
    "adds a viewer on the Users page, promotes it, and keeps the last admin",
    async () => {
      const { plane } = env();
      const page = adminPage();
      await page.goto(`${plane.url}/`);
      await page.locator("[data-testid=nav-users]").click();
      await page.waitForURL(`${plane.url}/users`);

      const me = page.locator(`[data-testid=user-row][data-username="${ADMIN.username}"]`);
      expect(await me.locator("[data-testid=last-admin]").innerText()).toContain(
        "cannot be demoted or deleted",
      );
      expect(await me.locator("[data-testid=user-delete]").isDisabled()).toBe(true);
      expect(await me.locator("[data-testid=user-role-submit]").isDisabled()).toBe(true);

      const form = page.locator("[data-testid=user-form]");
      await form.locator("#user-name").fill(VIEWER.username);
      await form.locator("#user-password").fill(VIEWER.password);
      await form.locator("#user-role").selectOption("viewer");
      await form.locator("[data-testid=user-submit]").click();
      await page
        .locator("[data-testid=flash]", { hasText: `User ${VIEWER.username} (viewer) added` })
        .waitFor();
      const row = page.locator(`[data-testid=user-row][data-username="${VIEWER.username}"]`);
      expect(await row.getAttribute("data-role")).toBe("viewer");

      await row.locator("[data-testid=user-role-select]").selectOption("operator");
      await row.locator("[data-testid=user-role-submit]").click();
      await page
        .locator("[data-testid=flash]", { hasText: `${VIEWER.username} is now operator` })
        .waitFor();
      expect(
        await page
          .locator(`[data-testid=user-row][data-username="${VIEWER.username}"]`)
          .getAttribute("data-role"),
      ).toBe("operator");
      const { users } = await adminApi(plane, "GET", "/api/v1/users");
      expect(
        users.find((user: { username: string }) => user.username === VIEWER.username)?.role,
      ).toBe("operator");
      // Still the only admin: still protected.
      expect(await me.locator("[data-testid=user-delete]").isDisabled()).toBe(true);
      const { events } = await adminApi(plane, "GET", "/api/v1/events?type=user.*");
      expect(
        events
          .slice(0, 2)
          .map((event: { type: string; actor: string }) => [event.type, event.actor.slice(0, 5)]),
      ).toEqual([
        ["user.updated", "user:"],
        ["user.created", "user:"],
      ]);
      await screenshot(page, "users");
    },
    CASE_TIMEOUT_MS,
  );
});
