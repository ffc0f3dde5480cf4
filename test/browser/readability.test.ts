// Issue #15 item 7's readability defects in a real browser (Debian's Chromium through
// playwright-core) against the shared control plane (`wrangler dev`, a chart sample every 2 s):
// at 1366 px the HAProxy table of the Status tab shows every column (Downtime, Last change,
// Address) without being cut, and at 390 px it scrolls inside its own box; on the Monitoring
// tab no chart label sits on the plot (where lines run), no label leaves the drawing (the last
// time tick read "20:1"), and pointing at a chart or moving along it with the keyboard reads
// out a point's time and value. Screenshots at 1366 px and 390 px go to test-results/screenshots/.
import { setTimeout as sleep } from "node:timers/promises";
import type { Locator, Page } from "playwright-core";
import { describe, expect, it } from "vitest";
import { screenshot } from "./browser";
import { byTestId } from "./pages";
import { statRows } from "./stat-rows";
import { browserSuite, CASE_TIMEOUT_MS, LIVE_TIMEOUT_MS, need, POLL } from "./suite";

const ADMIN = { username: "readability-admin", password: "correct horse battery staple" };
const { env, api, signedInPage, phonePage, enroll } = browserSuite({});
const state: { page?: Page; memberId?: string } = {};

/**
 * Where an element is on the page; fails, naming it, when it is not laid out. A live refresh
 * may be replacing it at that moment (no box then), so it asks again until the page settles.
 */
async function boxOf(locator: Locator, what: string) {
  for (const deadline = Date.now() + POLL.timeout; ; await sleep(POLL.interval)) {
    const box = await locator.boundingBox();
    if (box) return box;
    if (Date.now() > deadline) throw new Error(`${what} is not on the page`);
  }
}

/** What a chart draws, in its viewBox's units: the plot's frame and every label's box. */
interface ChartGeometry {
  width: number;
  height: number;
  plot: { left: number; right: number; top: number; bottom: number };
  labels: { text: string; x: number; y: number; width: number; height: number }[];
}

function chartGeometry(page: Page, testId: string): Promise<ChartGeometry> {
  return page.locator(`[data-testid="${testId}"] svg`).evaluate((svg: SVGSVGElement) => {
    const [axisX, axisY] = [...svg.querySelectorAll(".x-axis line.axis")] as SVGLineElement[];
    if (!axisX || !axisY) throw new Error("the chart has no axes");
    const labels = [...svg.querySelectorAll("text:not(.empty)")].map((element) => {
      const box = (element as SVGTextElement).getBBox();
      const text = element.textContent ?? "";
      return { text, x: box.x, y: box.y, width: box.width, height: box.height };
    });
    return {
      width: svg.viewBox.baseVal.width,
      height: svg.viewBox.baseVal.height,
      plot: {
        left: axisX.x1.baseVal.value,
        right: axisX.x2.baseVal.value,
        top: axisY.y1.baseVal.value,
        bottom: axisX.y1.baseVal.value,
      },
      labels,
    };
  });
}

