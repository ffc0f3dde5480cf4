import { runInDurableObject } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import type { PoolCoordinator } from "../../../worker/coordinator/pool-coordinator";
import type { DesiredRecords, DnsProvider } from "../../../worker/dns/provider";
import { coordinatorStub, everySecond, fireAlarmAt, setClock } from "../coordinator/clock";
import { admin, createPool, type Enrolled, enroll, heartbeat } from "../helpers";
import { tomorrowAt } from "../time";
import { byTestId } from "./html";
import {
  type Browser,
  browserAs,
  fetchAs,
  htmlOf,
  locationOf,
  postForm,
  unescapeHtml,
} from "./pages-as";

// The pool's Events tab as the Worker serves it: a failover decided by the real coordinator
// (its clock moved, not waited for), audit events of dashboard actions, the filter form's
// query, the live fragment and the pages.

const T0 = tomorrowAt(12);

function beat(enrolled: Enrolled, ip: string) {
  return heartbeat(enrolled, {
    publicIp: ip,
    services: { haproxy: { installed: true, activeState: "active" } },
  });
}

/** A DNS provider in memory, so the flip's DNS confirmation is recorded. */
class MemoryDns implements DnsProvider {
  records = new Map<string, string[]>();
  async readAddresses(name: string) {
    return [...(this.records.get(name) ?? [])];
  }
  async setAddresses(records: DesiredRecords) {
    this.records.set(records.name, [...records.addresses]);
  }
  async check(name: string) {
    return {
      ok: true,
      writable: true,
      detail: "memory",
      addresses: await this.readAddresses(name),
    };
  }
}

/** Members edge-a (active) and edge-b; edge-a falls silent and edge-b takes over at T0 + 10 s. */
async function failedOver(options: { dns?: boolean } = {}) {
  const pool = await createPool({
    name: `ev-${crypto.randomUUID().slice(0, 6)}`,
    failoverDelayS: 10,
  });
  const a = await enroll(pool.id, { name: "edge-a", priority: 1 });
  const b = await enroll(pool.id, { name: "edge-b", priority: 2 });
  await setClock(pool.id, T0);
  expect((await beat(a, "198.51.100.1")).status).toBe(200);
  expect((await beat(b, "198.51.100.2")).status).toBe(200);
  if (options.dns) {
    const dns = new MemoryDns();
    await runInDurableObject(coordinatorStub(pool.id), (instance: PoolCoordinator) => {
      instance.seams.dnsProviderFor = () => dns;
    });
    const put = await admin(`/pools/${pool.id}/dns`, {
      method: "PUT",
      body: {
        provider: {
          kind: "powerdns",
          baseUrl: "http://127.0.0.1:1",
          apiKey: "not-a-real-key",
          zone: "example.com",
          ttl: 30,
        },
        mode: "active_standby",
      },
    });
    expect(put.status).toBe(200);
    await coordinatorStub(pool.id).dnsSettled();
  }
  await everySecond(pool.id, T0 + 1_000, T0 + 9_000, () => beat(b, "198.51.100.2"));
  expect(await fireAlarmAt(pool.id, T0 + 10_000)).toBe(true);
  if (options.dns) await coordinatorStub(pool.id).dnsSettled();
  return { pool, a, b };
}

interface ShownEvent {
  id: string;
  type: string;
  category: string;
  text: string;
  meta: string;
}

/** The timeline's entries, as a person reads them. */
function shownEvents(html: string): ShownEvent[] {
  const plain = (text: string) => unescapeHtml(text.replace(/<[^>]+>/g, "").trim());
  return [...html.matchAll(/<li class="event[^"]*"([^>]*)>(.*?)<\/li>/gs)].map(
    ([, attrs = "", body = ""]) => ({
      id: /data-event-id="([^"]+)"/.exec(attrs)?.[1] ?? "",
      type: /data-type="([^"]+)"/.exec(attrs)?.[1] ?? "",
      category: /data-category="([^"]+)"/.exec(attrs)?.[1] ?? "",
      text: plain(/<p class="event-text"[^>]*>(.*?)<\/p>/s.exec(body)?.[1] ?? ""),
      meta: plain(/<p class="event-meta[^"]*">(.*?)<\/p>/s.exec(body)?.[1] ?? ""),
    }),
  );
}

function events(browser: Browser, poolId: string, query = "") {
  return htmlOf(browser, `/pools/${poolId}/events${query}`);
}

