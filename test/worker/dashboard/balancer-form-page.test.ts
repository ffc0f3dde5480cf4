/**
 * The Balancer tab's field-by-field form through the real Worker: the newest model in fields
 * named by their model path, a refused save with each error beside its field and the input
 * kept, a save that makes a revision exactly as the API's PUT does, add/remove rows without
 * scripts, and the HAProxy | nginx notes on an nginx pool.
 */
import { describe, expect, it } from "vitest";
import type { Certificate } from "../../../shared/certificates";
import * as certs from "../certificates/fixtures";
import { admin, createPool } from "../helpers";
import { byTestId, textOf } from "./html";
import {
  browserAs,
  fetchAs,
  flashIn,
  htmlOf,
  locationOf,
  postForm,
  unescapeHtml,
} from "./pages-as";

const MODEL = {
  frontends: [
    {
      name: "web",
      binds: [{ port: 8080 }],
      routes: [{ pathPrefix: "/api", backend: "api" }],
      defaultBackend: "app",
    },
  ],
  backends: [
    {
      name: "app",
      healthCheck: { path: "/healthz" },
      servers: [
        { name: "app1", address: "127.0.0.1", port: 9001 },
        { name: "app2", address: "127.0.0.1", port: 9002 },
      ],
    },
    { name: "api", servers: [{ name: "api1", address: "127.0.0.1", port: 9101 }] },
  ],
};

/** What the browser posts for MODEL's form (every field, as the page fills it in). */
function formOf(overrides: Record<string, string> = {}): Record<string, string> {
  const server = (b: number, s: number, name: string, port: number) => ({
    [`backends.${b}.servers.${s}.name`]: name,
    [`backends.${b}.servers.${s}.address`]: "127.0.0.1",
    [`backends.${b}.servers.${s}.port`]: String(port),
    [`backends.${b}.servers.${s}.weight`]: "1",
    [`backends.${b}.servers.${s}.maxConnections`]: "",
    [`backends.${b}.servers.${s}.state`]: "ready",
  });
  const backend = (b: number, name: string, check: boolean) => ({
    [`backends.${b}.name`]: name,
    [`backends.${b}.strategy`]: "round_robin",
    ...(check ? { [`backends.${b}.healthCheck.enabled`]: "true" } : {}),
    [`backends.${b}.healthCheck.path`]: check ? "/healthz" : "/",
    [`backends.${b}.healthCheck.intervalMs`]: "2000",
    [`backends.${b}.healthCheck.timeoutMs`]: "1000",
    [`backends.${b}.healthCheck.rise`]: "2",
    [`backends.${b}.healthCheck.fall`]: "3",
    [`backends.${b}.healthCheck.expectStatus.min`]: "200",
    [`backends.${b}.healthCheck.expectStatus.max`]: "399",
    [`backends.${b}.sticky.type`]: "none",
    [`backends.${b}.sticky.name`]: "",
    [`backends.${b}.timeouts.connectMs`]: "5000",
    [`backends.${b}.timeouts.serverMs`]: "30000",
  });
  return {
    "frontends.0.name": "web",
    "frontends.0.binds.0.address": "",
    "frontends.0.binds.0.port": "8080",
    "frontends.0.binds.0.tls.certificateId": "",
    "frontends.0.hostnames": "",
    "frontends.0.routes.0.host": "",
    "frontends.0.routes.0.pathPrefix": "/api",
    "frontends.0.routes.0.backend": "api",
    "frontends.0.defaultBackend": "app",
    "frontends.0.forwardedHeaders": "true",
    "frontends.0.timeouts.clientMs": "30000",
    "frontends.0.timeouts.httpRequestMs": "10000",
    ...backend(0, "app", true),
    ...server(0, 0, "app1", 9001),
    ...server(0, 1, "app2", 9002),
    ...backend(1, "api", false),
    ...server(1, 0, "api1", 9101),
    ...overrides,
  };
}

async function poolWithModel(overrides: Record<string, unknown> = {}) {
  const pool = await createPool(overrides);
  const put = await admin(`/pools/${pool.id}/balancer`, { method: "PUT", body: MODEL });
  expect(put.status).toBe(201);
  return pool;
}

const fieldValue = (html: string, name: string) =>
  unescapeHtml(byTestId(html, `field-${name}`)[0]?.value ?? "(no such field)");

