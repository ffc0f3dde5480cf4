// One browser test file's world: Debian's Chromium, a real local control plane (`wrangler dev`)
// and a fleet of simulated agents, started once before the file's cases and stopped after them.
// `browserSuite()` registers the beforeAll/afterAll itself. A failed start is kept and thrown
// by `env()`, so every case fails with it instead of being skipped; afterAll asserts that
// nothing the file started (process groups, directories) outlives it.
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { afterAll, beforeAll, expect } from "vitest";
import { adminApi, type ControlPlane, startControlPlane } from "../harness/control-plane.mjs";
import { AgentFleet } from "./agents";
import { groupAlive, type LaunchedBrowser, launchChromium } from "./browser";

export const root = fileURLToPath(new URL("../..", import.meta.url));
export const CASE_TIMEOUT_MS = 60_000;
/** How long a live change may take to show (1 s beats, a few s delay, ~1.5 s refresh, slow CI). */
export const LIVE_TIMEOUT_MS = 20_000;
/** For expect.poll on what a page shows once loaded. */
export const POLL = { timeout: 10_000, interval: 200 };

export interface SuiteEnv {
  plane: ControlPlane;
  browser: Browser;
  fleet: AgentFleet;
}

export interface SuiteOptions<Extra> {
  /** Prefix of the control plane's temp directory, e.g. "baton-browser-members-". */
  tempPrefix: string;
  /** Extra Worker variables (`--var NAME:VALUE`). */
  vars?: Record<string, string>;
  /** beforeAll's timeout. */
  startTimeoutMs?: number;
  /** What else the file needs once the browser and control plane run; failing fails every case. */
  setup?: (env: SuiteEnv) => Promise<Extra>;
  /** Stops what `setup` started (even if it failed half way); runs before the plane stops. */
  teardown?: () => Promise<void>;
}

export interface Suite<Extra> {
  /** What the cases run against; throws why the start failed. */
  env(): SuiteEnv & Extra;
  /** A browser context closed after the file, with a 15 s default timeout. */
  newContext(options?: Parameters<Browser["newContext"]>[0]): Promise<BrowserContext>;
  /** A phone-sized, touch context signed in as `page` is. */
  phoneContext(page: Page): Promise<BrowserContext>;
  /** The admin API with the bootstrap token. */
  // biome-ignore lint/suspicious/noExplicitAny: JSON answers are checked by the caller
  api<T = any>(method: string, path: string, body?: unknown): Promise<T>;
}

// biome-ignore lint/complexity/noBannedTypes: a file without extras adds nothing to env()
export function browserSuite<Extra extends object = {}>(
  options: SuiteOptions<Extra>,
): Suite<Extra> {
  let plane: ControlPlane | undefined;
  let launched: LaunchedBrowser | undefined;
  let fleet: AgentFleet | undefined;
  let extra: Extra | undefined;
  let startError: unknown;
  const contexts: BrowserContext[] = [];

  beforeAll(async () => {
    try {
      launched = await launchChromium();
      plane = await startControlPlane(root, { tempPrefix: options.tempPrefix, vars: options.vars });
      fleet = new AgentFleet(plane.url);
      extra = options.setup
        ? await options.setup({ plane, browser: launched.browser, fleet })
        : ({} as Extra);
    } catch (error) {
      startError = error; // every case then fails with it, rather than being skipped
    }
  }, options.startTimeoutMs ?? 150_000);

  afterAll(async () => {
    await fleet?.stopAll();
    let teardownError: unknown;
    await options.teardown?.().catch((error: unknown) => {
      teardownError = error;
    });
    const groups = [...(plane?.groups() ?? []), ...(launched ? [launched.pid] : [])];
    const dirs = [plane?.dir, launched?.userDataDir].filter((dir): dir is string => !!dir);
    for (const context of contexts) await context.close().catch(() => {});
    await Promise.all([launched?.close(), plane?.stop()]);
    // Nothing this file started may outlive it.
    expect(groups.filter(groupAlive), "process groups still running after stop").toEqual([]);
    expect(
      dirs.filter((dir) => existsSync(dir)),
      "directories left behind",
    ).toEqual([]);
    if (teardownError) throw teardownError;
  }, 60_000);

  const env = () => {
    if (startError || !plane || !launched || !fleet || !extra)
      throw startError ?? new Error("Chromium or the control plane did not start");
    return { ...extra, plane, browser: launched.browser, fleet };
  };

  const newContext = async (contextOptions?: Parameters<Browser["newContext"]>[0]) => {
    const context = await env().browser.newContext(contextOptions);
    contexts.push(context);
    context.setDefaultTimeout(15_000);
    return context;
  };

  return {
    env,
    newContext,
    phoneContext: async (page) =>
      newContext({
        viewport: { width: 375, height: 812 },
        deviceScaleFactor: 2,
        isMobile: true,
        hasTouch: true,
        storageState: await page.context().storageState(),
      }),
    api: (method, path, body) => adminApi(env().plane, method, path, body),
  };
}

/** A value an earlier case filled in; throws, naming it, when that case failed. */
export function need<T>(value: T | undefined, what: string): T {
  if (value === undefined) throw new Error(`${what} is missing: an earlier case failed`);
  return value;
}
