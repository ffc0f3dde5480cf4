import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import type { Event } from "../../../shared/events";
import type { Pool } from "../../../shared/pools";
import { loadAlertSettings } from "../../../worker/alerts/settings";
import { openDb } from "../../../worker/db/client";
import { D1Meter } from "../../../worker/db/meter";
import { admin, BASE, createPool, enroll, expectError } from "../helpers";
import { byTestId, textOf } from "./html";
import { browserAs, fetchAs, postForm } from "./pages-as";

// The pool's Settings tab as the Worker serves it, signed in through the real login form; what
// it changes is read back through the admin API (and the coordinator's own view of the pool).
const HOOK = "https://hooks.example.com/baton";
const SECRET = "webhook-signing-secret-1234";

/** The flash a redirect carries. */
const flashOf = (response: Response) =>
  new URL(response.headers.get("Location") ?? "", BASE).searchParams.get("flash") ?? "";

const poolOf = async (id: string) => (await admin<{ pool: Pool }>(`/pools/${id}`)).body.pool;
const eventsOf = async (id: string) =>
  (await admin<{ events: Event[] }>(`/pools/${id}/events`)).body.events;

/** Every field of the settings form as the page fills it in for `pool`. */
function formOf(pool: Pool): Record<string, string> {
  return {
    name: pool.name,
    failoverHostname: pool.failoverHostname,
    failoverDelayS: String(pool.failoverDelayS),
    autoFailover: pool.autoFailover ? "on" : "paused",
    preferredPrimaryId: pool.preferredPrimaryId ?? "",
    failbackHoldDownS: String(pool.failbackHoldDownS),
    profile: pool.profile,
    ...(pool.allowPrivateAddresses ? { allowPrivateAddresses: "true" } : {}),
  };
}

