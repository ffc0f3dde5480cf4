import type { BalancerModel } from "../../../../shared/balancer";

/**
 * The balancer model as the Balancer tab's form holds it: the model's own shape, every leaf as
 * the text of its field (or a checkbox's state), so that whatever an operator typed survives a
 * refusal untouched. A field's form name is its path here (`backends.0.servers.1.weight`),
 * which is also the path of the schema issue about it.
 */
export interface BindDraft {
  address: string;
  port: string;
  /** Empty: no TLS on this port. */
  tls: { certificateId: string };
}

export interface RouteDraft {
  host: string;
  pathPrefix: string;
  backend: string;
}

export interface FrontendDraft {
  name: string;
  binds: BindDraft[];
  /** One host name per line. */
  hostnames: string;
  routes: RouteDraft[];
  defaultBackend: string;
  forwardedHeaders: boolean;
  redirectToHttps: boolean;
  timeouts: { clientMs: string; httpRequestMs: string };
}

export interface HealthCheckDraft {
  enabled: boolean;
  path: string;
  intervalMs: string;
  timeoutMs: string;
  rise: string;
  fall: string;
  expectStatus: { min: string; max: string };
}

export interface ServerDraft {
  name: string;
  address: string;
  port: string;
  weight: string;
  maxConnections: string;
  backup: boolean;
  state: string;
}

export interface BackendDraft {
  name: string;
  strategy: string;
  healthCheck: HealthCheckDraft;
  /** `none`, `cookie` (with `name`) or `source`. */
  sticky: { type: string; name: string };
  servers: ServerDraft[];
  timeouts: { connectMs: string; serverMs: string };
}

export interface BalancerDraft {
  frontends: FrontendDraft[];
  backends: BackendDraft[];
}

const text = (value: number | string | undefined) => (value === undefined ? "" : String(value));

/** The fields of a stored (parsed, defaults filled) model. */
export function draftOfModel(model: BalancerModel): BalancerDraft {
  return {
    frontends: model.frontends.map((frontend) => ({
      name: frontend.name,
      binds: frontend.binds.map((bind) => ({
        address: text(bind.address),
        port: text(bind.port),
        tls: { certificateId: text(bind.tls?.certificateId) },
      })),
      hostnames: frontend.hostnames.join("\n"),
      routes: frontend.routes.map((route) => ({
        host: text(route.host),
        pathPrefix: text(route.pathPrefix),
        backend: route.backend,
      })),
      defaultBackend: frontend.defaultBackend,
      forwardedHeaders: frontend.forwardedHeaders,
      redirectToHttps: frontend.redirectToHttps,
      timeouts: {
        clientMs: text(frontend.timeouts.clientMs),
        httpRequestMs: text(frontend.timeouts.httpRequestMs),
      },
    })),
    backends: model.backends.map((backend) => {
      const check = backend.healthCheck;
      return {
        name: backend.name,
        strategy: backend.strategy,
        healthCheck: check
          ? {
              enabled: true,
              path: check.path,
              intervalMs: text(check.intervalMs),
              timeoutMs: text(check.timeoutMs),
              rise: text(check.rise),
              fall: text(check.fall),
              expectStatus: {
                min: text(check.expectStatus.min),
                max: text(check.expectStatus.max),
              },
            }
          : blankHealthCheck(),
        sticky: {
          type: backend.sticky?.type ?? "none",
          name: backend.sticky?.type === "cookie" ? backend.sticky.name : "",
        },
        servers: backend.servers.map((server) => ({
          name: server.name,
          address: server.address,
          port: text(server.port),
          weight: text(server.weight),
          maxConnections: text(server.maxConnections),
          backup: server.backup,
          state: server.state,
        })),
        timeouts: {
          connectMs: text(backend.timeouts.connectMs),
          serverMs: text(backend.timeouts.serverMs),
        },
      };
    }),
  };
}

/** A health check that is off, with the schema's defaults ready for when it is switched on. */
export function blankHealthCheck(): HealthCheckDraft {
  return {
    enabled: false,
    path: "/",
    intervalMs: "2000",
    timeoutMs: "1000",
    rise: "2",
    fall: "3",
    expectStatus: { min: "200", max: "399" },
  };
}
