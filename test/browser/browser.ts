// Real-browser harness for the dashboard tests: Debian's Chromium driven by playwright-core (no
// browser download; see docs in README's Development section). Each launch gets a fresh profile
// directory (Playwright makes one per launch and removes it on close; this harness checks that
// and removes it if a crash left it). The browser's process group is tracked by PID, read from
// /proc when it starts, so `close()` can SIGKILL exactly what this launch started should a
// graceful close hang: never anything by name. A missing Chromium is a failure with a clear
// message, never a skip.
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { fileURLToPath } from "node:url";
import { type Browser, chromium, type Page } from "playwright-core";

/**
 * Where Debian's `chromium-headless-shell` package puts its launcher; BATON_CHROMIUM overrides it
 * (say, /usr/bin/chromium to watch the full browser). The headless shell is the same Blink without
 * the desktop browser around it: it took about 45 % of the full browser's CPU in this suite, whose
 * run is CPU-bound (docs/decisions/0032-headless-shell-for-browser-tests.md).
 */
export const CHROMIUM_PATH = process.env.BATON_CHROMIUM || "/usr/bin/chromium-headless-shell";
const root = fileURLToPath(new URL("../..", import.meta.url));
/** Screenshots land here (gitignored); CI keeps the folder as an artifact when it wants. */
export const SCREENSHOT_DIR = join(root, "test-results", "screenshots");

/** The flags that keep Chromium off the network it cannot reach here (see TOOLCHAIN.md). */
export const CHROMIUM_ARGS = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
  "--disable-dev-shm-usage",
];

const CLOSE_TIMEOUT_MS = 10_000;

export interface LaunchedBrowser {
  browser: Browser;
  /** The browser process's PID, also its process group (Playwright starts it detached). */
  pid: number;
  /** The profile directory Chromium runs with (removed by `close()`). */
  userDataDir: string;
  /** Closes the browser; SIGKILLs its process group if that does not end it. Idempotent. */
  close(): Promise<void>;
}

/** PIDs of this process's children, from /proc (Linux only, as is this harness). */
function childPids(): Set<number> {
  const pids = new Set<number>();
  for (const name of readdirSync("/proc")) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const stat = readFileSync(`/proc/${name}/stat`, "utf8");
      // "pid (comm) state ppid …": comm may hold spaces or parentheses, so split after the last ")".
      const ppid = Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]);
      if (ppid === process.pid) pids.add(Number(name));
    } catch {
      // the process ended while we looked
    }
  }
  return pids;
}

function cmdline(pid: number): string[] {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, "utf8").split("\0").filter(Boolean);
  } catch {
    return [];
  }
}

/** True while any process of the group is alive (signal 0 only asks). */
export function groupAlive(pgid: number): boolean {
  try {
    process.kill(-pgid, 0);
    return true;
  } catch {
    return false;
  }
}

/** Gives a closed browser's process group a moment to go by itself, then SIGKILLs what is left. */
export async function endGroup(pid: number): Promise<void> {
  for (let waited = 0; groupAlive(pid) && waited < 3_000; waited += 100) await sleep(100);
  if (!groupAlive(pid)) return;
  try {
    process.kill(-pid, "SIGKILL");
  } catch {}
  for (let waited = 0; groupAlive(pid) && waited < 3_000; waited += 100) await sleep(100);
}

/** Launches Debian's Chromium headless; throws a one-line reason when it cannot. */
export async function launchChromium(executablePath = CHROMIUM_PATH): Promise<LaunchedBrowser> {
  if (!existsSync(executablePath))
    throw new Error(
      `Chromium is not installed at ${executablePath}: the dashboard's browser tests need Debian's ` +
        "chromium-headless-shell package (npm run setup:system installs it). They are not skipped.",
    );
  const before = childPids();
  let browser: Browser;
  try {
    browser = await chromium.launch({
      executablePath,
      args: CHROMIUM_ARGS,
      timeout: 60_000,
    });
  } catch (error) {
    throw new Error(
      `Chromium at ${executablePath} did not start: ${(error as Error).message.split("\n")[0]}`,
    );
  }
  // The browser is the new child started with Playwright's pipe: Debian's launcher script (it runs
  // the real binary as its child, or execs it) leads the process group Playwright started, which
  // `close()` ends as one.
  const pid = [...childPids()].find(
    (candidate) => !before.has(candidate) && cmdline(candidate).includes("--remote-debugging-pipe"),
  );
  const userDataArg = pid
    ? cmdline(pid).find((arg) => arg.startsWith("--user-data-dir="))
    : undefined;
  if (pid === undefined || userDataArg === undefined) {
    await browser.close().catch(() => {});
    throw new Error("Chromium started, but its process (and profile directory) was not found");
  }
  const userDataDir = userDataArg.slice("--user-data-dir=".length);

  let closing: Promise<void> | null = null;
  const close = async () => {
    const timeout = sleep(CLOSE_TIMEOUT_MS).then(() => "timeout" as const);
    const closed = browser.close().then(
      () => "closed" as const,
      () => "failed" as const,
    );
    await Promise.race([closed, timeout]);
    await endGroup(pid);
    rmSync(userDataDir, { recursive: true, force: true });
    running.delete(launched);
  };
  const launched: LaunchedBrowser = {
    browser,
    pid,
    userDataDir,
    close: () => {
      closing ??= close();
      return closing;
    },
  };
  running.add(launched);
  installExitHook();
  return launched;
}

/** Browsers not closed yet: SIGKILLed (synchronously) if the test process exits first. */
const running = new Set<LaunchedBrowser>();
let exitHookInstalled = false;
function installExitHook() {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.on("exit", () => {
    for (const launched of running) {
      if (groupAlive(launched.pid)) {
        try {
          process.kill(-launched.pid, "SIGKILL");
        } catch {}
      }
      rmSync(launched.userDataDir, { recursive: true, force: true });
    }
  });
}

/** Saves a full-page screenshot as test-results/screenshots/<name>.png; returns its path. */
export async function screenshot(page: Page, name: string): Promise<string> {
  mkdirSync(SCREENSHOT_DIR, { recursive: true });
  const path = join(SCREENSHOT_DIR, `${name}.png`);
  await page.screenshot({ path, fullPage: true });
  return path;
}
