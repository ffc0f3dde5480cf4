// The Balancer tab's field-by-field form in a real browser (Debian's Chromium through
// playwright-core) against the shared control plane (`wrangler dev`): an operator adds a server
// (the page comes back with it and everything typed), changes a server's weight and state, is
// shown a bad port and a route to a backend that no longer exists beside their fields with the
// input kept and a summary counting them, fixes both, saves, and sees the new revision with the
// edit. At 1366 px and 390 px the page does not scroll sideways. Screenshots go to
// test-results/screenshots/.
import type { Page } from "playwright-core";
import { describe, expect, it } from "vitest";
import { screenshot } from "./browser";
import { byTestId, flash, signInNewAdmin } from "./pages";
import { browserSuite, CASE_TIMEOUT_MS, POLL } from "./suite";

const ADMIN = { username: "balancer-form-admin", password: "correct horse battery staple" };
const { env, newContext, api } = browserSuite({});

const MODEL = {
  frontends: [
    {
      name: "web",
      binds: [{ port: 8080 }],
      routes: [{ pathPrefix: "/api", backend: "api" }],
      defaultBackend: "app",
    },
  ],
  backends: [
    {
      name: "app",
      servers: [
        { name: "app1", address: "127.0.0.1", port: 9001 },
        { name: "app2", address: "127.0.0.1", port: 9002 },
      ],
    },
    { name: "api", servers: [{ name: "api1", address: "127.0.0.1", port: 9101 }] },
  ],
};

const field = (page: Page, name: string) => byTestId(page, `field-${name}`);

/**
 * What makes the page scroll sideways at its current width: none when it fits, else the
 * elements sticking out or holding text that does (outside boxes that scroll by themselves).
 */
const sticksOut = (page: Page) =>
  page.evaluate(() => {
    const width = document.documentElement.clientWidth;
    const pageWidth = document.documentElement.scrollWidth;
    if (pageWidth <= width) return [];
    const scrollsItself = (element: Element) => getComputedStyle(element).overflowX !== "visible";
    const clipped = (element: Element) => {
      for (let at = element.parentElement; at && at !== document.body; at = at.parentElement) {
        if (scrollsItself(at)) return true;
      }
      return false;
    };
    const culprits = [...document.querySelectorAll("body *")]
      .filter((element) => !clipped(element) && !scrollsItself(element))
      .filter(
        (element) =>
          element.getBoundingClientRect().right > width + 1 ||
          element.scrollWidth > element.clientWidth + 1,
      )
      .map((element) => {
        const testId = element.getAttribute("data-testid");
        const text = (element.textContent ?? "").trim().slice(0, 40);
        return `${element.tagName.toLowerCase()}${testId ? `[${testId}]` : ""} "${text}"`;
      });
    return culprits.length > 0 ? culprits.slice(-5) : [`the page is ${pageWidth} px wide`];
  });

