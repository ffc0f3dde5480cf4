import { runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import type { Event } from "../../../shared/events";
import type { PoolCoordinator } from "../../../worker/coordinator/pool-coordinator";
import { openDb } from "../../../worker/db/client";
import { D1Meter } from "../../../worker/db/meter";
import type { DnsProvider } from "../../../worker/dns/provider";
import { loadDnsSettings } from "../../../worker/dns/settings";
import { coordinatorStub } from "../coordinator/clock";
import { admin, createPool, enroll, heartbeat } from "../helpers";
import { byTestId, textOf } from "./html";
import { browserAs, fetchAs, htmlOf, postForm } from "./pages-as";

// The pool's DNS tab as the Worker serves it, signed in through the real login form. The
// provider is a PowerDNS address nothing listens on (127.0.0.1:1), so the page's reads fail as a
// dead provider's would; the coordinator writes to an in-memory DNS instead.
const KEY = "first-pdns-key-never-shown";
const FORM = {
  kind: "powerdns",
  "powerdns.baseUrl": "http://127.0.0.1:1",
  "powerdns.apiKey": KEY,
  "powerdns.serverId": "localhost",
  "powerdns.zone": "example.com",
  "powerdns.ttl": "30",
  mode: "active_standby",
};

/** The pool's settings as stored, decrypted (credentials included: the test checks them). */
async function storedSettings(poolId: string) {
  const key = (env as unknown as { SECRETS_KEY: string }).SECRETS_KEY;
  return (await loadDnsSettings(openDb(env.DB, new D1Meter()), key, poolId))?.settings;
}

async function auditOf(poolId: string) {
  const result = await admin<{ events: Event[] }>(`/pools/${poolId}/events?type=pool.updated`);
  return result.body.events;
}

/** A pool with an active member at 198.51.100.7; its coordinator's DNS is in memory. */
async function poolWithActive() {
  const pool = await createPool(); // a failover hostname of its own, under example.com
  const writes: string[][] = [];
  const memory: DnsProvider = {
    readAddresses: async () => writes.at(-1) ?? [],
    setAddresses: async (records) => {
      writes.push(records.addresses);
    },
    check: async () => ({
      ok: true,
      writable: true,
      detail: "memory",
      addresses: writes.at(-1) ?? [],
    }),
  };
  await runInDurableObject(coordinatorStub(pool.id), (instance: PoolCoordinator) => {
    instance.seams.dnsProviderFor = () => memory;
  });
  const edge = await enroll(pool.id);
  const beat = await heartbeat(edge, {
    publicIp: "198.51.100.7",
    services: { haproxy: { installed: true, activeState: "active" } },
  });
  expect(beat.status).toBe(200);
  return { pool, edge, writes };
}

describe("the pool's DNS tab", () => {
  it("saves a provider through the API's store, keeps the stored key when left empty, never shows it", async () => {
    const session = await browserAs("admin");
    const { pool, writes } = await poolWithActive();
    const empty = await htmlOf(session, `/pools/${pool.id}/dns`);
    expect(byTestId(empty, "tab-dns")[0]?.["aria-current"]).toBe("page");
    expect(byTestId(empty, "dns-state")[0]?.["data-dns-state"]).toBe("not_connected");
    expect(byTestId(empty, "dns-test")[0]).toHaveProperty("disabled");

    const saved = await postForm(session, `/ui/pools/${pool.id}/dns`, FORM);
    expect(saved.status).toBe(303);
    expect(saved.headers.get("Location")).toMatch(new RegExp(`^/pools/${pool.id}/dns\\?flash=`));
    expect(await storedSettings(pool.id)).toMatchObject({ apiKey: KEY, zone: "example.com" });
    await coordinatorStub(pool.id).dnsSettled();
    expect(writes.at(-1)).toEqual(["198.51.100.7"]);

    const page = await htmlOf(session, `/pools/${pool.id}/dns`);
    expect(page).not.toContain(KEY);
    expect(byTestId(page, "field-powerdns.apiKey")[0]?.value).toBe("");
    expect(textOf(page, "dns-fields-powerdns")).toContain("Key set — leave empty to keep it");
    expect(byTestId(page, "dns-desired")[0]?.["data-addresses"]).toBe("198.51.100.7");
    expect(byTestId(page, "field-powerdns.zone")[0]?.value).toBe("example.com");
    // Served with only the chosen provider's fields shown, before app.js runs: a page read
    // before the script (or without it) never shows all three providers' fields at once.
    const shown = (html: string, kind: string) =>
      !("hidden" in (byTestId(html, `dns-fields-${kind}`)[0] ?? {}));
    expect(
      ["cloudflare", "cpanel", "powerdns", "account"].map((kind) => shown(page, kind)),
    ).toEqual([false, false, true, false]);
    expect(shown(empty, "cloudflare")).toBe(true);
    expect(shown(empty, "powerdns")).toBe(false);

    // Saved again with the key left empty and another zone: the stored key stays.
    const again = await postForm(session, `/ui/pools/${pool.id}/dns`, {
      ...FORM,
      "powerdns.apiKey": "",
      "powerdns.zone": "example.org",
    });
    expect(again.status).toBe(303);
    expect(decodeURIComponent(again.headers.get("Location") ?? "")).toContain("kept");
    expect(await storedSettings(pool.id)).toMatchObject({ apiKey: KEY, zone: "example.org" });

    const events = await auditOf(pool.id);
    const dnsEvents = events.filter((event) => event.message.startsWith("DNS provider set"));
    expect(dnsEvents).toHaveLength(2);
    for (const event of dnsEvents) expect(event.actor).toBe(`user:${session.userId}`);
    expect(JSON.stringify(events)).not.toContain(KEY);
  });

  it("never sends the stored key to a changed address, and changes nothing on a bad field", async () => {
    const session = await browserAs("admin");
    const { pool } = await poolWithActive();
    expect((await postForm(session, `/ui/pools/${pool.id}/dns`, FORM)).status).toBe(303);
    const before = await auditOf(pool.id);

    const moved = await postForm(session, `/ui/pools/${pool.id}/dns`, {
      ...FORM,
      "powerdns.apiKey": "",
      "powerdns.baseUrl": "http://127.0.0.1:2",
    });
    expect(moved.status).toBe(400);
    const html = await moved.text();
    expect(textOf(html, "error-powerdns.apiKey")).toContain("only ever sent to http://127.0.0.1:1");
    // The user's input is shown again (the address they typed), the key is not.
    expect(byTestId(html, "field-powerdns.baseUrl")[0]?.value).toBe("http://127.0.0.1:2");
    expect(html).not.toContain(KEY);

    const bad = await postForm(session, `/ui/pools/${pool.id}/dns`, {
      ...FORM,
      "powerdns.ttl": "soon",
      "powerdns.zone": "",
    });
    expect(bad.status).toBe(400);
    const badHtml = await bad.text();
    expect(textOf(badHtml, "error-powerdns.ttl")).toBe("must be a whole number");
    expect(textOf(badHtml, "error-powerdns.zone")).toBe("required");
    expect(byTestId(badHtml, "form-error")).toHaveLength(1);
    expect(byTestId(badHtml, "retype-secret")).toHaveLength(1);
    expect(badHtml).not.toContain(KEY);

    expect(await storedSettings(pool.id)).toMatchObject({
      baseUrl: "http://127.0.0.1:1",
      apiKey: KEY,
      zone: "example.com",
      ttl: 30,
    });
    expect(await auditOf(pool.id)).toEqual(before);
  });

  it("shows the provider's error for what it serves and for a test, saved or from the form", async () => {
    const session = await browserAs("operator");
    const adminSession = await browserAs("admin");
    const { pool } = await poolWithActive();
    await postForm(adminSession, `/ui/pools/${pool.id}/dns`, FORM);

    const page = await htmlOf(session, `/pools/${pool.id}/dns`);
    expect(byTestId(page, "dns-actual")[0]?.["data-ok"]).toBe("false");
    expect(textOf(page, "dns-actual-error")).toContain(
      "PowerDNS: could not connect to 127.0.0.1:1",
    );

    // The saved settings, inline (as dashboard/app.js asks): a fragment with the result.
    const inline = await postForm(
      session,
      `/ui/pools/${pool.id}/dns/test`,
      {},
      { "X-Baton-Inline": "1" },
    );
    expect(inline.status).toBe(200);
    expect(inline.headers.get("X-Baton-Fragment")).toBe("1");
    const fragment = await inline.text();
    expect(byTestId(fragment, "dns-check")[0]?.["data-ok"]).toBe("false");
    expect(textOf(fragment, "dns-check")).toContain("saved settings");
    expect(textOf(fragment, "dns-check-detail")).toContain(
      "PowerDNS: could not connect to 127.0.0.1:1",
    );

    // The form's values without scripts: the whole page with the result and the input kept.
    const formTest = await postForm(session, `/ui/pools/${pool.id}/dns/test`, {
      ...FORM,
      "powerdns.apiKey": "",
      "powerdns.zone": "example.net",
    });
    expect(formTest.status).toBe(200);
    const formHtml = await formTest.text();
    expect(textOf(formHtml, "dns-check")).toContain("the settings in the form, not saved");
    expect(byTestId(formHtml, "field-powerdns.zone")[0]?.value).toBe("example.net");
    expect(formHtml).not.toContain(KEY);

    // A form the schema refuses is not tested; the answer names the field by its label.
    const refused = await postForm(
      session,
      `/ui/pools/${pool.id}/dns/test`,
      { ...FORM, "powerdns.baseUrl": "ftp://x" },
      { "X-Baton-Inline": "1" },
    );
    const refusal = textOf(await refused.text(), "dns-check");
    expect(refusal).toContain("Not tested");
    expect(refusal).toContain("API address: must be an http(s):// URL");
    expect(refusal).not.toContain("powerdns.baseUrl");
  });

  it("uses a saved DNS account with this pool's zone, and says when an override does not fit it", async () => {
    const session = await browserAs("admin");
    const { pool } = await poolWithActive();
    const created = await admin<{ account: { id: string } }>("/dns-accounts", {
      body: {
        name: "shared pdns",
        provider: {
          kind: "powerdns",
          baseUrl: "http://127.0.0.1:1",
          apiKey: KEY,
          zone: "example.com",
        },
      },
    });
    const accountId = created.body.account.id;
    const page = await htmlOf(session, `/pools/${pool.id}/dns`);
    expect(page).toContain(`value="${accountId}"`);

    const account = { kind: "account", "account.accountId": accountId, mode: "round_robin" };
    const saved = await postForm(session, `/ui/pools/${pool.id}/dns`, {
      ...account,
      "account.zone": "example.org",
    });
    expect(saved.status).toBe(303);
    const shown = await admin<{ dns: { accountId: string; mode: string; provider: object } }>(
      `/pools/${pool.id}/dns`,
    );
    expect(shown.body.dns).toMatchObject({
      accountId,
      mode: "round_robin",
      provider: { kind: "powerdns", zone: "example.org" },
    });
    expect(await storedSettings(pool.id)).toMatchObject({ apiKey: KEY, zone: "example.org" });
    const after = await htmlOf(session, `/pools/${pool.id}/dns`);
    expect(after).not.toContain(KEY);
    expect(byTestId(after, "field-account.zone")[0]?.value).toBe("example.org");

    const misfit = await postForm(session, `/ui/pools/${pool.id}/dns`, {
      ...account,
      "account.zoneId": "0123456789abcdef0123456789abcdef",
    });
    expect(misfit.status).toBe(400);
    // In the form's words: the field's label, not the API's `zoneId`.
    const misfitError = textOf(await misfit.text(), "error-account");
    expect(misfitError).toContain("Zone ID (Cloudflare) does not fit a PowerDNS account");
    expect(misfitError).not.toContain("zoneId");
    expect(await storedSettings(pool.id)).toMatchObject({ zone: "example.org" });
  });

  it("shows 'DNS write not verified' on the tab and the overview until a write proves it", async () => {
    const session = await browserAs("admin");
    const pool = await createPool(); // no member: Baton writes no record yet
    const saved = await postForm(session, `/ui/pools/${pool.id}/dns`, FORM);
    // Saved, but the probe could not be written (nothing listens on 127.0.0.1:1): said at once.
    const flash = new URL(saved.headers.get("Location") ?? "", "http://x").searchParams;
    expect(flash.get("flashKind")).toBe("error");
    expect(flash.get("flash")).toContain("could not prove it can write with them");
    for (const path of [`/pools/${pool.id}/dns`, `/pools/${pool.id}`]) {
      const html = await htmlOf(session, path);
      expect(byTestId(html, "dns-write")[0]?.["data-verified"]).toBe("false");
      expect(textOf(html, "dns-write")).toContain("DNS write not verified");
    }
    expect(textOf(await htmlOf(session, `/pools/${pool.id}/dns`), "dns-write")).toContain(
      "PowerDNS: could not connect to 127.0.0.1:1",
    );

    // A record update the provider accepts proves it (here the coordinator's in-memory DNS).
    const { pool: served } = await poolWithActive();
    await postForm(session, `/ui/pools/${served.id}/dns`, FORM);
    await coordinatorStub(served.id).dnsSettled();
    for (const path of [`/pools/${served.id}/dns`, `/pools/${served.id}`]) {
      const html = await htmlOf(session, path);
      expect(byTestId(html, "dns-write")[0]?.["data-verified"]).toBe("true");
    }
    expect(textOf(await htmlOf(session, `/pools/${served.id}/dns`), "dns-write")).toContain(
      "DNS write verified",
    );
  });

  it("removes the provider for an admin, after which nothing is tested", async () => {
    const session = await browserAs("admin");
    const { pool } = await poolWithActive();
    await postForm(session, `/ui/pools/${pool.id}/dns`, FORM);
    const removed = await postForm(session, `/ui/pools/${pool.id}/dns/remove`, {});
    expect(removed.status).toBe(303);
    expect((await admin<{ dns: unknown }>(`/pools/${pool.id}/dns`)).body.dns).toBeNull();
    const [latest] = await auditOf(pool.id);
    expect(latest).toMatchObject({
      message: expect.stringContaining("DNS provider removed"),
      actor: `user:${session.userId}`,
    });
  });

  it("refreshes what Baton wants in its live fragment", async () => {
    const session = await browserAs("viewer");
    const adminSession = await browserAs("admin");
    const { pool, edge } = await poolWithActive();
    await postForm(adminSession, `/ui/pools/${pool.id}/dns`, FORM);
    await heartbeat(edge, {
      publicIp: "198.51.100.99",
      services: { haproxy: { installed: true, activeState: "active" } },
    });
    const response = await fetchAs(session, `/ui/pools/${pool.id}/dns/fragment`);
    expect(response.headers.get("X-Baton-Fragment")).toBe("1");
    const html = await response.text();
    expect(byTestId(html, "dns-desired")[0]?.["data-addresses"]).toBe("198.51.100.99");
  });

  it("gives a viewer no enabled control and refuses their posts; an operator may only test", async () => {
    const viewer = await browserAs("viewer");
    const operator = await browserAs("operator");
    const adminSession = await browserAs("admin");
    const { pool } = await poolWithActive();
    await postForm(adminSession, `/ui/pools/${pool.id}/dns`, FORM);
    const html = await htmlOf(viewer, `/pools/${pool.id}/dns`);
    expect(byTestId(html, "dns-form-disabled")).toHaveLength(1);
    expect(html).toMatch(/<fieldset class="plain" disabled/);
    expect(byTestId(html, "dns-test")[0]).toHaveProperty("disabled");
    expect(byTestId(html, "dns-remove")[0]).toHaveProperty("disabled");
    for (const path of ["dns", "dns/test", "dns/remove"]) {
      expect((await postForm(viewer, `/ui/pools/${pool.id}/${path}`, FORM)).status, path).toBe(403);
    }
    for (const path of ["dns", "dns/remove"]) {
      expect((await postForm(operator, `/ui/pools/${pool.id}/${path}`, FORM)).status, path).toBe(
        403,
      );
    }
    expect((await postForm(operator, `/ui/pools/${pool.id}/dns/test`, {})).status).toBe(200);
    expect(await storedSettings(pool.id)).toMatchObject({ apiKey: KEY });
  });
});