describe("the pool's Events tab", () => {
  it("tells a failover with its timing and reason, and member changes with names", async () => {
    const viewer = await browserAs("viewer");
    const { pool } = await failedOver();
    const html = await events(viewer, pool.id);
    expect(byTestId(html, "tab-events")[0]?.["aria-current"]).toBe("page");
    const shown = shownEvents(html);
    const flip = shown.find(
      (event) => event.type === "failover.promoted" && event.text.startsWith("edge-a"),
    );
    expect(flip).toMatchObject({
      category: "failover",
      text: "edge-a → edge-b after 10.0 s: heartbeats missed",
    });
    expect(flip?.meta).toContain("198.51.100.1 → 198.51.100.2");
    expect(flip?.meta).toContain("by Baton");
    const online = shown.find((event) => event.type === "member.online");
    expect(online?.meta).toMatch(/member edge-[ab]/);
    // Newest first.
    expect(shown.map((event) => event.id)).toEqual(
      [...shown.map((event) => event.id)].sort().reverse(),
    );
    expect(
      shown.some(
        (event) => event.type === "member.enrolled" && event.meta.includes("the bootstrap token"),
      ),
    ).toBe(true);
    // When: relative at a glance, the exact UTC time on hover.
    const [when] = [...html.matchAll(/<time ([^>]*)>([^<]*)<\/time>/g)];
    expect(when?.[2]).toMatch(/^(\d+ (s|min|h|d) ago|in \d+ (s|min|h|d))$/);
    expect(when?.[1]).toMatch(/title="\d{4}-\d\d-\d\d \d\d:\d\d:\d\d UTC"/);
    expect(when?.[1]).toMatch(/data-at="\d+"/);
  });

  it("says when DNS confirmed the flip", async () => {
    const viewer = await browserAs("viewer");
    const { pool } = await failedOver({ dns: true });
    const flip = shownEvents(await events(viewer, pool.id, "?cat=failover")).find(
      (event) => event.type === "failover.promoted" && event.text.startsWith("edge-a"),
    );
    expect(flip?.text).toBe(
      "edge-a → edge-b after 10.0 s: heartbeats missed; DNS confirmed in 0 ms",
    );
  });

  it("records a dashboard user's change with the user's name", async () => {
    const operator = await browserAs("operator");
    const { pool } = await failedOver();
    locationOf(await postForm(operator, `/ui/pools/${pool.id}/pause`));
    const shown = shownEvents(await events(operator, pool.id, "?cat=changes"));
    expect(shown[0]).toMatchObject({ type: "failover.paused", category: "failover" });
    expect(shown[0]?.meta).toContain(`by ${operator.username}`);
  });

  it("filters by category and member through the URL, keeping the filter in the form", async () => {
    const viewer = await browserAs("viewer");
    const { pool, a } = await failedOver();
    const failovers = shownEvents(await events(viewer, pool.id, "?cat=failover"));
    expect(failovers.length).toBeGreaterThan(0);
    expect(failovers.every((event) => event.type.startsWith("failover."))).toBe(true);

    const query = `?cat=members&member=${a.member.id}`;
    const html = await events(viewer, pool.id, query);
    const mine = shownEvents(html);
    expect(mine.map((event) => event.type)).toContain("member.enrolled");
    expect(
      mine.every(
        (event) => event.type.startsWith("member.") && event.meta.includes("member edge-a"),
      ),
    ).toBe(true);
    expect(byTestId(html, "event-cat-members")[0]).toHaveProperty("checked");
    expect(byTestId(html, "event-cat-failover")[0]).not.toHaveProperty("checked");
    expect(html).toContain(`<option value="${a.member.id}" selected="">edge-a</option>`);
    // The live region asks for the same filter.
    const [live] = [...html.matchAll(/data-live-src="([^"]+)"/g)].map((match) =>
      unescapeHtml(match[1] ?? ""),
    );
    expect(live).toBe(`/ui/pools/${pool.id}/events/fragment${query}`);
    const fragment = await fetchAs(viewer, live ?? "");
    expect(fragment.status).toBe(200);
    expect(fragment.headers.get("X-Baton-Fragment")).toBe("1");
    expect(shownEvents(await fragment.text()).map((event) => event.id)).toEqual(
      mine.map((event) => event.id),
    );

    // Categories the pool has no event of show none, and say so.
    const none = await events(viewer, pool.id, "?cat=dns");
    expect(shownEvents(none)).toEqual([]);
    expect(byTestId(none, "no-events")).toHaveLength(1);
  });

  it("pages through older events with the API's cursor, the filter kept", async () => {
    const viewer = await browserAs("viewer");
    const { pool } = await failedOver();
    for (let round = 0; round < 26; round += 1) {
      for (const action of ["pause", "resume"]) {
        expect(
          (await admin(`/pools/${pool.id}/failover/${action}`, { method: "POST" })).status,
        ).toBe(200);
      }
    }
    const first = await events(viewer, pool.id, "?cat=failover");
    const firstShown = shownEvents(first);
    expect(firstShown).toHaveLength(50);
    const [older] = byTestId(first, "events-older");
    const href = unescapeHtml(older?.href ?? "");
    expect(href).toMatch(new RegExp(`^/pools/${pool.id}/events\\?cat=failover&cursor=evt_`));
    const second = await htmlOf(viewer, href);
    const secondShown = shownEvents(second);
    expect(secondShown.length).toBeGreaterThan(0);
    expect(secondShown.every((event) => event.type.startsWith("failover."))).toBe(true);
    expect(secondShown.some((event) => firstShown.some((seen) => seen.id === event.id))).toBe(
      false,
    );
    // Older pages are not live: what they show does not change.
    expect(second).not.toContain("data-live-src");
    expect(second).toContain("Newest events");
  });
});
