import { describe, expect, it } from "vitest";
import { BalancerModel, balancerHeader, balancerHeaderRevision } from "../../shared/balancer";
import { hostCovered } from "../../shared/balancer-checks";
import { fullModel, minimalModel } from "./balancer-models";

// biome-ignore lint/suspicious/noExplicitAny: the edits build invalid models on purpose
type Loose = any;
type Edit = (model: Loose) => void;

/** Each bad model names the field to fix and says what is wrong with it. */
const BAD: [string, Edit, string, RegExp][] = [
  [
    "duplicate frontend names",
    (m) => m.frontends.push({ ...m.frontends[0], binds: [{ port: 81 }] }),
    "frontends.1.name",
    /already the name of frontends\.0/,
  ],
  [
    "duplicate backend names",
    (m) => m.backends.push({ ...m.backends[0] }),
    "backends.1.name",
    /already the name of backends\.0/,
  ],
  [
    "duplicate server names in a backend",
    (m) => {
      m.backends[0].servers[1].name = "app1";
    },
    "backends.0.servers.1.name",
    /already the name of servers\.0/,
  ],
  [
    "a route to an unknown backend",
    (m) => {
      m.frontends[0].routes = [{ pathPrefix: "/api", backend: "nope" }];
    },
    "frontends.0.routes.0.backend",
    /names no backend.*backends are: app/,
  ],
  [
    "a default backend that does not exist",
    (m) => {
      m.frontends[0].defaultBackend = "gone";
    },
    "frontends.0.defaultBackend",
    /names no backend/,
  ],
  [
    "port 0",
    (m) => {
      m.frontends[0].binds[0].port = 0;
    },
    "frontends.0.binds.0.port",
    /between 1 and 65535/,
  ],
  [
    "port 65536",
    (m) => {
      m.frontends[0].binds[0].port = 65536;
    },
    "frontends.0.binds.0.port",
    /between 1 and 65535/,
  ],
  [
    "a server port outside 1–65535",
    (m) => {
      m.backends[0].servers[0].port = 70000;
    },
    "backends.0.servers.0.port",
    /between 1 and 65535/,
  ],
  [
    "two frontends on one port",
    (m) => m.frontends.push({ name: "other", binds: [{ port: 80 }], defaultBackend: "app" }),
    "frontends.1.binds.0.port",
    /already bound by frontend web/,
  ],
  [
    "two frontends on one port with different addresses",
    (m) =>
      m.frontends.push({
        name: "local",
        binds: [{ address: "127.0.0.1", port: 80 }],
        defaultBackend: "app",
      }),
    "frontends.1.binds.0.port",
    /already bound/,
  ],
  [
    "a health path without a leading /",
    (m) => {
      m.backends[0].healthCheck = { path: "healthz" };
    },
    "backends.0.healthCheck.path",
    /must start with "\/"/,
  ],
  [
    "a health path with a space",
    (m) => {
      m.backends[0].healthCheck = { path: "/health z" };
    },
    "backends.0.healthCheck.path",
    /may hold only/,
  ],
  [
    "a path prefix with a ;",
    (m) => {
      m.frontends[0].routes = [{ pathPrefix: "/a;b", backend: "app" }];
    },
    "frontends.0.routes.0.pathPrefix",
    /may hold only/,
  ],
  [
    "a route with neither host nor path",
    (m) => {
      m.frontends[0].routes = [{ backend: "app" }];
    },
    "frontends.0.routes.0",
    /host, a pathPrefix or both/,
  ],
  [
    "a route host outside the frontend's hostnames",
    (m) => {
      m.frontends[0].hostnames = ["www.example.com"];
      m.frontends[0].routes = [{ host: "api.example.com", backend: "app" }];
    },
    "frontends.0.routes.0.host",
    /not among this frontend's hostnames/,
  ],
  [
    "a malformed certificate id",
    (m) => {
      m.frontends[0].binds[0].tls = { certificateId: "cert-1" };
    },
    "frontends.0.binds.0.tls.certificateId",
    /certificate id/,
  ],
  [
    "an unknown strategy",
    (m) => {
      m.backends[0].strategy = "random";
    },
    "backends.0.strategy",
    /round_robin/,
  ],
  [
    "an unknown server state",
    (m) => {
      m.backends[0].servers[0].state = "down";
    },
    "backends.0.servers.0.state",
    /ready/,
  ],
  [
    "a cookie name nginx cannot read",
    (m) => {
      m.backends[0].sticky = { type: "cookie", name: "my-cookie" };
    },
    "backends.0.sticky.name",
    /letters, digits and _/,
  ],
  [
    "a status range upside down",
    (m) => {
      m.backends[0].healthCheck = { expectStatus: { min: 300, max: 200 } };
    },
    "backends.0.healthCheck.expectStatus.max",
    /at least min/,
  ],
  [
    "a name HAProxy and nginx cannot both hold",
    (m) => {
      m.backends[0].name = "App Servers";
    },
    "backends.0.name",
    /lowercase letter/,
  ],
  [
    "a server weight of 0 (drain is the state for that)",
    (m) => {
      m.backends[0].servers[0].weight = 0;
    },
    "backends.0.servers.0.weight",
    /at least 1/,
  ],
  [
    "an unknown field",
    (m) => {
      m.backends[0].servers[0].check = true;
    },
    "backends.0.servers.0",
    /check/,
  ],
];

