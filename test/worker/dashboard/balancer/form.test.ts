// The Balancer form's pure parts: posted fields → draft → the PUT body the shared schema parses,
// the schema's issues → errors by form field, and adding/removing rows.
import { describe, expect, it } from "vitest";
import { BalancerModel } from "../../../../shared/balancer";
import { draftOfModel } from "../../../../worker/dashboard/balancer/form/draft";
import { fieldOfPath, schemaErrors } from "../../../../worker/dashboard/balancer/form/errors";
import { modelInputOf } from "../../../../worker/dashboard/balancer/form/model-input";
import { draftOfForm } from "../../../../worker/dashboard/balancer/form/read";
import { applyEdit, starterDraft } from "../../../../worker/dashboard/balancer/form/rows";
import { valuesOf } from "../../../../worker/dashboard/balancer/form/values";

const MODEL = BalancerModel.parse({
  frontends: [
    {
      name: "web",
      binds: [{ port: 443, tls: { certificateId: "crt_0123456789abcdef" } }, { port: 80 }],
      hostnames: ["shop.example.com", "*.shop.example.com"],
      routes: [{ host: "api.shop.example.com", pathPrefix: "/v1", backend: "api" }],
      defaultBackend: "app",
      redirectToHttps: true,
    },
  ],
  backends: [
    {
      name: "app",
      strategy: "least_conn",
      healthCheck: { path: "/healthz", rise: 3, expectStatus: { min: 200, max: 299 } },
      sticky: { type: "cookie", name: "SRV" },
      servers: [
        { name: "app1", address: "10.0.0.1", port: 8080, weight: 3, maxConnections: 100 },
        { name: "app2", address: "10.0.0.2", port: 8080, backup: true, state: "drain" },
      ],
    },
    {
      name: "api",
      strategy: "source",
      servers: [{ name: "api1", address: "api.internal", port: 9000 }],
    },
  ],
});

/** The draft as a browser posts it. */
const posted = (values: Record<string, string>) => ({ ...values, _csrf: "x" });

/** What the form's draft parses to (throws with the issues when it does not). */
const parsedOf = (fields: Record<string, string>) =>
  BalancerModel.parse(modelInputOf(draftOfForm(fields)));

describe("the Balancer form, read back", () => {
  it("gives back the model it was drawn from, field by field", () => {
    expect(parsedOf(posted(valuesOf(draftOfModel(MODEL))))).toEqual(MODEL);
  });

  it("leaves empty optional fields out, so their defaults apply", () => {
    const values = valuesOf(draftOfModel(MODEL));
    values["backends.0.servers.0.maxConnections"] = "";
    values["backends.0.servers.0.weight"] = "";
    delete values["frontends.0.redirectToHttps"]; // an unchecked box is not posted
    values["frontends.0.binds.0.tls.certificateId"] = "";
    const model = parsedOf(values);
    expect(model.backends[0]?.servers[0]).toMatchObject({ weight: 1 });
    expect(model.backends[0]?.servers[0]?.maxConnections).toBeUndefined();
    expect(model.frontends[0]?.redirectToHttps).toBe(false);
    expect(model.frontends[0]?.binds[0]?.tls).toBeUndefined();
  });

  it("closes gaps a removed row leaves, keeping the page's order", () => {
    const values = valuesOf(draftOfModel(MODEL));
    for (const key of Object.keys(values)) {
      if (key.startsWith("backends.0.servers.0.")) delete values[key];
    }
    const draft = draftOfForm(values);
    expect(draft.backends[0]?.servers.map((server) => server.name)).toEqual(["app2"]);
  });

  it("switches the health check and stickiness off", () => {
    const values = valuesOf(draftOfModel(MODEL));
    delete values["backends.0.healthCheck.enabled"];
    values["backends.0.sticky.type"] = "none";
    const model = parsedOf(values);
    expect(model.backends[0]?.healthCheck).toBeUndefined();
    expect(model.backends[0]?.sticky).toBeUndefined();
  });
});

