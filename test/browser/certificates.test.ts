// The pool's Certificates tab in a real browser (Debian's Chromium through playwright-core)
// against the shared local control plane (`wrangler dev`): an admin pastes a chain with the
// wrong key and sees why beside the key field, pastes the right one and sees the certificate
// listed with its names and expiry; Delete asks first. Checked through the admin API too.
import { describe, expect, it } from "vitest";
import { adminApi } from "../harness/control-plane.mjs";
import * as fx from "../worker/certificates/fixtures";
import { screenshot } from "./browser";
import { byTestId, confirmClick, flash, signInNewAdmin } from "./pages";
import { browserSuite, CASE_TIMEOUT_MS } from "./suite";

const ADMIN = { username: "certs-admin", password: "correct horse battery staple" };
const { env, newContext } = browserSuite({});

describe("the Certificates tab in Chromium", () => {
  it(
    "shows a refused key beside its field, uploads, lists and deletes a certificate",
    async () => {
      const { plane } = env();
      const { pool } = await adminApi(plane, "POST", "/api/v1/pools", {
        name: "certs-browser",
        failoverHostname: "lb.certs-browser.example.com",
        allowPrivateAddresses: true,
      });
      const context = await newContext({ viewport: { width: 1280, height: 900 } });
      const page = await context.newPage();
      await signInNewAdmin(page, plane, ADMIN);
      await page.goto(`${plane.url}/pools/${pool.id}`);
      await byTestId(page, "tab-certificates").click();
      await byTestId(page, "certificates-none").waitFor();

      await byTestId(page, "field-certificate").fill(fx.RSA_LEAF + fx.INTERMEDIATE);
      await byTestId(page, "field-privateKey").fill(fx.OTHER_RSA_KEY);
      await byTestId(page, "certificate-upload-submit").click();
      const error = byTestId(page, "error-privateKey");
      await error.waitFor();
      expect(await error.textContent()).toMatch(
        /does not belong to the certificate for shop\.example\.test/,
      );
      expect(await byTestId(page, "field-privateKey").getAttribute("aria-invalid")).toBe("true");
      expect(await byTestId(page, "field-privateKey").inputValue()).toBe("");
      expect(await byTestId(page, "field-certificate").inputValue()).toContain("BEGIN CERTIFICATE");
      await screenshot(page, "certificates-key-mismatch");

      await byTestId(page, "field-privateKey").fill(fx.RSA_KEY);
      await byTestId(page, "certificate-upload-submit").click();
      await flash(page).filter({ hasText: "Certificate shop.example.test uploaded" }).waitFor();
      expect(await byTestId(page, "certificate-sans").textContent()).toBe(
        "shop.example.test, www.shop.example.test, 192.0.2.10",
      );
      expect(await byTestId(page, "certificate-expiry").getAttribute("data-standing")).toBe(
        "valid",
      );
      const { certificates } = await adminApi(
        plane,
        "GET",
        `/api/v1/pools/${pool.id}/certificates`,
      );
      expect(certificates).toEqual([
        expect.objectContaining({ name: "shop.example.test", chainLength: 2 }),
      ]);
      await screenshot(page, "certificates-listed");

      await confirmClick(byTestId(page, "certificate-delete"));
      await flash(page).filter({ hasText: "Certificate deleted" }).waitFor();
      await byTestId(page, "certificates-none").waitFor();
      await context.close();
    },
    CASE_TIMEOUT_MS,
  );
});
