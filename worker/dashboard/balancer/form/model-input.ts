import type { BalancerModelInput } from "../../../../shared/balancer";
import { numberOrText } from "../../common/form-fields";
import type { BackendDraft, BalancerDraft, FrontendDraft } from "./draft";

/**
 * The draft as the body of `PUT …/balancer`, not yet validated: whole numbers as numbers, other
 * text as typed (the schema says what is wrong with it), an empty optional field left out (its
 * default applies). Typed loosely on purpose: the schema, not this function, judges it.
 */
type Loose<T> = { [K in keyof T]: unknown };

const optional = (text: string) => (text === "" ? undefined : text);
const whole = (text: string) => numberOrText(text);

/** The host names of a textarea, one per line, blank lines ignored. */
export const hostnameLines = (text: string) =>
  text
    .split("\n")
    .map((line) => line.trim())
    .filter((line) => line !== "");

function frontendInput(frontend: FrontendDraft): Loose<BalancerModelInput["frontends"][number]> {
  return {
    name: frontend.name,
    binds: frontend.binds.map((bind) => ({
      address: optional(bind.address),
      port: whole(bind.port),
      tls: bind.tls.certificateId === "" ? undefined : { certificateId: bind.tls.certificateId },
    })),
    hostnames: hostnameLines(frontend.hostnames),
    routes: frontend.routes.map((route) => ({
      host: optional(route.host),
      pathPrefix: optional(route.pathPrefix),
      backend: route.backend,
    })),
    defaultBackend: frontend.defaultBackend,
    forwardedHeaders: frontend.forwardedHeaders,
    redirectToHttps: frontend.redirectToHttps,
    timeouts: {
      clientMs: whole(frontend.timeouts.clientMs),
      httpRequestMs: whole(frontend.timeouts.httpRequestMs),
    },
  };
}

function backendInput(backend: BackendDraft): Loose<BalancerModelInput["backends"][number]> {
  const check = backend.healthCheck;
  const sticky = backend.sticky;
  return {
    name: backend.name,
    strategy: optional(backend.strategy),
    healthCheck: check.enabled
      ? {
          path: optional(check.path),
          intervalMs: whole(check.intervalMs),
          timeoutMs: whole(check.timeoutMs),
          rise: whole(check.rise),
          fall: whole(check.fall),
          expectStatus: { min: whole(check.expectStatus.min), max: whole(check.expectStatus.max) },
        }
      : undefined,
    sticky:
      sticky.type === "none"
        ? undefined
        : sticky.type === "cookie"
          ? { type: "cookie", name: sticky.name }
          : { type: sticky.type },
    servers: backend.servers.map((server) => ({
      name: server.name,
      address: server.address,
      port: whole(server.port),
      weight: whole(server.weight),
      maxConnections: whole(server.maxConnections),
      backup: server.backup,
      state: optional(server.state),
    })),
    timeouts: {
      connectMs: whole(backend.timeouts.connectMs),
      serverMs: whole(backend.timeouts.serverMs),
    },
  };
}

/** What the schema is asked to parse for this draft. */
export function modelInputOf(draft: BalancerDraft): unknown {
  return {
    frontends: draft.frontends.map(frontendInput),
    backends: draft.backends.map(backendInput),
  };
}