describe("errors by form field", () => {
  const errorsOf = (change: (values: Record<string, string>) => void) => {
    const values = valuesOf(draftOfModel(MODEL));
    change(values);
    const draft = draftOfForm(values);
    const parsed = BalancerModel.safeParse(modelInputOf(draft));
    expect(parsed.success).toBe(false);
    return parsed.success ? {} : schemaErrors(parsed.error.issues, draft, valuesOf(draft));
  };

  it("puts each issue beside the field it is about", () => {
    expect(
      errorsOf((values) => {
        values["frontends.0.binds.1.port"] = "";
        values["backends.0.servers.1.weight"] = "heavy";
        values["frontends.0.hostnames"] = "shop.example.com\nnot a host";
        values["backends.0.sticky.name"] = "";
        values["frontends.0.routes.0.host"] = "";
        values["frontends.0.routes.0.pathPrefix"] = "";
      }),
    ).toEqual({
      "frontends.0.binds.1.port": "required",
      "backends.0.servers.1.weight": "must be a whole number",
      "frontends.0.hostnames":
        "not a host: must be a host name such as www.example.com, or *.example.com for every name below it",
      "backends.0.sticky.name": "required",
      "frontends.0.routes.0.host": "needs a host, a pathPrefix or both",
    });
  });

  it("says a cross-field rule beside the field to change", () => {
    expect(
      errorsOf((values) => (values["backends.0.healthCheck.expectStatus.min"] = "300")),
    ).toEqual({
      "backends.0.healthCheck.expectStatus.max": "must be at least min (300)",
    });
  });

  it("says a cross-field rule in the same answer as a field's own error", () => {
    expect(
      errorsOf((values) => {
        values["backends.0.servers.1.weight"] = "heavy";
        values["backends.1.name"] = "api2";
      }),
    ).toEqual({
      "backends.0.servers.1.weight": "must be a whole number",
      "frontends.0.routes.0.backend":
        "names no backend of this model (api); backends are: app, api2",
    });
  });

  it("names the backend a route points at when it is gone", () => {
    expect(errorsOf((values) => (values["backends.1.name"] = "api2"))).toEqual({
      "frontends.0.routes.0.backend":
        "names no backend of this model (api); backends are: app, api2",
    });
  });

  it.each([
    [["backends", 0, "sticky"], "backends.0.sticky.type"],
    [["frontends", 0, "binds", 1, "tls"], "frontends.0.binds.1.tls.certificateId"],
    [["backends", 0, "healthCheck", "expectStatus"], "backends.0.healthCheck.expectStatus.min"],
    [["frontends", 0, "hostnames", 3], "frontends.0.hostnames"],
    [["frontends", 0, "routes", 2], "frontends.0.routes.2.host"],
    [["backends", 1, "servers"], "backends.1.servers"],
    [[], "form"],
  ])("shows an issue at %j beside %s", (path, field) => {
    expect(fieldOfPath(path)).toBe(field);
  });
});

describe("adding and removing rows", () => {
  const draft = draftOfModel(MODEL);
  it("adds a server named after its backend, focused", () => {
    const { draft: next, focus } = applyEdit(draft, "add backends.0.servers");
    expect(next.backends[0]?.servers.map((server) => server.name)).toEqual([
      "app1",
      "app2",
      "app3",
    ]);
    expect(focus).toBe("backends.0.servers.2.name");
    expect(draft.backends[0]?.servers).toHaveLength(2); // the draft itself is left alone
  });

  it("adds a route to the frontend's default backend, and a frontend", () => {
    const routed = applyEdit(draft, "add frontends.0.routes").draft;
    expect(routed.frontends[0]?.routes[1]).toEqual({ host: "", pathPrefix: "/", backend: "app" });
    const added = applyEdit(draft, "add frontends").draft;
    expect(added.frontends[1]).toMatchObject({ name: "frontend2", defaultBackend: "app" });
  });

  it("removes an entry and focuses its list's Add button", () => {
    const { draft: next, focus } = applyEdit(draft, "remove backends.1");
    expect(next.backends.map((backend) => backend.name)).toEqual(["app"]);
    expect(focus).toBe("add backends");
  });

  it("ignores an edit naming no list", () => {
    expect(applyEdit(draft, "add backends.7.servers").draft).toEqual(draft);
    expect(applyEdit(draft, "explode").draft).toEqual(draft);
  });

  it("starts a pool without a model from a frontend on port 80 to one backend", () => {
    const start = starterDraft();
    expect(start.frontends[0]).toMatchObject({ name: "web", defaultBackend: "app" });
    expect(start.frontends[0]?.binds[0]?.port).toBe("80");
    expect(start.backends[0]?.servers.map((server) => server.name)).toEqual(["app1"]);
  });
});