describe("the pool's Settings tab", () => {
  it("turns private addresses (labs) on and off with its checkbox", async () => {
    const session = await browserAs("admin");
    const pool = await createPool({ allowPrivateAddresses: false });
    const page = await (await fetchAs(session, `/pools/${pool.id}/settings`)).text();
    const box = byTestId(page, "field-allowPrivateAddresses")[0];
    expect(box).toBeDefined();
    expect(box).not.toHaveProperty("checked");
    expect(page).toContain("Allow private addresses (labs)");
    const on = await postForm(session, `/ui/pools/${pool.id}/settings`, {
      ...formOf(pool),
      allowPrivateAddresses: "true",
    });
    expect(on.status).toBe(303);
    expect((await poolOf(pool.id)).allowPrivateAddresses).toBe(true);
    const shown = await (await fetchAs(session, `/pools/${pool.id}/settings`)).text();
    expect(byTestId(shown, "field-allowPrivateAddresses")[0]).toHaveProperty("checked");
    const off = await postForm(session, `/ui/pools/${pool.id}/settings`, formOf(pool));
    expect(off.status).toBe(303);
    expect((await poolOf(pool.id)).allowPrivateAddresses).toBe(false);
  });

  it("shows the pool's settings in its form, with a link to the DNS mode", async () => {
    const session = await browserAs("viewer");
    const pool = await createPool({ failoverDelayS: 12 });
    const response = await fetchAs(session, `/pools/${pool.id}/settings`);
    expect(response.status).toBe(200);
    const html = await response.text();
    expect(byTestId(html, "tab-settings")[0]?.["aria-current"]).toBe("page");
    expect(byTestId(html, "field-failoverDelayS")[0]?.value).toBe("12");
    expect(byTestId(html, "field-autoFailover-on")[0]).toHaveProperty("checked");
    expect(textOf(html, "dns-mode-link")).toContain("change it on the DNS tab");
    // A viewer sees every form disabled and every button too.
    expect(byTestId(html, "needs-admin").length).toBeGreaterThan(0);
    for (const id of ["pool-save", "webhook-save"]) {
      const at = html.indexOf(`data-testid="${id}"`);
      expect(html.lastIndexOf('<fieldset class="plain" disabled', at)).toBeGreaterThan(-1);
    }
    expect(byTestId(html, "pool-delete")[0]).toHaveProperty("disabled");
  });

  it("refuses a bad failover delay with the field's message and the user's input, changing nothing", async () => {
    const session = await browserAs("admin");
    const pool = await createPool();
    const before = await eventsOf(pool.id);
    const response = await postForm(session, `/ui/pools/${pool.id}/settings`, {
      ...formOf(pool),
      name: "renamed in the same post",
      failoverDelayS: "2",
      autoFailover: "paused",
    });
    expect(response.status).toBe(400);
    const html = await response.text();
    expect(textOf(html, "error-failoverDelayS")).toBe("must be at least 3 seconds");
    expect(byTestId(html, "field-failoverDelayS")[0]?.value).toBe("2");
    expect(byTestId(html, "field-name")[0]?.value).toBe("renamed in the same post");
    expect(byTestId(html, "field-autoFailover-paused")[0]).toHaveProperty("checked");
    const text = await postForm(session, `/ui/pools/${pool.id}/settings`, {
      ...formOf(pool),
      failoverDelayS: "ten",
    });
    expect(textOf(await text.text(), "error-failoverDelayS")).toBe("must be a whole number");
    expect(await poolOf(pool.id)).toEqual(pool);
    expect(await eventsOf(pool.id)).toEqual(before);
  });

  it("saves through the API's update and pauses through the coordinator, each audited with the user", async () => {
    const session = await browserAs("admin");
    const pool = await createPool();
    const primary = (await enroll(pool.id)).member;
    const response = await postForm(session, `/ui/pools/${pool.id}/settings`, {
      ...formOf(pool),
      failoverDelayS: "7",
      autoFailover: "paused",
      preferredPrimaryId: primary.id,
      failbackHoldDownS: "120",
    });
    expect(response.status).toBe(303);
    expect(response.headers.get("Location")).toMatch(`/pools/${pool.id}/settings?flash=`);
    expect(flashOf(response)).toBe(
      "Saved: failover delay, preferred primary, failback hold-down, automatic failover",
    );
    expect(await poolOf(pool.id)).toMatchObject({
      failoverDelayS: 7,
      autoFailover: false,
      preferredPrimaryId: primary.id,
      failbackHoldDownS: 120,
    });
    // The coordinator's state agrees with D1.
    const status = await admin<{ failover: { autoFailover: boolean } }>(
      `/pools/${pool.id}/failover`,
    );
    expect(status.body.failover.autoFailover).toBe(false);
    const events = await eventsOf(pool.id);
    const updated = events.find((event) => event.type === "pool.updated");
    expect(updated).toMatchObject({
      actor: `user:${session.userId}`,
      data: {
        changes: { failoverDelayS: 7, preferredPrimaryId: primary.id, failbackHoldDownS: 120 },
      },
    });
    expect(events.find((event) => event.type === "failover.paused")?.actor).toBe(
      `user:${session.userId}`,
    );

    // Saving the same values changes nothing and writes no event.
    const same = await postForm(
      session,
      `/ui/pools/${pool.id}/settings`,
      formOf(await poolOf(pool.id)),
    );
    expect(flashOf(same)).toContain("Nothing to save");
    expect(await eventsOf(pool.id)).toHaveLength(events.length);
  });

  it("refuses a preferred primary from another pool and leaves automatic failover as it was", async () => {
    const session = await browserAs("admin");
    const pool = await createPool();
    const stranger = (await enroll((await createPool()).id)).member;
    const response = await postForm(session, `/ui/pools/${pool.id}/settings`, {
      ...formOf(pool),
      preferredPrimaryId: stranger.id,
      autoFailover: "paused",
    });
    expect(response.status).toBe(400);
    expect(textOf(await response.text(), "error-preferredPrimaryId")).toBe(
      "must be a member of this pool",
    );
    expect(await poolOf(pool.id)).toEqual(pool);
  });

  it("sets a webhook, keeps its secret when left empty, switches it off, and removes it", async () => {
    const session = await browserAs("admin");
    const pool = await createPool();
    const db = openDb(env.DB, new D1Meter());
    const key = (env as unknown as { SECRETS_KEY: string }).SECRETS_KEY;
    const events = ["failover.promoted", "member.offline"];
    const saved = await postForm(session, `/ui/pools/${pool.id}/alerts`, {
      url: HOOK,
      secret: SECRET,
      events,
      enabled: "true",
    });
    expect(saved.status).toBe(303);
    expect(await loadAlertSettings(db, key, pool.id)).toEqual({
      url: HOOK,
      secret: SECRET,
      events,
      enabled: true,
    });
    const page = await (await fetchAs(session, `/pools/${pool.id}/settings`)).text();
    expect(page).not.toContain(SECRET);
    expect(byTestId(page, "field-secret")[0]?.value).toBe("");
    expect(byTestId(page, "event-member.offline")[0]).toHaveProperty("checked");
    expect(byTestId(page, "event-member.online")[0]).not.toHaveProperty("checked");

    const off = await postForm(session, `/ui/pools/${pool.id}/alerts`, {
      url: HOOK,
      secret: "",
      events: ["dns.error"],
    });
    expect(off.status).toBe(303);
    expect(flashOf(off)).toBe("Webhook saved (off); the stored secret was kept");
    expect(await loadAlertSettings(db, key, pool.id)).toEqual({
      url: HOOK,
      secret: SECRET,
      events: ["dns.error"],
      enabled: false,
    });
    const shown = await admin<{ alerts: { enabled: boolean } }>(`/pools/${pool.id}/alerts`);
    expect(shown.body.alerts.enabled).toBe(false);

    const bad = await postForm(session, `/ui/pools/${pool.id}/alerts`, {
      url: "http://hooks.example.com/x",
      secret: "short",
      events: ["dns.error"],
      enabled: "true",
    });
    expect(bad.status).toBe(400);
    const badHtml = await bad.text();
    expect(textOf(badHtml, "error-url")).toContain("must use https://");
    expect(textOf(badHtml, "error-secret")).toBe("must be at least 16 characters");
    expect(badHtml).not.toContain("short");
    expect((await loadAlertSettings(db, key, pool.id))?.url).toBe(HOOK);

    const audit = (await eventsOf(pool.id)).filter((event) => event.type === "pool.updated");
    expect(audit.map((event) => event.actor)).toEqual([
      `user:${session.userId}`,
      `user:${session.userId}`,
    ]);
    expect(JSON.stringify(audit)).not.toContain(SECRET);

    expect((await postForm(session, `/ui/pools/${pool.id}/alerts/remove`, {})).status).toBe(303);
    expect((await admin<{ alerts: unknown }>(`/pools/${pool.id}/alerts`)).body.alerts).toBeNull();
  });

  it("shows the webhook URL (a credential) to admins only; others see its host", async () => {
    const pool = await createPool();
    const slack = "https://hooks.slack.com/services/T000/B000/XXXXXXXXXXXXXXXX";
    const put = await admin(`/pools/${pool.id}/alerts`, {
      method: "PUT",
      body: { url: slack, secret: SECRET },
    });
    expect(put.status).toBe(200);
    for (const role of ["viewer", "operator"] as const) {
      const html = await (
        await fetchAs(await browserAs(role), `/pools/${pool.id}/settings`)
      ).text();
      expect(html).not.toContain("XXXXXXXXXXXXXXXX");
      expect(byTestId(html, "field-url")[0]?.value).toBe("https://hooks.slack.com/…");
    }
    const asAdmin = await fetchAs(await browserAs("admin"), `/pools/${pool.id}/settings`);
    expect(byTestId(await asAdmin.text(), "field-url")[0]?.value).toBe(slack);
  });

  it("deletes a pool with members only when asked to remove them too", async () => {
    const session = await browserAs("admin");
    const pool = await createPool();
    await enroll(pool.id);
    const refused = await postForm(session, `/ui/pools/${pool.id}/delete`, {});
    expect(refused.status).toBe(303);
    expect(refused.headers.get("Location")).toMatch(`/pools/${pool.id}/settings?`);
    expect(flashOf(refused)).toContain("still has members");
    expect((await admin(`/pools/${pool.id}`)).status).toBe(200);

    const deleted = await postForm(session, `/ui/pools/${pool.id}/delete`, { force: "true" });
    expect(deleted.status).toBe(303);
    expect(deleted.headers.get("Location")).toMatch(/^\/\?flash=/);
    expectError(await admin(`/pools/${pool.id}`), 404, "not_found");
  });

  it("refuses every change to a viewer and an operator with 403", async () => {
    const pool = await createPool();
    for (const role of ["viewer", "operator"] as const) {
      const session = await browserAs(role);
      for (const path of ["settings", "alerts", "alerts/remove", "delete"]) {
        const response = await postForm(session, `/ui/pools/${pool.id}/${path}`, {
          ...formOf(pool),
          failoverDelayS: "9",
          force: "true",
        });
        expect(response.status, `${role} ${path}`).toBe(403);
      }
    }
    expect(await poolOf(pool.id)).toEqual(pool);
  });
});