describe("the Balancer tab's form", { timeout: 20_000 }, () => {
  it("shows the newest model field by field", async () => {
    const pool = await poolWithModel();
    const operator = await browserAs("operator");
    const html = await htmlOf(operator, `/pools/${pool.id}/balancer`);
    expect(byTestId(html, "balancer-form")).toHaveLength(1);
    expect(fieldValue(html, "frontends.0.binds.0.port")).toBe("8080");
    expect(fieldValue(html, "backends.0.servers.1.address")).toBe("127.0.0.1");
    expect(fieldValue(html, "backends.0.healthCheck.path")).toBe("/healthz");
    // The route's backend is chosen from the model's backends.
    const select = textOf(html, "field-frontends.0.routes.0.backend");
    expect(select).toBe("app api");
    expect(html).toMatch(/<option value="api" selected="">api<\/option>/);
  });

  it("refuses a bad port and a route to an unknown backend beside their fields, keeping the input", async () => {
    const pool = await poolWithModel();
    const operator = await browserAs("operator");
    const refused = await postForm(
      operator,
      `/ui/pools/${pool.id}/balancer/form`,
      formOf({
        "frontends.0.binds.0.port": "70000",
        "backends.1.name": "api2",
        "backends.0.servers.1.weight": "5",
        "backends.0.servers.1.state": "drain",
      }),
    );
    expect(refused.status).toBe(400);
    const html = await refused.text();
    expect(textOf(html, "error-frontends.0.binds.0.port")).toBe(
      "must be a port between 1 and 65535",
    );
    expect(textOf(html, "error-frontends.0.routes.0.backend")).toBe(
      "names no backend of this model (api); backends are: app, api2",
    );
    expect(textOf(html, "form-summary-count")).toBe("Not saved: 2 fields need attention");
    expect(unescapeHtml(textOf(html, "form-summary"))).toContain(
      'frontend "web" › bind 1 › port: must be a port between 1 and 65535',
    );
    // Nothing typed is lost.
    expect(fieldValue(html, "frontends.0.binds.0.port")).toBe("70000");
    expect(fieldValue(html, "backends.1.name")).toBe("api2");
    expect(fieldValue(html, "backends.0.servers.1.weight")).toBe("5");
    expect(html).toMatch(/<option value="drain" selected="">/);
    // The route keeps the backend it named, now marked as unknown.
    expect(html).toMatch(/<option value="api" selected="">api \(no such backend\)<\/option>/);
    const revisions = await admin<{ revisions: unknown[] }>(`/pools/${pool.id}/balancer/revisions`);
    expect(revisions.body.revisions).toHaveLength(1);
  });

  it("saves an edit as a new revision, as the API's PUT does", async () => {
    const pool = await poolWithModel();
    const operator = await browserAs("operator");
    const saved = await postForm(
      operator,
      `/ui/pools/${pool.id}/balancer/form`,
      formOf({ "backends.0.servers.1.weight": "5", "backends.0.servers.1.state": "drain" }),
    );
    expect(flashIn(locationOf(saved))).toBe("Saved revision 2: roll it out to apply it");
    const { body } = await admin<{ balancer: { revision: number; author: string; model: never } }>(
      `/pools/${pool.id}/balancer`,
    );
    expect(body.balancer.revision).toBe(2);
    expect(body.balancer.author).toBe(`user:${operator.userId}`);
    const expected = structuredClone(MODEL);
    Object.assign(expected.backends[0]?.servers[1] ?? {}, { weight: 5, state: "drain" });
    const put = await admin<{ created: boolean }>(`/pools/${pool.id}/balancer`, {
      method: "PUT",
      body: expected,
    });
    // The API sees the form's revision as this very model: nothing to save.
    expect(put.status).toBe(200);
    expect(put.body.created).toBe(false);
    // The same form again changes nothing.
    const again = await postForm(
      operator,
      `/ui/pools/${pool.id}/balancer/form`,
      formOf({ "backends.0.servers.1.weight": "5", "backends.0.servers.1.state": "drain" }),
    );
    expect(flashIn(locationOf(again))).toBe("Nothing changed: revision 2 is already this model");
  });

  it("adds and removes rows without scripts, saving nothing until Save", async () => {
    const pool = await poolWithModel();
    const operator = await browserAs("operator");
    const added = await postForm(
      operator,
      `/ui/pools/${pool.id}/balancer/form`,
      formOf({ "backends.0.servers.0.weight": "7", _edit: "add backends.0.servers" }),
    );
    expect(added.status).toBe(200);
    let html = await added.text();
    expect(fieldValue(html, "backends.0.servers.0.weight")).toBe("7");
    expect(fieldValue(html, "backends.0.servers.2.name")).toBe("app3");
    expect(byTestId(html, "field-backends.0.servers.2.name")[0]).toHaveProperty("autofocus");
    expect(byTestId(html, "form-summary")).toHaveLength(0);
    // Removing the first server renumbers the rest: app2 is now servers.0.
    const removed = await postForm(
      operator,
      `/ui/pools/${pool.id}/balancer/form`,
      formOf({ _edit: "remove backends.0.servers.0" }),
    );
    html = await removed.text();
    expect(fieldValue(html, "backends.0.servers.0.name")).toBe("app2");
    expect(byTestId(html, "field-backends.0.servers.1.name")).toHaveLength(0);
    const route = await postForm(
      operator,
      `/ui/pools/${pool.id}/balancer/form`,
      formOf({ _edit: "add frontends.0.routes" }),
    );
    html = await route.text();
    expect(fieldValue(html, "frontends.0.routes.1.pathPrefix")).toBe("/");
    const revisions = await admin<{ revisions: unknown[] }>(`/pools/${pool.id}/balancer/revisions`);
    expect(revisions.body.revisions).toHaveLength(1);
  });

  it("shows nginx's notes beside the fields it renders differently, and its refusals as field errors", async () => {
    const pool = await poolWithModel({ profile: "nginx" });
    const operator = await browserAs("operator");
    const html = unescapeHtml(await htmlOf(operator, `/pools/${pool.id}/balancer`));
    const notes = byTestId(html, "mapping-note").map((note) => note["data-path"]);
    expect(notes).toContain("backends.0.healthCheck");
    expect(html).toContain("nginx open source has no active health checks");
    const refused = await postForm(
      operator,
      `/ui/pools/${pool.id}/balancer/form`,
      formOf({ "backends.0.strategy": "source", "backends.0.servers.1.backup": "true" }),
    );
    expect(refused.status).toBe(400);
    expect(textOf(await refused.text(), "error-backends.0.servers.1.backup")).toBe(
      "nginx refuses backup servers in an upstream that hashes (source, uri_hash or sticky sessions)",
    );
  });

  it("starts a pool without a model from a starter form, with TLS from the pool's certificates", async () => {
    const pool = await createPool();
    const uploaded = await admin<{ certificate: Certificate }>(`/pools/${pool.id}/certificates`, {
      body: {
        name: "shop",
        certificate: certs.RSA_LEAF + certs.INTERMEDIATE,
        privateKey: certs.RSA_KEY,
      },
    });
    expect(uploaded.status).toBe(201);
    const certificateId = uploaded.body.certificate.id;
    const operator = await browserAs("operator");
    const html = await htmlOf(operator, `/pools/${pool.id}/balancer`);
    expect(fieldValue(html, "frontends.0.binds.0.port")).toBe("80");
    expect(fieldValue(html, "backends.0.servers.0.name")).toBe("app1");
    expect(html).toContain(`<option value="${certificateId}">TLS: shop (`);
    const starter = {
      "frontends.0.name": "web",
      "frontends.0.binds.0.port": "443",
      "frontends.0.binds.0.tls.certificateId": "crt_0000000000000000",
      "frontends.0.defaultBackend": "app",
      "backends.0.name": "app",
      "backends.0.servers.0.name": "app1",
      "backends.0.servers.0.address": "10.0.0.1",
      "backends.0.servers.0.port": "8080",
    };
    // A certificate the pool does not have: refused by the pool's check, beside the select.
    const refused = await postForm(operator, `/ui/pools/${pool.id}/balancer/form`, starter);
    expect(refused.status).toBe(400);
    const page = await refused.text();
    expect(textOf(page, "error-frontends.0.binds.0.tls.certificateId")).toContain(
      "names no certificate of this pool (crt_0000000000000000)",
    );
    expect(page).toContain("crt_0000000000000000 (not a certificate of this pool)");
    const saved = await postForm(operator, `/ui/pools/${pool.id}/balancer/form`, {
      ...starter,
      "frontends.0.binds.0.tls.certificateId": certificateId,
    });
    expect(flashIn(locationOf(saved))).toBe("Saved revision 1: roll it out to apply it");
    const { body } = await admin<{ balancer: { model: { frontends: { binds: unknown[] }[] } } }>(
      `/pools/${pool.id}/balancer`,
    );
    expect(body.balancer.model.frontends[0]?.binds).toEqual([
      { port: 443, tls: { certificateId } },
    ]);
  });

  it("keeps a viewer out of the form and refuses their post", async () => {
    const pool = await poolWithModel();
    const viewer = await browserAs("viewer");
    const html = await htmlOf(viewer, `/pools/${pool.id}/balancer`);
    expect(byTestId(html, "balancer-form")).toHaveLength(0);
    const refused = await postForm(viewer, `/ui/pools/${pool.id}/balancer/form`, formOf());
    expect(refused.status).toBe(403);
    // An operator's post without the form's CSRF field is refused too, and saves nothing.
    const operator = await browserAs("operator");
    const forged = await fetchAs(operator, `/ui/pools/${pool.id}/balancer/form`, {
      method: "POST",
      body: new URLSearchParams(formOf({ "backends.0.servers.0.weight": "9" })),
    });
    expect(forged.status).toBe(403);
    const revisions = await admin<{ revisions: unknown[] }>(`/pools/${pool.id}/balancer/revisions`);
    expect(revisions.body.revisions).toHaveLength(1);
  });
});