describe("the Balancer form in Chromium", () => {
  it(
    "edits a server through the form, shows field errors with the input kept, saves a revision",
    async () => {
      const { plane } = env();
      const { pool } = await api("POST", "/api/v1/pools", {
        name: "edge-balancer-form",
        profile: "haproxy",
        failoverHostname: "lb-balancer-form.example.com",
        allowPrivateAddresses: true,
      });
      await api("PUT", `/api/v1/pools/${pool.id}/balancer`, MODEL);
      const context = await newContext({ viewport: { width: 1366, height: 900 } });
      const page = await context.newPage();
      await signInNewAdmin(page, plane, ADMIN);
      await page.goto(`${plane.url}/pools/${pool.id}/balancer`);
      await byTestId(page, "balancer-form").waitFor();
      expect(await sticksOut(page), "no sideways scroll at 1366 px").toEqual([]);

      // With scripts, a health check's fields show only while it is on.
      const checkPath = field(page, "backends.0.healthCheck.path");
      expect(await checkPath.isVisible()).toBe(false);
      await field(page, "backends.0.healthCheck.enabled").selectOption("true");
      expect(await checkPath.isVisible()).toBe(true);
      await field(page, "backends.0.healthCheck.enabled").selectOption("");

      // Add a server to "api": the page comes back with it, focused, and the edit so far kept.
      await field(page, "backends.0.servers.1.weight").fill("5");
      await byTestId(page, "add-backends.1.servers").click();
      const added = field(page, "backends.1.servers.1.name");
      await added.waitFor();
      expect(await added.inputValue()).toBe("api2");
      // Autofocus applies once the page has loaded.
      await expect
        .poll(() => added.evaluate((element) => element === document.activeElement), POLL)
        .toBe(true);
      expect(await field(page, "backends.0.servers.1.weight").inputValue()).toBe("5");
      await field(page, "backends.1.servers.1.address").fill("127.0.0.1");
      await field(page, "backends.1.servers.1.port").fill("9102");

      // Two mistakes: a port out of range, and renaming the backend a route still names.
      await field(page, "backends.0.servers.1.state").selectOption("drain");
      await field(page, "frontends.0.binds.0.port").fill("70000");
      await field(page, "backends.1.name").fill("api-v2");
      await byTestId(page, "balancer-form-save").click();
      await byTestId(page, "form-summary").waitFor();
      expect(await byTestId(page, "form-summary-count").textContent()).toBe(
        "Not saved: 2 fields need attention",
      );
      expect(await byTestId(page, "error-frontends.0.binds.0.port").textContent()).toBe(
        "must be a port between 1 and 65535",
      );
      expect(await byTestId(page, "error-frontends.0.routes.0.backend").textContent()).toBe(
        "names no backend of this model (api); backends are: app, api-v2",
      );
      const port = field(page, "frontends.0.binds.0.port");
      expect(await port.getAttribute("aria-invalid")).toBe("true");
      // Nothing typed is lost.
      expect(await port.inputValue()).toBe("70000");
      expect(await field(page, "backends.1.name").inputValue()).toBe("api-v2");
      expect(await field(page, "backends.0.servers.1.weight").inputValue()).toBe("5");
      expect(await field(page, "backends.0.servers.1.state").inputValue()).toBe("drain");
      expect(await field(page, "backends.1.servers.1.port").inputValue()).toBe("9102");
      // The page comes back on the summary, which links to each field.
      await expect
        .poll(
          () => page.evaluate(() => document.activeElement?.getAttribute("data-testid") ?? null),
          POLL,
        )
        .toBe("form-summary");
      await screenshot(page, "balancer-form-errors");
      await byTestId(page, "form-summary").locator("a").first().click();
      expect(await port.evaluate((element) => element === document.activeElement)).toBe(true);

      // Fixed: the route's backend is chosen again from the backends the form has now.
      await port.fill("8080");
      await field(page, "frontends.0.routes.0.backend").selectOption("api-v2");
      await byTestId(page, "balancer-form-save-top").click();
      await expect
        .poll(() => flash(page).textContent(), POLL)
        .toBe("Saved revision 2: roll it out to apply it");
      expect(await byTestId(page, "balancer-newest-revision").textContent()).toBe("2");
      const { balancer } = await api("GET", `/api/v1/pools/${pool.id}/balancer`);
      expect(balancer.revision).toBe(2);
      expect(balancer.model.backends[0].servers[1]).toMatchObject({ weight: 5, state: "drain" });
      expect(balancer.model.backends[1].name).toBe("api-v2");
      expect(balancer.model.backends[1].servers).toHaveLength(2);
      expect(balancer.model.frontends[0].routes[0].backend).toBe("api-v2");
      // The form now shows the saved model.
      expect(await field(page, "backends.0.servers.1.state").inputValue()).toBe("drain");

      const phone = await newContext({ viewport: { width: 390, height: 844 }, hasTouch: true });
      await phone.addCookies(await context.cookies());
      const small = await phone.newPage();
      await small.goto(page.url());
      await byTestId(small, "balancer-form").waitFor();
      await screenshot(small, "balancer-form-390");
      expect(await sticksOut(small), "no sideways scroll at 390 px").toEqual([]);
      await context.close();
    },
    CASE_TIMEOUT_MS,
  );
});
