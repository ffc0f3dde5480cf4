import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { BalancerModelInput, BalancerTarget } from "../../../../shared/balancer";
import { freePort } from "../../../agent/haproxy/haproxy-instance";
import { selfSignedPem } from "../certificates";
import { type Backend, startBackends } from "./backends";
import { type GetOptions, get } from "./client";
import { runBalancer } from "./run-balancer";

/**
 * Routing through the real daemons running the rendered files: host and path-prefix routes in
 * order, wildcard hostnames, 404 for hosts the frontend does not serve, TLS with the certificate
 * placed beside the file, X-Forwarded-Proto, and the redirect to https. HAProxy and nginx must
 * send every request to the same backend.
 */
let backends: Backend[];
let workDir: string;
let pem: string;
beforeAll(async () => {
  backends = await startBackends();
  workDir = mkdtempSync(join(tmpdir(), "baton-routing-"));
  pem = selfSignedPem(workDir);
});
afterAll(async () => {
  for (const backend of backends) await backend.kill();
  rmSync(workDir, { recursive: true, force: true });
});

function model(plain: number, secure: number, redirect: number): BalancerModelInput {
  const one = (name: string, backend: Backend | undefined) => ({
    name,
    servers: [{ name: backend?.name ?? "none", address: "127.0.0.1", port: backend?.port ?? 1 }],
  });
  return {
    frontends: [
      {
        name: "web",
        binds: [
          { address: "127.0.0.1", port: plain },
          { address: "127.0.0.1", port: secure, tls: { certificateId: "crt_0123456789abcdef" } },
        ],
        hostnames: ["www.example.com", "api.example.com", "*.static.example.com"],
        routes: [
          { host: "api.example.com", pathPrefix: "/v1", backend: "b2" },
          { host: "api.example.com", backend: "b3" },
          { pathPrefix: "/assets/", backend: "b3" },
          { host: "*.static.example.com", backend: "b2" },
        ],
        defaultBackend: "b1",
      },
      {
        name: "redirect",
        binds: [{ address: "127.0.0.1", port: redirect }],
        redirectToHttps: true,
        defaultBackend: "b1",
      },
    ],
    backends: [one("b1", backends[0]), one("b2", backends[1]), one("b3", backends[2])],
  };
}

const ROUTES: [string, GetOptions, number, string | null][] = [
  ["the default backend", { host: "www.example.com", path: "/" }, 200, "app1"],
  ["host + path prefix", { host: "api.example.com", path: "/v1/users" }, 200, "app2"],
  ["path prefix as a plain prefix", { host: "api.example.com", path: "/v1x" }, 200, "app2"],
  ["host only, after host + path", { host: "api.example.com", path: "/v2" }, 200, "app3"],
  ["path only, any host", { host: "www.example.com", path: "/assets/a.png" }, 200, "app3"],
  ["a wildcard host", { host: "img.static.example.com", path: "/" }, 200, "app2"],
  ["a wildcard host, two levels down", { host: "a.b.static.example.com" }, 200, "app2"],
  ["host case and port ignored", { host: "API.Example.com:8080", path: "/v1" }, 200, "app2"],
  ["earlier routes first", { host: "api.example.com", path: "/assets/x" }, 200, "app3"],
  ["the wildcard's parent is not served", { host: "static.example.com" }, 404, null],
  ["another host is not served", { host: "evil.example.net" }, 404, null],
];

describe.each(["haproxy", "nginx"] as const)("%s", { timeout: 30_000 }, (target) => {
  let ports: { plain: number; secure: number; redirect: number };
  let stop: () => Promise<void>;
  beforeAll(async () => {
    ports = { plain: await freePort(), secure: await freePort(), redirect: await freePort() };
    const running = await runBalancer(
      target as BalancerTarget,
      model(ports.plain, ports.secure, ports.redirect),
      ports.plain,
      pem,
    );
    stop = running.stop;
  });
  afterAll(() => stop?.());

  it.each(ROUTES)("%s", async (_, options, status, server) => {
    const answer = await get(ports.plain, options);
    expect(answer.status).toBe(status);
    expect(answer.server).toBe(server);
  });

  it("serves TLS with the certificate beside the file and says so in X-Forwarded-Proto", async () => {
    const answer = await get(ports.secure, { tls: true, host: "api.example.com", path: "/v1" });
    expect(answer.server).toBe("app2");
    expect(backends[1]?.lastHeaders["x-forwarded-proto"]).toBe("https");
  });

  it("redirects plain HTTP to https with a 301", async () => {
    const answer = await get(ports.redirect, { host: "www.example.com", path: "/a/b?c=1" });
    expect(answer.status).toBe(301);
    expect(answer.location).toBe("https://www.example.com/a/b?c=1");
  });
});
