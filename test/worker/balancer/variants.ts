import type { BalancerModelInput } from "../../../shared/balancer";
import { fullModel, minimalModel } from "../../shared/balancer-models";

/** Certificates the variants use; the daemon tests write a self-signed one for each. */
export const CERTIFICATE_IDS = ["crt_0123456789abcdef", "crt_fedcba9876543210"];

function withBackend(patch: Partial<BalancerModelInput["backends"][number]>): BalancerModelInput {
  const model = minimalModel();
  model.backends = model.backends.map((backend) => ({ ...backend, ...patch }));
  return model;
}

/**
 * Models that together use every field and every value of each enum, rendered for both targets
 * in the golden tests and fed to the real `haproxy -c` and `nginx -t`.
 */
export const VARIANTS: Record<string, BalancerModelInput> = {
  minimal: minimalModel(),
  full: fullModel(),
  "least-conn-health": withBackend({
    strategy: "least_conn",
    healthCheck: { path: "/health?probe=baton", intervalMs: 1500, rise: 1, fall: 2 },
  }),
  source: withBackend({ strategy: "source" }),
  "uri-hash": withBackend({ strategy: "uri_hash" }),
  "sticky-cookie": withBackend({ sticky: { type: "cookie", name: "SRV" } }),
  "sticky-source": withBackend({ sticky: { type: "source" } }),
  "tls-redirect": {
    frontends: [
      { name: "plain", binds: [{ port: 80 }], defaultBackend: "app", redirectToHttps: true },
      {
        name: "secure",
        binds: [{ port: 443, tls: { certificateId: "crt_0123456789abcdef" } }],
        hostnames: ["*.example.com"],
        routes: [{ pathPrefix: "/api", backend: "api" }],
        defaultBackend: "app",
      },
    ],
    backends: [
      ...minimalModel().backends,
      { name: "api", servers: [{ name: "api1", address: "127.0.0.1", port: 9000 }] },
    ],
  },
  /** What nginx refuses: each part is left out of its file, which must still be valid. */
  "nginx-refusals": {
    frontends: [
      {
        name: "web",
        binds: [
          { port: 443, tls: { certificateId: "crt_0123456789abcdef" } },
          { port: 8443, tls: { certificateId: "crt_fedcba9876543210" } },
        ],
        defaultBackend: "app",
      },
    ],
    backends: [
      {
        name: "app",
        strategy: "least_conn",
        sticky: { type: "cookie", name: "SRV" },
        servers: [
          { name: "app1", address: "10.0.0.11", port: 8080 },
          { name: "app2", address: "10.0.0.12", port: 8080, backup: true },
        ],
      },
    ],
  },
};
