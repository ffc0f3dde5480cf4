// One browser test file's world: Debian's Chromium, a real local control plane (`wrangler dev`)
// and a fleet of simulated agents. Every file uses the Chromium that global-setup.ts started,
// with its own browser contexts; by default also its control plane, with the file's own users
// and pools; with `ownPlane` the file starts a control plane for itself (one no other file
// touched). The fleet is always the file's own. A context a case opens is closed when the case
// ends: an open dashboard page refreshes every 1.5 s and redraws every second, which cost CPU
// (Chromium's and the control plane's) for the rest of the file; the page the cases build on
// comes from `fileContext()`. `browserSuite()` registers its beforeAll/afterEach/afterAll itself.
// A failed start is kept and thrown by `env()`, so every case fails with it instead of being
// skipped; afterAll asserts that nothing the file started (process groups, directories)
// outlives it.
import { existsSync } from "node:fs";
import { type Browser, type BrowserContext, chromium, type Page } from "playwright-core";
import { afterAll, afterEach, beforeAll, expect, inject } from "vitest";
import { adminApi, type ControlPlane, startControlPlane } from "../harness/control-plane.mjs";
import { AgentFleet } from "./agents";
import { groupAlive } from "./browser";
import { type Credentials, signInNewAdmin } from "./pages";
import { type PlaneRef, root, sharedWorld } from "./shared-world";

export { root };
export const CASE_TIMEOUT_MS = 60_000;
/** How long a live change may take to show (1 s beats, a few s delay, ~1.5 s refresh, slow CI). */
export const LIVE_TIMEOUT_MS = 20_000;
/** For expect.poll on what a page shows once loaded. */
export const POLL = { timeout: 10_000, interval: 200 };

export interface SuiteEnv {
  plane: PlaneRef;
  browser: Browser;
  fleet: AgentFleet;
}

export interface SuiteOptions<Extra> {
  /**
   * Start a control plane for this file alone, for cases that need one no other file touched
   * (first-run setup, the last admin). Default: the shared one. Chromium is always the shared one.
   */
  ownPlane?: { tempPrefix: string; vars?: Record<string, string> };
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
  /** A browser context closed when the case that opened it ends, with a 15 s default timeout. */
  newContext(options?: Parameters<Browser["newContext"]>[0]): Promise<BrowserContext>;
  /** A browser context later cases use too: closed after the file. */
  fileContext(options?: Parameters<Browser["newContext"]>[0]): Promise<BrowserContext>;
  /** A phone-sized, touch context signed in as `page` is, closed when the case ends. */
  phoneContext(page: Page): Promise<BrowserContext>;
  /** `page` at a phone's width (390 × 844, touch), signed in as `page` is, at `url` (default:
   * where `page` is); closed when the case ends. */
  phonePage(page: Page, url?: string): Promise<Page>;
  /** The page later cases build on (a file context, `width` × 900), signed in as the new admin
   * `admin`, created on the way. */
  signedInPage(admin: Credentials, width?: number): Promise<Page>;
  /** A member of `poolId` enrolled through the API, named and hostnamed `name`, allowed from
   * 127.0.0.1; its id and enrollment secret. */
  enroll(poolId: string, name: string, priority?: number): Promise<{ id: string; secret: string }>;
  /** The admin API with the bootstrap token. */
  // biome-ignore lint/suspicious/noExplicitAny: JSON answers are checked by the caller
  api<T = any>(method: string, path: string, body?: unknown): Promise<T>;
  /** Waits until `poolId`'s traffic is on `memberId` (the first ready member takes it). */
  untilActive(poolId: string, memberId: string): Promise<void>;
}

