// The browser harness itself: Debian's Chromium starts headless, loads a page from a real local
// control plane (wrangler dev), takes a screenshot, and leaves no process or directory behind.
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type ControlPlane, startControlPlane } from "../harness/control-plane.mjs";
import { groupAlive, type LaunchedBrowser, launchChromium, screenshot } from "./browser";

const root = fileURLToPath(new URL("../..", import.meta.url));

let plane: ControlPlane | undefined;
let launched: LaunchedBrowser | undefined;
let startError: unknown;

beforeAll(async () => {
  try {
    launched = await launchChromium();
    plane = await startControlPlane(root, { tempPrefix: "baton-browser-" });
  } catch (error) {
    startError = error; // the case fails with it rather than being skipped
  }
}, 150_000);

afterAll(async () => {
  const groups = [...(plane?.groups() ?? []), ...(launched ? [launched.pid] : [])];
  const dirs = [plane?.dir, launched?.userDataDir].filter((dir): dir is string => !!dir);
  await Promise.all([launched?.close(), plane?.stop()]);
  expect(groups.filter(groupAlive), "process groups still running after stop").toEqual([]);
  expect(
    dirs.filter((dir) => existsSync(dir)),
    "directories left behind",
  ).toEqual([]);
}, 60_000);

describe("browser harness", () => {
  it("fails, with what to install, when Chromium is missing", async () => {
    await expect(launchChromium("/nonexistent/chromium")).rejects.toThrow(
      /Chromium is not installed at \/nonexistent\/chromium: .*chromium-headless-shell package \(npm run setup:system/,
    );
  });

  it("loads /healthz from a local control plane in headless Chromium", async () => {
    if (startError || !plane || !launched) throw startError ?? new Error("setup failed");
    expect(launched.userDataDir).not.toBe("");
    expect(existsSync(launched.userDataDir)).toBe(true);
    const context = await launched.browser.newContext();
    try {
      const page = await context.newPage();
      const res = await page.goto(`${plane.url}/healthz`);
      expect(res?.status()).toBe(200);
      expect(JSON.parse(await page.locator("body").innerText())).toMatchObject({ ok: true });
      const path = await screenshot(page, "harness-healthz");
      expect(existsSync(path)).toBe(true);
    } finally {
      await context.close();
    }
  }, 30_000);
});
