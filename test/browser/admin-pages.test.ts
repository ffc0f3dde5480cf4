// The admin pages that had no UI before (issue #15 item 5) in a real browser (Debian's Chromium
// through playwright-core) against a real local control plane (`wrangler dev`): API tokens and
// DNS accounts, reached from the nav, each destructive action behind a confirm dialog that names
// its target with a red button saying the verb. What the pages change is checked through the API.
import { describe, expect, it } from "vitest";
import { adminApi } from "../harness/control-plane.mjs";
import { screenshot } from "./browser";
import { byTestId, completeSetup, flash, signIn } from "./pages";
import { browserSuite, CASE_TIMEOUT_MS } from "./suite";

const ADMIN = { username: "pages-admin", password: "correct horse battery staple" };
// Its own control plane: first-run setup, and lists that must start empty.
const { env, newContext } = browserSuite({ ownPlane: { tempPrefix: "baton-browser-admin-" } });

describe("API tokens and DNS accounts pages in Chromium", () => {
  it(
    "creates an API token shown once with Copy, then revokes it through a named red dialog",
    async () => {
      const { plane } = env();
      const context = await newContext({ viewport: { width: 1366, height: 900 } });
      const page = await context.newPage();
      await completeSetup(page, plane, ADMIN);
      await byTestId(page, "nav-tokens").click();
      await page.locator("#token-name").fill("terraform-ci");
      await page.locator("#token-role").selectOption("operator");
      await byTestId(page, "token-submit").click();
      const token = (await byTestId(page, "created-token-value").textContent())?.trim() ?? "";
      expect(token).toMatch(/^bt_/);
      await expect.poll(() => byTestId(page, "copy-token").isVisible()).toBe(true);
      const listed = await adminApi(plane, "GET", "/api/v1/tokens");
      expect(listed.apiTokens).toEqual([
        expect.objectContaining({ name: "terraform-ci", role: "operator" }),
      ]);
      await screenshot(page, "api-token-created-1366");
      await page.setViewportSize({ width: 390, height: 844 });
      // At a phone's width the token list scrolls in its own box; the page does not.
      expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(
        390,
      );
      await screenshot(page, "api-token-created-390");
      await page.setViewportSize({ width: 1366, height: 900 });

      await byTestId(page, "token-revoke").click();
      const dialog = byTestId(page, "confirm-dialog");
      await dialog.waitFor({ state: "visible" });
      expect(await dialog.locator("[data-confirm-text]").textContent()).toContain(
        "Revoke the API token terraform-ci (operator, ",
      );
      const ok = dialog.locator("[data-testid=confirm-ok]");
      expect(await ok.textContent()).toBe("Revoke token");
      expect(await ok.getAttribute("class")).toBe("danger");
      await ok.click();
      await flash(page).filter({ hasText: "API token terraform-ci revoked" }).waitFor();
      expect((await adminApi(plane, "GET", "/api/v1/tokens")).apiTokens).toEqual([]);
      await context.close();
    },
    CASE_TIMEOUT_MS,
  );

  it(
    "adds a PowerDNS account from the nav, showing only that provider's fields, then deletes it",
    async () => {
      const { plane } = env();
      const context = await newContext({ viewport: { width: 390, height: 844 }, isMobile: true });
      const page = await context.newPage();
      await page.goto(`${plane.url}/login`);
      await signIn(page, ADMIN);
      await page.waitForURL(`${plane.url}/`);
      await page.goto(`${plane.url}/dns-accounts`);
      await byTestId(page, "dns-accounts-none").waitFor();
      await page.locator("#dns-account-name").fill("lab powerdns");
      await page.locator("#dns-kind").selectOption("powerdns");
      expect(await byTestId(page, "dns-fields-cloudflare").isVisible()).toBe(false);
      await byTestId(page, "field-powerdns.baseUrl").fill("http://127.0.0.1:8081");
      await byTestId(page, "field-powerdns.apiKey").fill("pdns-lab-key");
      await byTestId(page, "field-powerdns.zone").fill("example.com");
      await byTestId(page, "dns-account-submit").click();
      await flash(page).filter({ hasText: "DNS account lab powerdns saved" }).waitFor();
      const { accounts } = await adminApi(plane, "GET", "/api/v1/dns-accounts");
      expect(accounts).toEqual([
        expect.objectContaining({ name: "lab powerdns", kind: "powerdns", pools: [] }),
      ]);
      expect(await page.content()).not.toContain("pdns-lab-key");
      await screenshot(page, "dns-accounts-390");
      await page.setViewportSize({ width: 1366, height: 900 });
      await screenshot(page, "dns-accounts-1366");
      await page.setViewportSize({ width: 390, height: 844 });

      await byTestId(page, "dns-account-delete").click();
      const dialog = byTestId(page, "confirm-dialog");
      await dialog.waitFor({ state: "visible" });
      expect(await dialog.locator("[data-confirm-text]").textContent()).toContain(
        "Delete the DNS account lab powerdns?",
      );
      await dialog.locator("[data-testid=confirm-ok]").click();
      await flash(page).filter({ hasText: "DNS account deleted" }).waitFor();
      expect((await adminApi(plane, "GET", "/api/v1/dns-accounts")).accounts).toEqual([]);
      await context.close();
    },
    CASE_TIMEOUT_MS,
  );
});