describe("BalancerModel", () => {
  it("accepts the minimal and the full model, filling in the defaults", () => {
    const minimal = BalancerModel.parse(minimalModel());
    expect(minimal.frontends[0]).toMatchObject({
      hostnames: [],
      routes: [],
      forwardedHeaders: true,
      redirectToHttps: false,
      timeouts: { clientMs: 30_000, httpRequestMs: 10_000 },
    });
    expect(minimal.backends[0]).toMatchObject({
      strategy: "round_robin",
      timeouts: { connectMs: 5_000, serverMs: 30_000 },
    });
    expect(minimal.backends[0]?.servers[0]).toMatchObject({
      weight: 1,
      backup: false,
      state: "ready",
    });
    const full = BalancerModel.parse(fullModel());
    expect(full.backends[0]?.healthCheck).toEqual({
      path: "/healthz",
      intervalMs: 1_000,
      timeoutMs: 500,
      rise: 2,
      fall: 3,
      expectStatus: { min: 200, max: 399 },
    });
  });

  it("lowercases host names", () => {
    const model = minimalModel();
    model.frontends = model.frontends.map((frontend) => ({
      ...frontend,
      hostnames: ["WWW.Example.com"],
    }));
    expect(BalancerModel.parse(model).frontends[0]?.hostnames).toEqual(["www.example.com"]);
  });

  it("reports a broken cross-field rule together with a field's own error, not after it is fixed", () => {
    const model: Loose = minimalModel();
    model.backends[0].servers[0].port = "80a"; // a field's own error (the wrong type, as a form sends it)
    model.backends[0].servers[1].weight = 0; // another, of range
    model.frontends[0].defaultBackend = "gone"; // a rule across fields
    model.frontends.push({ name: "web", binds: [{ port: 80 }], defaultBackend: "app" });
    const result = BalancerModel.safeParse(model);
    const paths = (result.error?.issues ?? []).map((issue) => issue.path.join("."));
    expect(paths).toEqual(
      expect.arrayContaining([
        "backends.0.servers.0.port",
        "backends.0.servers.1.weight",
        "frontends.0.defaultBackend",
        "frontends.1.name",
        "frontends.1.binds.0.port",
      ]),
    );
  });

  it("leaves the cross-field rules out while the fields they read are malformed", () => {
    const model: Loose = minimalModel();
    model.frontends[0].binds = "80"; // not a list: ports cannot be compared
    model.frontends[0].defaultBackend = "gone";
    const result = BalancerModel.safeParse(model);
    const paths = (result.error?.issues ?? []).map((issue) => issue.path.join("."));
    expect(paths).toEqual(["frontends.0.binds"]);
  });

  it.each(BAD)("refuses %s at its path", (_, edit, path, message) => {
    const model: Loose = minimalModel();
    edit(model);
    const result = BalancerModel.safeParse(model);
    expect(result.success).toBe(false);
    const issues = (result.error?.issues ?? []).map((issue) => ({
      path: issue.path.join("."),
      message: issue.message,
    }));
    expect(issues).toContainEqual({ path, message: expect.stringMatching(message) });
  });
});

describe("hostCovered", () => {
  it.each([
    ["a.example.com", ["a.example.com"], true],
    ["a.example.com", ["*.example.com"], true],
    ["x.a.example.com", ["*.example.com"], true],
    ["example.com", ["*.example.com"], false],
    ["badexample.com", ["*.example.com"], false],
    ["b.example.com", ["a.example.com"], false],
  ])("%s in %j → %s", (host, patterns, covered) => {
    expect(hostCovered(host, patterns)).toBe(covered);
  });
});

describe("balancerHeader", () => {
  it("names the revision the agent reads back", () => {
    const header = balancerHeader(12, "edge", "pool_x");
    expect(header.startsWith("# ")).toBe(true);
    expect(balancerHeaderRevision(`${header}\nglobal\n`)).toBe(12);
    expect(balancerHeaderRevision("global\n")).toBeNull();
  });

  it("is not fooled by a pool name that holds a revision", () => {
    const header = balancerHeader(3, "edge, revision 5. Managed by Baton", "pool_x");
    expect(balancerHeaderRevision(`${header}\n`)).toBe(3);
  });
});