describe("readability in Chromium", () => {
  it(
    "shows every column of the HAProxy table at 1366 px, and scrolls it in its own box at 390 px",
    async () => {
      const { plane, fleet } = env();
      const page = await signedInPage(ADMIN);
      state.page = page;
      const { pool } = await api("POST", "/api/v1/pools", {
        name: "edge-readability",
        profile: "haproxy",
        failoverHostname: "lb-read.example.com",
        allowPrivateAddresses: true, // members report documentation addresses
        autoFailover: false,
      });
      const member = await enroll(pool.id, "edge-read");
      state.memberId = member.id;
      const agent = fleet.add(member.id, {
        hostname: "edge-read",
        secret: member.secret,
        publicIp: "198.51.100.51",
      });
      // Long names and big figures: the widest a real table gets.
      agent.statTable = () =>
        statRows("fe_public_https_with_a_long_name", "be_application_servers_eu_west", [
          { name: "app-server-eu-west-01", status: "UP", addr: "10.200.100.111:8443", scur: 12 },
          { name: "app-server-eu-west-02", status: "DOWN", addr: "10.200.100.112:8443" },
        ]);
      agent.figures = {
        host: { cpuPercent: 42.5, memUsedBytes: 2 ** 30, memTotalBytes: 4 * 2 ** 30, load1: 0.3 },
        haproxy: { version: "2.6.12", currentConnections: 17, sessionRate: 5 },
      };
      agent.start();

      await page.goto(`${plane.url}/members/${member.id}/status`);
      await page
        .locator("[data-testid=stat-row][data-service=app-server-eu-west-02]")
        .waitFor({ timeout: LIVE_TIMEOUT_MS });
      const scroller = page.locator("#stat-backends-scroll");
      const fits = () =>
        scroller.evaluate((element) => element.scrollWidth <= element.clientWidth + 1);
      expect(await fits(), "the backends table needs no sideways scroll at 1366 px").toBe(true);
      const frame = await boxOf(scroller, "the table's box");
      for (const header of ["Downtime", "Last change", "Address"]) {
        const cell = scroller.locator("thead th", { hasText: header });
        const box = await boxOf(cell, `the ${header} header`);
        expect(box.x + box.width, `${header} ends inside the table's box`).toBeLessThanOrEqual(
          frame.x + frame.width + 1,
        );
        expect(box.x + box.width, `${header} ends inside the window`).toBeLessThanOrEqual(1366);
      }
      const address = scroller.locator("td", { hasText: "10.200.100.112:8443" });
      expect(await address.isVisible()).toBe(true);
      const addressBox = await boxOf(address, "the address cell");
      expect(addressBox.x + addressBox.width).toBeLessThanOrEqual(frame.x + frame.width + 1);
      await screenshot(page, "haproxy-table-1366");

      const small = await phonePage(page);
      const phoneScroller = small.locator("#stat-backends-scroll");
      await phoneScroller.waitFor({ timeout: LIVE_TIMEOUT_MS });
      await expect
        .poll(
          () =>
            phoneScroller.evaluate((el) => el.clientWidth > 0 && el.scrollWidth > el.clientWidth),
          POLL,
        )
        .toBe(true);
      expect(
        await small.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth + 1),
        "the page itself does not scroll sideways",
      ).toBe(true);
      await screenshot(small, "haproxy-table-390");
    },
    CASE_TIMEOUT_MS,
  );

  it(
    "keeps chart labels off the plot and inside the drawing, and reads out points on hover and with the keyboard",
    async () => {
      const page = need(state.page, "the signed-in page");
      const memberId = need(state.memberId, "the member");
      // A few 2 s samples first.
      await expect
        .poll(
          async () =>
            (await api("GET", `/api/v1/members/${memberId}/metrics?range=hour`)).points.length,
          { timeout: LIVE_TIMEOUT_MS, interval: 500 },
        )
        .toBeGreaterThanOrEqual(3);
      await page.goto(new URL(`/members/${memberId}/monitoring`, page.url()).href);
      await expect
        .poll(() => byTestId(page, "chart-cpu").getAttribute("data-points"), POLL)
        .not.toBe("0");
      for (const chart of ["chart-cpu", "chart-memory", "chart-sessions"]) {
        const geometry = await chartGeometry(page, chart);
        const { plot } = geometry;
        for (const label of geometry.labels) {
          const overlaps =
            label.x < plot.right - 0.5 &&
            label.x + label.width > plot.left + 0.5 &&
            label.y < plot.bottom - 0.5 &&
            label.y + label.height > plot.top + 0.5;
          expect(overlaps, `${chart}: "${label.text}" sits on the plot`).toBe(false);
          expect(label.x, `${chart}: "${label.text}" starts inside`).toBeGreaterThanOrEqual(0);
          expect(
            label.x + label.width,
            `${chart}: "${label.text}" is not clipped on the right`,
          ).toBeLessThanOrEqual(geometry.width);
          expect(label.y, `${chart}: "${label.text}" starts inside`).toBeGreaterThanOrEqual(0);
          expect(label.y + label.height).toBeLessThanOrEqual(geometry.height);
        }
      }

      // Pointing at the chart reads out the nearest point: its time and value.
      const svg = page.locator("[data-testid=chart-cpu] svg");
      const readout = byTestId(page, "chart-cpu-readout");
      const box = await boxOf(svg, "the CPU chart");
      await page.mouse.move(box.x + box.width * 0.9, box.y + box.height / 2);
      await expect.poll(() => readout.innerText(), POLL).toMatch(/^\d\d:\d\d:\d\d UTC: 42\.5 %$/);
      await screenshot(page, "chart-hover-1366");

      // The keyboard reaches the chart and moves along it point by point.
      await page.mouse.move(0, 0);
      await svg.focus();
      expect(await svg.evaluate((element) => element === document.activeElement)).toBe(true);
      await page.keyboard.press("End");
      const last = await readout.innerText();
      expect(last).toMatch(/^\d\d:\d\d:\d\d UTC: 42\.5 %$/);
      await page.keyboard.press("Home");
      await expect.poll(() => readout.innerText(), POLL).not.toBe(last);
      expect(await readout.innerText()).toMatch(/^\d\d:\d\d:\d\d UTC: 42\.5 %$/);

      const small = await phonePage(page);
      await small.locator("[data-testid=chart-cpu] svg").waitFor();
      await screenshot(small, "charts-390");
    },
    CASE_TIMEOUT_MS,
  );
});
