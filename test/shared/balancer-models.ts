import type { BalancerModelInput } from "../../shared/balancer";

/** The smallest model: one frontend on port 80 to one backend of two servers. */
export function minimalModel(): BalancerModelInput {
  return {
    frontends: [{ name: "web", binds: [{ port: 80 }], defaultBackend: "app" }],
    backends: [
      {
        name: "app",
        servers: [
          { name: "app1", address: "10.0.0.11", port: 8080 },
          { name: "app2", address: "10.0.0.12", port: 8080 },
        ],
      },
    ],
  };
}

/**
 * Every field used at least once: TLS, hostnames with a wildcard, host and path routes, the
 * redirect, each strategy, health checks, both kinds of stickiness, weights, limits, backup
 * servers and the three server states.
 */
export function fullModel(): BalancerModelInput {
  return {
    frontends: [
      {
        name: "web",
        binds: [{ port: 80 }, { port: 443, tls: { certificateId: "crt_0123456789abcdef" } }],
        hostnames: ["www.example.com", "api.example.com", "*.static.example.com"],
        routes: [
          { host: "api.example.com", pathPrefix: "/v1", backend: "api" },
          { host: "api.example.com", backend: "api-legacy" },
          { pathPrefix: "/assets/", backend: "assets" },
          { host: "*.static.example.com", backend: "assets" },
        ],
        defaultBackend: "app",
        redirectToHttps: true,
        timeouts: { clientMs: 60_000, httpRequestMs: 5_000 },
      },
      {
        name: "internal",
        binds: [{ address: "127.0.0.1", port: 8081 }],
        defaultBackend: "api",
        forwardedHeaders: false,
      },
    ],
    backends: [
      {
        name: "app",
        strategy: "round_robin",
        healthCheck: { path: "/healthz", intervalMs: 1_000, timeoutMs: 500, rise: 2, fall: 3 },
        sticky: { type: "cookie", name: "BATON_SRV" },
        servers: [
          { name: "app1", address: "10.0.0.11", port: 8080, weight: 2, maxConnections: 500 },
          { name: "app2", address: "10.0.0.12", port: 8080, state: "drain" },
          { name: "app3", address: "localhost", port: 8080 },
        ],
      },
      {
        name: "api",
        strategy: "least_conn",
        healthCheck: { path: "/status", expectStatus: { min: 200, max: 204 } },
        servers: [
          { name: "api1", address: "10.0.1.11", port: 9000 },
          { name: "api2", address: "fd00::12", port: 9000, state: "maint" },
          { name: "api3", address: "10.0.1.13", port: 9000, backup: true },
        ],
        timeouts: { connectMs: 2_000, serverMs: 120_000 },
      },
      {
        name: "api-legacy",
        strategy: "source",
        sticky: { type: "source" },
        servers: [{ name: "legacy1", address: "10.0.2.11", port: 9000 }],
      },
      {
        name: "assets",
        strategy: "uri_hash",
        servers: [
          { name: "cdn1", address: "10.0.3.11", port: 80 },
          { name: "cdn2", address: "10.0.3.12", port: 80 },
        ],
      },
    ],
  };
}
