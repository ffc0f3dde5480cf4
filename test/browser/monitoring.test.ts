// The member workspace's Monitoring tab in a real browser (Debian's Chromium through
// playwright-core) against a real local control plane (`wrangler dev`) that samples every 2 s
// (METRIC_SAMPLE_INTERVAL_S) so charts fill in seconds. Two members: one simulated agent with
// known host and HAProxy figures, and the real bundled agent under the system's Node 20, whose
// measured heartbeat round-trip must reach its chart. The cases run in order and build on each
// other. Screenshots go to test-results/screenshots/. Without Chromium every case fails.
import { type ChildProcess, execFile, execFileSync, spawn } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { promisify } from "node:util";
import type { Page } from "playwright-core";
import { describe, expect, it } from "vitest";
import type { Heartbeat } from "../../shared/heartbeat";
import type { MemberMetrics } from "../../shared/metrics";
import { adminApi } from "../harness/control-plane.mjs";
import { screenshot } from "./browser";
import { markNoReload, stillSameDocument } from "./pages";
import type { PlaneRef } from "./shared-world";
import { browserSuite, CASE_TIMEOUT_MS, LIVE_TIMEOUT_MS, POLL, root } from "./suite";

const bundle = join(root, "dist", "agent", "baton-agent.mjs");
const run = promisify(execFile);
const VIEWER = { username: "chart-watcher", password: "viewer passphrase 42" };
const GIB = 1024 ** 3;
/** What the simulated agent reports: the labels the charts must show. */
const FIGURES: Partial<Heartbeat> = {
  host: { cpuPercent: 42.5, memUsedBytes: 1.5 * GIB, memTotalBytes: 4 * GIB, load1: 0.3 },
  haproxy: { version: "2.6.12", currentConnections: 17, sessionRate: 5 },
  rttMs: 12,
};
/** The flags install.sh's wrapper runs the agent with (AGENT_NODE_FLAGS). */
const NODE_FLAGS = (
  /^AGENT_NODE_FLAGS="([^"]*)"$/m.exec(readFileSync(join(root, "install.sh"), "utf8"))?.[1] ?? ""
)
  .split(" ")
  .filter(Boolean);

let agentDir: string | undefined;
let realAgent: ChildProcess | undefined;
const realAgentErr: string[] = [];
const state: { page?: Page } = {};

/** The system's Node 20 (never node_modules/.bin's Node 22): what the agent runs on. */
function systemNode20(): string {
  for (const candidate of ["/usr/bin/node", "/usr/local/bin/node"]) {
    try {
      const version = execFileSync(candidate, ["--version"], { encoding: "utf8", timeout: 10_000 });
      if (version.startsWith("v20.")) return candidate;
    } catch {}
  }
  throw new Error("no system Node 20 to run the agent bundle under");
}

async function enroll(cp: PlaneRef, poolId: string, hostname: string) {
  const { member, secret } = await adminApi(cp, "POST", `/api/v1/pools/${poolId}/members`, {
    name: hostname,
    hostname,
    allowedIps: ["127.0.0.1"],
  });
  return { id: member.id as string, secret: secret as string };
}

