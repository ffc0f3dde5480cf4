// What browserSuite() closes when: a context a case opens is closed once that case ends (an open
// dashboard page keeps refreshing every 1.5 s and redrawing every second, which cost Chromium and
// the control plane CPU for the rest of the file); the file's own context, the one its cases
// build on, lives until the file ends.
import type { BrowserContext } from "playwright-core";
import { describe, expect, it } from "vitest";
import { browserSuite, need } from "./suite";

const { env, newContext, fileContext } = browserSuite({});

const opened: { byCase?: BrowserContext; forFile?: BrowserContext } = {};
const isOpen = (context: BrowserContext) => env().browser.contexts().includes(context);

describe("browserSuite's browser contexts", () => {
  it("opens a context for the case and one for the file", async () => {
    opened.byCase = await newContext();
    opened.forFile = await fileContext();
    const page = await opened.forFile.newPage();
    await page.goto(`${env().plane.url}/healthz`);
    expect(isOpen(opened.byCase)).toBe(true);
    expect(isOpen(opened.forFile)).toBe(true);
  });

  it("has closed the case's context once that case ended, and kept the file's", async () => {
    expect(isOpen(need(opened.byCase, "the case's context")), "the case's context").toBe(false);
    const forFile = need(opened.forFile, "the file's context");
    expect(isOpen(forFile), "the file's context").toBe(true);
    expect(forFile.pages().map((page) => new URL(page.url()).pathname)).toEqual(["/healthz"]);
  });
});