// biome-ignore lint/complexity/noBannedTypes: a file without extras adds nothing to env()
export function browserSuite<Extra extends object = {}>(
  options: SuiteOptions<Extra>,
): Suite<Extra> {
  let plane: PlaneRef | undefined;
  let ownPlane: ControlPlane | undefined;
  let browser: Browser | undefined;
  let fleet: AgentFleet | undefined;
  let extra: Extra | undefined;
  let startError: unknown;
  /** Contexts to close after the current case, and after the file. */
  const caseContexts: BrowserContext[] = [];
  const fileContexts: BrowserContext[] = [];
  const startTimeoutMs = options.startTimeoutMs ?? 150_000;

  beforeAll(async () => {
    try {
      // The file's own plane starts while the shared world may still be starting; both are
      // waited for, so afterAll stops the plane even when the world failed.
      const [world, own] = await Promise.allSettled([
        sharedWorld(inject("sharedBrowserWorldFile"), startTimeoutMs - 30_000),
        options.ownPlane ? startControlPlane(root, options.ownPlane) : undefined,
      ]);
      if (own.status === "fulfilled") ownPlane = own.value;
      if (world.status === "rejected") throw world.reason;
      if (own.status === "rejected") throw own.reason;
      browser = await chromium.connect(world.value.wsEndpoint, { timeout: 30_000 });
      plane = ownPlane ?? { url: world.value.url, adminToken: world.value.adminToken };
      fleet = new AgentFleet(plane.url);
      extra = options.setup ? await options.setup({ plane, browser, fleet }) : ({} as Extra);
    } catch (error) {
      startError = error; // every case then fails with it, rather than being skipped
    }
  }, startTimeoutMs);

  afterEach(async () => {
    for (const context of caseContexts.splice(0)) await context.close().catch(() => {});
  }, 60_000);

  afterAll(async () => {
    await fleet?.stopAll();
    let teardownError: unknown;
    await options.teardown?.().catch((error: unknown) => {
      teardownError = error;
    });
    const groups = ownPlane?.groups() ?? [];
    const dirs = ownPlane ? [ownPlane.dir] : [];
    for (const context of [...caseContexts, ...fileContexts]) await context.close().catch(() => {});
    // The shared browser is only disconnected from; global-setup.ts stops it and the shared plane.
    await Promise.all([browser?.close(), ownPlane?.stop()]);
    // Nothing this file started may outlive it.
    expect(groups.filter(groupAlive), "process groups still running after stop").toEqual([]);
    expect(
      dirs.filter((dir) => existsSync(dir)),
      "directories left behind",
    ).toEqual([]);
    if (teardownError) throw teardownError;
  }, 60_000);

  const env = () => {
    if (startError || !plane || !browser || !fleet || !extra)
      throw startError ?? new Error("Chromium or the control plane did not start");
    return { ...extra, plane, browser, fleet };
  };

  const openContext = async (
    closedWith: BrowserContext[],
    contextOptions?: Parameters<Browser["newContext"]>[0],
  ) => {
    const context = await env().browser.newContext(contextOptions);
    closedWith.push(context);
    context.setDefaultTimeout(15_000);
    return context;
  };
  const newContext = (contextOptions?: Parameters<Browser["newContext"]>[0]) =>
    openContext(caseContexts, contextOptions);

  return {
    env,
    newContext,
    fileContext: (contextOptions) => openContext(fileContexts, contextOptions),
    phoneContext: async (page) =>
      newContext({
        viewport: { width: 375, height: 812 },
        deviceScaleFactor: 2,
        isMobile: true,
        hasTouch: true,
        storageState: await page.context().storageState(),
      }),
    phonePage: async (page, url = page.url()) => {
      const phone = await newContext({ viewport: { width: 390, height: 844 }, hasTouch: true });
      await phone.addCookies(await page.context().cookies());
      const small = await phone.newPage();
      await small.goto(url);
      return small;
    },
    signedInPage: async (admin, width = 1366) => {
      const context = await openContext(fileContexts, { viewport: { width, height: 900 } });
      const page = await context.newPage();
      await signInNewAdmin(page, env().plane, admin);
      return page;
    },
    enroll: async (poolId, name, priority) => {
      const { member, secret } = await adminApi(
        env().plane,
        "POST",
        `/api/v1/pools/${poolId}/members`,
        {
          name,
          hostname: name,
          allowedIps: ["127.0.0.1"],
          ...(priority === undefined ? {} : { priority }),
        },
      );
      return { id: member.id as string, secret: secret as string };
    },
    api: (method, path, body) => adminApi(env().plane, method, path, body),
    untilActive: async (poolId, memberId) => {
      await expect
        .poll(
          async () =>
            (await adminApi(env().plane, "GET", `/api/v1/pools/${poolId}`)).pool.activeMemberId,
          { timeout: LIVE_TIMEOUT_MS, interval: 250 },
        )
        .toBe(memberId);
    },
  };
}

/** A value an earlier case filled in; throws, naming it, when that case failed. */
export function need<T>(value: T | undefined, what: string): T {
  if (value === undefined) throw new Error(`${what} is missing: an earlier case failed`);
  return value;
}