const { env, fileContext, phoneContext } = browserSuite({
  // The shared control plane samples every 2 s (SHARED_PLANE_VARS in shared-world.ts).
  startTimeoutMs: 210_000,
  // A pool with a simulated member and the real bundled agent, both beating from the start.
  setup: async ({ plane, fleet }) => {
    await run(process.execPath, [join(root, "scripts", "build-agent.mjs")], { timeout: 60_000 });
    const node = systemNode20();
    await adminApi(plane, "POST", "/api/v1/users", { ...VIEWER, role: "viewer" });
    const { pool } = await adminApi(plane, "POST", "/api/v1/pools", {
      name: "edge-charts",
      profile: "haproxy",
      failoverHostname: "lb-charts.example.com",
      allowPrivateAddresses: true, // members report documentation addresses
      autoFailover: false,
    });
    const sim = await enroll(plane, pool.id, "edge-sim");
    const agent = fleet.add(sim.id, {
      hostname: "edge-sim",
      secret: sim.secret,
      publicIp: "198.51.100.31",
    });
    agent.figures = FIGURES;
    agent.start();

    const real = await enroll(plane, pool.id, "edge-real");
    agentDir = mkdtempSync(join(tmpdir(), "baton-browser-agent-"));
    writeFileSync(join(agentDir, "agent.env"), "# the test's environment only\n");
    realAgent = spawn(node, [...NODE_FLAGS, bundle, "run"], {
      env: {
        PATH: "/usr/bin:/bin",
        BATON_ENV_FILE: join(agentDir, "agent.env"),
        BATON_URL: plane.url,
        BATON_TOKEN: real.secret,
        BATON_HOSTNAME: "edge-real",
        BATON_PUBLIC_IP: "198.51.100.32",
        BATON_SERVICE_MANAGER: "direct",
        BATON_STATE_DIR: join(agentDir, "state"),
      },
      stdio: ["ignore", "ignore", "pipe"],
    });
    realAgent.stderr?.setEncoding("utf8").on("data", (chunk: string) => realAgentErr.push(chunk));
    return { simId: sim.id, realId: real.id };
  },
  teardown: async () => {
    if (realAgent && realAgent.exitCode === null && realAgent.signalCode === null) {
      const exited = new Promise((resolve) => realAgent?.once("exit", resolve));
      realAgent.kill("SIGTERM");
      await Promise.race([exited, sleep(5_000)]);
      if (realAgent.exitCode === null && realAgent.signalCode === null) realAgent.kill("SIGKILL");
    }
    if (agentDir) rmSync(agentDir, { recursive: true, force: true });
  },
});

function viewerPage(): Page {
  if (!state.page) throw new Error("no signed-in page: the first case failed");
  return state.page;
}

function metrics(memberId: string, range: "hour" | "day" = "hour"): Promise<MemberMetrics> {
  return adminApi(env().plane, "GET", `/api/v1/members/${memberId}/metrics?range=${range}`);
}

/** Points of the member's series with a value for `figure`. */
async function reported(memberId: string, figure: keyof MemberMetrics["points"][number]) {
  return (await metrics(memberId)).points.filter((point) => point[figure] !== null);
}

function text(page: Page, testId: string): Promise<string> {
  return page.locator(`[data-testid="${testId}"]`).innerText();
}

