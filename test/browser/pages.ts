// What the browser tests do on the dashboard's pages again and again: sign in, run first-run
// setup, create a pool with the New pool form, add a member with the Add member form and read
// its secret from the one-liner, confirm a dialog, prove a live update came without a reload.
import type { Locator, Page } from "playwright-core";
import { adminApi } from "../harness/control-plane.mjs";
import type { PlaneRef } from "./shared-world";

export interface Credentials {
  username: string;
  password: string;
}

export function path(page: Page): string {
  return new URL(page.url()).pathname;
}

export const byTestId = (page: Page, testId: string) => page.locator(`[data-testid="${testId}"]`);
export const flash = (page: Page) => page.locator("[data-testid=flash]");

/** A marker that a reload or navigation would wipe: proves updates came without one. */
export async function markNoReload(page: Page) {
  await page.evaluate(() => {
    (window as unknown as { __batonMark: string }).__batonMark = "same-document";
  });
}

export async function stillSameDocument(page: Page): Promise<boolean> {
  return page.evaluate(
    () => (window as unknown as { __batonMark?: string }).__batonMark === "same-document",
  );
}

/** Submits the login form on the open page. */
export async function signIn(page: Page, user: Credentials) {
  const form = page.locator("form:has(input[name=password])");
  await form.locator("input[name=username]").fill(user.username);
  await form.locator("input[name=password]").fill(user.password);
  await form.locator("button[type=submit]").click();
}

/** Fills the first-run setup form on the open /setup page (without submitting it). */
export async function fillSetup(page: Page, token: string, admin: Credentials) {
  const form = page.locator("form:has(input[name=token])");
  await form.locator("input[name=token]").fill(token);
  await form.locator("input[name=username]").fill(admin.username);
  await form.locator("input[name=password]").fill(admin.password);
}

/** First-run setup with the bootstrap token: creates `admin` and leaves the page signed in. */
export async function completeSetup(page: Page, plane: PlaneRef, admin: Credentials) {
  await page.goto(`${plane.url}/setup`);
  await fillSetup(page, plane.adminToken, admin);
  await page.locator("form:has(input[name=token]) button[type=submit]").click();
  await page.waitForURL(`${plane.url}/`);
}

/**
 * For files on the shared control plane, where first-run setup is long done: creates `admin`
 * with the bootstrap token and signs them in on `page`.
 */
export async function signInNewAdmin(page: Page, plane: PlaneRef, admin: Credentials) {
  await adminApi(plane, "POST", "/api/v1/users", { ...admin, role: "admin" });
  await page.goto(`${plane.url}/login`);
  await signIn(page, admin);
  await page.waitForURL(`${plane.url}/`);
}

/**
 * Waits until the open page's deferred app.js has run. A page is on screen (a flash to wait
 * for) before its script ran, and until then a form that asks first posts without asking.
 */
export async function scriptsRan(page: Page) {
  await page.waitForLoadState("load");
}

/** Clicks a form's button that asks first, and confirms in the shared dialog. */
export async function confirmClick(button: Locator) {
  await scriptsRan(button.page());
  await button.click();
  const dialog = button.page().locator("[data-testid=confirm-dialog]");
  await dialog.waitFor({ state: "visible" });
  await dialog.locator("[data-testid=confirm-ok]").click();
}

export interface PoolFields {
  name: string;
  profile: "haproxy" | "nginx" | "generic";
  failoverHostname: string;
  failoverDelayS: number;
  /** Ticks "Allow private addresses (labs)": the simulated members use documentation addresses. */
  allowPrivateAddresses?: boolean;
}

/** Fills the New pool form on the open /pools/new page. */
export async function fillPoolForm(page: Page, pool: PoolFields) {
  const form = page.locator("[data-testid=pool-form]");
  await form.locator("#pool-name").fill(pool.name);
  await form.locator("#pool-profile").selectOption(pool.profile);
  await form.locator("#pool-hostname").fill(pool.failoverHostname);
  await form.locator("#pool-delay").fill(String(pool.failoverDelayS));
  if (pool.allowPrivateAddresses) await form.locator("#pool-private").check();
}

/** Submits the filled New pool form; answers the new pool's id from where it redirects. */
export async function submitPoolForm(page: Page): Promise<string> {
  await page.locator("[data-testid=pool-submit]").click();
  await page.waitForURL(/\/pools\/pool_[^/?]+\?flash=/);
  return path(page).split("/").at(-1) as string;
}

export interface MemberFields {
  name: string;
  hostname: string;
  /** One address or CIDR a line, as typed into the textarea. */
  allowedIps: string;
  priority?: number;
}

/** Fills the Add member form on the open /pools/:poolId/members/new page. */
export async function fillMemberForm(page: Page, member: MemberFields) {
  await byTestId(page, "member-name").fill(member.name);
  await byTestId(page, "member-hostname").fill(member.hostname);
  await byTestId(page, "member-allowedIps").fill(member.allowedIps);
  if (member.priority !== undefined)
    await byTestId(page, "member-priority").fill(String(member.priority));
}

export interface Enrolled {
  id: string;
  secret: string;
  /** The install one-liner as rendered. */
  command: string;
}

/**
 * Submits the filled Add member form and reads what its answer shows once: the one-liner (and
 * the secret in it), and the member's id from the first-heartbeat region that polls for it.
 */
export async function submitMemberForm(page: Page): Promise<Enrolled> {
  await byTestId(page, "add-member-submit").click();
  const commandBox = byTestId(page, "install-command");
  await commandBox.waitFor({ state: "visible" });
  const command = (await commandBox.innerText()).trim();
  const secret = /printf '%s\\n' '([^']+)'/.exec(command)?.[1];
  if (!secret) throw new Error(`no secret in the install command: ${command}`);
  const live = await page.locator("#first-heartbeat-live").getAttribute("data-live-src");
  const id = /^\/ui\/members\/([^/]+)\/first-heartbeat\/fragment$/.exec(live ?? "")?.[1];
  if (!id) throw new Error(`no member id in the first-heartbeat region (${live})`);
  return { id, secret, command };
}

/** Adds a member through the Add member form, reached by its link on the pool's overview. */
export async function addMemberByForm(
  page: Page,
  plane: PlaneRef,
  poolId: string,
  member: MemberFields,
): Promise<Enrolled> {
  await page.goto(`${plane.url}/pools/${poolId}`);
  await byTestId(page, "add-member-link").click();
  await page.waitForURL(`${plane.url}/pools/${poolId}/members/new`);
  await fillMemberForm(page, member);
  return submitMemberForm(page);
}