describe("the Monitoring tab in Chromium", () => {
  it(
    "charts the simulated member's host and HAProxy figures with their units",
    async () => {
      const { plane, fleet, simId } = env();
      // A few samples first: the control plane writes one every 2 s.
      await expect
        .poll(async () => (await reported(simId, "cpuPercent")).length, {
          timeout: LIVE_TIMEOUT_MS,
          interval: 500,
        })
        .toBeGreaterThanOrEqual(3);
      expect(fleet.failures(), "heartbeats the control plane refused").toEqual([]);

      const context = await fileContext({ viewport: { width: 1280, height: 900 } });
      const page = await context.newPage();
      await page.goto(`${plane.url}/members/${simId}/monitoring`);
      expect(new URL(page.url()).pathname).toBe("/login");
      await page.locator("input[name=username]").fill(VIEWER.username);
      await page.locator("input[name=password]").fill(VIEWER.password);
      await page.locator("form:has(input[name=password]) button[type=submit]").click();
      await page.waitForURL(`${plane.url}/members/${simId}/monitoring`);
      state.page = page;

      expect(await page.locator("[data-testid=tab-monitoring]").getAttribute("aria-current")).toBe(
        "page",
      );
      expect(await text(page, "chart-rtt-latest")).toBe("12 ms");
      expect(await text(page, "chart-cpu-latest")).toBe("42.5 %");
      expect(await text(page, "chart-cpu-max-value")).toBe("42.5 %");
      expect(await text(page, "chart-memory-latest")).toBe("1.5 GiB of 4.0 GiB");
      expect(await text(page, "chart-sessions-latest")).toBe("17 sessions");
      expect(await text(page, "chart-session-rate-latest")).toBe("5 sessions/s");

      // Each chart is an image with a name and a description a screen reader reads.
      const cpu = page.locator("[data-testid=chart-cpu] svg");
      expect(await cpu.getAttribute("role")).toBe("img");
      expect(await page.locator("#chart-cpu-title").textContent()).toBe("CPU, the last hour");
      expect(await page.locator("#chart-cpu-desc").textContent()).toMatch(
        /^Latest 42\.5 %, average 42\.5 %, minimum 42\.5 %, maximum 42\.5 %; \d+ points, /,
      );
      // Drawn, labelled, and the axis says the scale: 0 to 100 %.
      expect(await page.locator("[data-testid=chart-cpu-line]").count()).toBe(1);
      const yLabels = await page.locator("[data-testid=chart-cpu] .grid text").allTextContents();
      expect(yLabels).toEqual(["0", "25", "50", "75", "100"]);
      expect(await page.locator("[data-testid=chart-cpu] .latest text").textContent()).toBe(
        "42.5 %",
      );
      await screenshot(page, "monitoring-hour");
    },
    CASE_TIMEOUT_MS,
  );

  it(
    "leaves a gap where the member went silent and shows new figures without a reload",
    async () => {
      const { fleet, simId, plane } = env();
      const page = viewerPage();
      await markNoReload(page);
      const live = page.locator("#monitoring-live");
      expect(await live.getAttribute("data-live-interval-ms")).toBe("1500");

      const chart = page.locator("[data-testid=chart-cpu]");
      const gapsBefore = Number(await chart.getAttribute("data-gaps"));
      // Silent for several samples while the real agent keeps the pool's samples coming.
      const silentFrom = Date.now();
      await fleet.stop(simId);
      await expect
        .poll(
          async () =>
            (await metrics(simId)).points.filter((p) => p.at > silentFrom && p.cpuPercent === null)
              .length,
          { timeout: LIVE_TIMEOUT_MS, interval: 500 },
        )
        .toBeGreaterThanOrEqual(2);
      const member = fleet.get(simId).member;
      const back = fleet.add(simId, member);
      back.figures = { ...FIGURES, host: { ...FIGURES.host, cpuPercent: 80 } as Heartbeat["host"] };
      back.start();

      await page
        .waitForFunction(
          (before) => {
            const cpu = document.querySelector("[data-testid=chart-cpu]");
            const latest = document.querySelector("[data-testid=chart-cpu-latest]");
            return (
              latest?.textContent === "80.0 %" && Number(cpu?.getAttribute("data-gaps")) > before
            );
          },
          gapsBefore,
          { timeout: LIVE_TIMEOUT_MS, polling: 250 },
        )
        .catch(async (error) => {
          const shown = await chart.innerText();
          throw new Error(`${(error as Error).message}; the CPU chart shows ${shown}`);
        });
      expect(await stillSameDocument(page), "the page reloaded").toBe(true);
      // Two runs of the line: before the silence and after it (one M per run).
      const d = (await page.locator("[data-testid=chart-cpu-line]").getAttribute("d")) ?? "";
      const dots = await page.locator("[data-testid=chart-cpu] circle.dot").count();
      expect((d.match(/M/g)?.length ?? 0) + dots).toBeGreaterThanOrEqual(2);
      expect(await text(page, "chart-cpu-max-value")).toBe("80.0 %");
      expect(await page.locator("#chart-cpu-desc").textContent()).toMatch(/\d+ gaps?\.$/);
      expect(fleet.failures(), "heartbeats the control plane refused").toEqual([]);
      await page.goto(`${plane.url}/members/${simId}/monitoring`);
      await screenshot(page, "monitoring-gap");
    },
    CASE_TIMEOUT_MS,
  );

  it(
    "switches to the last day from the keyboard",
    async () => {
      const { plane, simId } = env();
      const page = viewerPage();
      await page.goto(`${plane.url}/members/${simId}/monitoring`);
      // Tab through the page until the range link has the focus: it is in the tab order.
      let focused = "";
      for (let presses = 0; presses < 40 && focused !== "range-day"; presses++) {
        await page.keyboard.press("Tab");
        focused = await page.evaluate(
          () => document.activeElement?.getAttribute("data-testid") ?? "",
        );
      }
      expect(focused).toBe("range-day");
      await page.keyboard.press("Enter");
      await page.waitForURL(`${plane.url}/members/${simId}/monitoring?range=day`);
      expect(await page.locator("[data-testid=range-day]").getAttribute("aria-current")).toBe(
        "page",
      );
      expect(await page.locator("[data-testid=monitoring]").getAttribute("data-range")).toBe("day");
      expect(await page.locator("#monitoring-live").getAttribute("data-live-interval-ms")).toBe(
        "300000",
      );
      expect(await page.locator("#chart-rtt-title").textContent()).toBe(
        "Heartbeat round-trip, the last day",
      );
      expect(await text(page, "chart-cpu-latest")).toBe("80.0 %");
      expect(await text(page, "chart-memory-latest")).toBe("1.5 GiB of 4.0 GiB");
      const xLabels = await page.locator("[data-testid=chart-cpu] .x-axis text").allTextContents();
      expect(xLabels.length).toBeGreaterThanOrEqual(3);
      for (const label of xLabels) expect(label).toMatch(/^\d\d:00$/);
      await screenshot(page, "monitoring-day");

      await page.locator("[data-testid=range-hour]").click();
      await page.waitForURL(`${plane.url}/members/${simId}/monitoring?range=hour`);
      expect(await page.locator("[data-testid=monitoring]").getAttribute("data-range")).toBe(
        "hour",
      );
    },
    CASE_TIMEOUT_MS,
  );

  it(
    "fits a phone's width",
    async () => {
      const { plane, simId } = env();
      const phone = await phoneContext(viewerPage());
      const small = await phone.newPage();
      await small.goto(`${plane.url}/members/${simId}/monitoring`);
      await expect.poll(() => small.locator("figure.chart").count(), POLL).toBe(5);
      const overflow = await small.evaluate(
        () => document.documentElement.scrollWidth - document.documentElement.clientWidth,
      );
      expect(overflow, "the page scrolls sideways").toBeLessThanOrEqual(0);
      // The live refresh may replace the chart between two looks: wait for one that is laid out.
      const chart = small.locator("[data-testid=chart-cpu] svg");
      await expect
        .poll(async () => (await chart.boundingBox())?.width ?? 0, POLL)
        .toBeGreaterThan(250);
      expect((await chart.boundingBox())?.width ?? 0).toBeLessThanOrEqual(375);
      expect(await small.locator("[data-testid=chart-cpu-latest]").isVisible()).toBe(true);
      await screenshot(small, "monitoring-phone");
    },
    CASE_TIMEOUT_MS,
  );

  it(
    "charts the heartbeat round-trip the real agent measured",
    async () => {
      const { plane, realId } = env();
      try {
        await expect
          .poll(async () => (await reported(realId, "rttMs")).length, {
            timeout: LIVE_TIMEOUT_MS,
            interval: 500,
          })
          .toBeGreaterThanOrEqual(2);
      } catch (error) {
        throw new Error(`${(error as Error).message}; agent stderr: ${realAgentErr.join("")}`);
      }
      const points = await reported(realId, "rttMs");
      for (const point of points) {
        // Loopback: a real measurement, well under the agent's 10 s request timeout.
        expect(point.rttMs).toBeGreaterThanOrEqual(0);
        expect(point.rttMs).toBeLessThan(10_000);
      }
      const page = viewerPage();
      await page.goto(`${plane.url}/members/${realId}/monitoring`);
      expect(await text(page, "chart-rtt-latest")).toMatch(/^\d+(\.\d)? ms$/);
      expect(
        Number(await page.locator("[data-testid=chart-rtt]").getAttribute("data-points")),
      ).toBeGreaterThanOrEqual(2);
      expect(await page.locator("#chart-rtt-desc").textContent()).toMatch(/^Latest \d/);
      // The real agent's host probe: this machine's CPU and memory are charted too.
      expect(await text(page, "chart-cpu-latest")).toMatch(/^\d+\.\d %$/);
      expect(await text(page, "chart-memory-latest")).toMatch(/ of \d/);
      expect(realAgentErr.join(""), "the agent wrote to stderr").toBe("");
      await screenshot(page, "monitoring-real-agent");
    },
    CASE_TIMEOUT_MS,
  );
});
