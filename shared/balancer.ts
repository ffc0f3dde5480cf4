import { z } from "zod";
import { balancerModelProblems, crossCheckable } from "./balancer-checks";

/**
 * The managed balancer of a pool (issue #16): one model, rendered for HAProxy or nginx by the
 * control plane. Names end up as HAProxy section and server names and nginx upstream names, so
 * they are plain identifiers; durations are whole milliseconds (`…Ms`); every default is what a
 * renderer writes when the field is left out.
 */

const KiB = 1024;
/** `PUT …/balancer`: the model as JSON. */
export const BALANCER_REQUEST_MAX_BYTES = 256 * KiB;
/**
 * A rendered file: the agent receives it inside a job (JOB_PAYLOAD_MAX_BYTES, 512 KiB), where
 * JSON escaping may grow it; 200 KiB leaves room for that and the certificates' list.
 */
export const BALANCER_TEXT_MAX_BYTES = 200 * KiB;

/** What a revision is rendered for. */
export const BalancerTarget = z.enum(["haproxy", "nginx"]);
export type BalancerTarget = z.infer<typeof BalancerTarget>;
export const BALANCER_TARGETS = BalancerTarget.options;

const name = z
  .string()
  .regex(
    /^[a-z][a-z0-9_-]{0,31}$/,
    "must start with a lowercase letter and hold only a-z, 0-9, _ and - (at most 32 characters)",
  );

const port = z
  .number()
  .int("must be a whole number")
  .min(1, "must be a port between 1 and 65535")
  .max(65535, "must be a port between 1 and 65535");

const durationMs = (min: number, max: number) =>
  z
    .number()
    .int("must be a whole number of milliseconds")
    .min(min, `must be at least ${min} ms`)
    .max(max, `must be at most ${max} ms`);

const count = (min: number, max: number) =>
  z
    .number()
    .int("must be a whole number")
    .min(min, `must be at least ${min}`)
    .max(max, `must be at most ${max}`);

/**
 * The form of a certificate id (`crt_` + lowercase letters and digits); certs mints them and
 * shared/certificates.ts owns the exported schema.
 */
const certificateId = z
  .string()
  .regex(/^crt_[a-z0-9]{8,32}$/, "must be a certificate id such as crt_0123456789abcdef");

const LABEL = "[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?";
/** A DNS name, or `*.` + a DNS name for every name below it (as nginx's server_name reads it). */
const hostPattern = z
  .string()
  .trim()
  .max(253, "must be at most 253 characters")
  .transform((value) => value.toLowerCase())
  .pipe(
    z
      .string()
      .regex(
        new RegExp(`^(?:\\*\\.)?(?:${LABEL}\\.)*${LABEL}$`),
        "must be a host name such as www.example.com, or *.example.com for every name below it",
      ),
  );

/**
 * A URL path both renderers can hold without quoting: HAProxy ends a word at a space and starts
 * a comment at `#`; nginx ends a directive at `;` and reads `$` as a variable.
 */
const URL_PATH = /^\/[A-Za-z0-9\-._~%:@!*+,=&/]*$/;
/** A health check may also send a query string. */
const URL_PATH_AND_QUERY = /^\/[A-Za-z0-9\-._~%:@!*+,=&/?]*$/;
const urlPath = (what: string, query = false) =>
  z
    .string()
    .max(256, "must be at most 256 characters")
    .refine((value) => value.startsWith("/"), `must start with "/" (${what})`)
    .refine(
      (value) => !value.startsWith("/") || (query ? URL_PATH_AND_QUERY : URL_PATH).test(value),
      `may hold only letters, digits and - . _ ~ % : @ ! * + , = & /${query ? " ?" : ""}`,
    );

const serverAddress = z.union(
  [
    z.ipv4(),
    z.ipv6(),
    z
      .string()
      .max(253)
      .regex(new RegExp(`^(?:${LABEL}\\.)*${LABEL}$`, "i")),
  ],
  "must be an IPv4 address, an IPv6 address or a host name",
);

export const BalancerBind = z.strictObject({
  /** The local address to listen on, the same on every member; all IPv4 addresses when absent. */
  address: z.ipv4("must be an IPv4 address such as 0.0.0.0 or 127.0.0.1").optional(),
  port,
  /** TLS on this port with a certificate of the pool (the agent writes it beside the config). */
  tls: z.strictObject({ certificateId }).optional(),
});
export type BalancerBind = z.infer<typeof BalancerBind>;

export const BalancerRoute = z
  .strictObject({
    /** The request's host, without port; `*.example.com` for every name below it. */
    host: hostPattern.optional(),
    /** A plain prefix of the path, as HAProxy's `path_beg` (`/api` also matches `/apis`). */
    pathPrefix: urlPath("a path prefix such as /api").optional(),
    backend: name,
  })
  .refine(
    (route) => route.host !== undefined || route.pathPrefix !== undefined,
    "needs a host, a pathPrefix or both",
  );
export type BalancerRoute = z.infer<typeof BalancerRoute>;

export const FrontendTimeouts = z.strictObject({
  /** How long a client may stay idle (HAProxy `timeout client`). */
  clientMs: durationMs(100, 3_600_000).default(30_000),
  /** How long a client may take to send the request's headers. */
  httpRequestMs: durationMs(100, 300_000).default(10_000),
});

export const BalancerFrontend = z.strictObject({
  name,
  binds: z.array(BalancerBind).min(1, "needs at least one bind").max(16),
  /** The host names it answers; others get 404. Empty: every host. */
  hostnames: z.array(hostPattern).max(64).default([]),
  /** Checked in order; the first that matches picks the backend. */
  routes: z.array(BalancerRoute).max(256).default([]),
  defaultBackend: name,
  /** X-Forwarded-For (appended), X-Forwarded-Proto and X-Forwarded-Host to the backends. */
  forwardedHeaders: z.boolean().default(true),
  /** Plain-HTTP requests are answered 301 to the same URL on https. */
  redirectToHttps: z.boolean().default(false),
  timeouts: FrontendTimeouts.prefault({}),
});
export type BalancerFrontend = z.infer<typeof BalancerFrontend>;

export const BalancerStrategy = z.enum(["round_robin", "least_conn", "source", "uri_hash"]);
export type BalancerStrategy = z.infer<typeof BalancerStrategy>;

export const BalancerHealthCheck = z.strictObject({
  path: urlPath("a path such as /healthz", true).default("/"),
  intervalMs: durationMs(100, 3_600_000).default(2_000),
  timeoutMs: durationMs(100, 600_000).default(1_000),
  /** Consecutive passes that bring a server back. */
  rise: count(1, 100).default(2),
  /** Consecutive failures that take a server out. */
  fall: count(1, 100).default(3),
  /** The HTTP status range that counts as a pass. */
  expectStatus: z
    .strictObject({ min: count(100, 599), max: count(100, 599) })
    .prefault({ min: 200, max: 399 }),
});
export type BalancerHealthCheck = z.infer<typeof BalancerHealthCheck>;

export const BalancerSticky = z.discriminatedUnion(
  "type",
  [
    z.strictObject({
      type: z.literal("cookie"),
      /** The cookie that pins a client to a server; a letter, then letters, digits or _. */
      name: z
        .string()
        .regex(
          /^[A-Za-z][A-Za-z0-9_]{0,63}$/,
          "must start with a letter and hold only letters, digits and _ (at most 64)",
        ),
    }),
    z.strictObject({ type: z.literal("source") }),
  ],
  { error: 'must be { "type": "cookie", "name": … } or { "type": "source" }' },
);
export type BalancerSticky = z.infer<typeof BalancerSticky>;

export const BalancerServerState = z.enum(["ready", "drain", "maint"]);
export type BalancerServerState = z.infer<typeof BalancerServerState>;

export const BalancerServer = z.strictObject({
  name,
  address: serverAddress,
  port,
  weight: count(1, 256).default(1),
  /** At most this many connections at once; unlimited when absent. */
  maxConnections: count(1, 1_000_000).optional(),
  /** Used only when every other server is down. */
  backup: z.boolean().default(false),
  /** `drain`: no new clients, sticky ones stay; `maint`: no traffic at all. */
  state: BalancerServerState.default("ready"),
});
export type BalancerServer = z.infer<typeof BalancerServer>;

export const BackendTimeouts = z.strictObject({
  connectMs: durationMs(100, 600_000).default(5_000),
  /** How long a server may stay silent while answering. */
  serverMs: durationMs(100, 3_600_000).default(30_000),
});

export const BalancerBackend = z.strictObject({
  name,
  strategy: BalancerStrategy.default("round_robin"),
  healthCheck: BalancerHealthCheck.optional(),
  sticky: BalancerSticky.optional(),
  servers: z.array(BalancerServer).min(1, "needs at least one server").max(256),
  timeouts: BackendTimeouts.prefault({}),
});
export type BalancerBackend = z.infer<typeof BalancerBackend>;

/**
 * A pool's balancer: frontends (what clients connect to) and backends (where requests go).
 * Cross-field rules (unique names, known backends, one frontend per port…) are checked with the
 * fields, each reported at the path of the field to fix, as long as the fields they read parsed.
 */
export const BalancerModel = z
  .strictObject({
    frontends: z.array(BalancerFrontend).min(1, "needs at least one frontend").max(32),
    backends: z.array(BalancerBackend).min(1, "needs at least one backend").max(128),
  })
  .superRefine(
    (model, ctx) => {
      for (const problem of balancerModelProblems(model)) {
        ctx.addIssue({ code: "custom", path: problem.path, message: problem.message });
      }
    },
    // zod skips a refinement after a field's type error; these rules read only a few fields.
    { when: (payload) => payload.issues.length === 0 || crossCheckable(payload.value) },
  );
export type BalancerModel = z.infer<typeof BalancerModel>;
/** A model as sent, before defaults are filled in. */
export type BalancerModelInput = z.input<typeof BalancerModel>;

/**
 * The first line of every rendered file. The agent reads the revision back from it to report
 * what the file on disk claims to be; a file whose hash then differs was edited by hand.
 */
export function balancerHeader(revision: number, poolName: string, poolId: string): string {
  return `# Baton balancer of pool ${poolName} (${poolId}), revision ${revision}. Managed by Baton: a hand edit here is reported as drift.`;
}

/**
 * The revision a rendered file's first line names, or null for a file Baton did not render: the
 * agent's own reader (agent protocol), so the header is parsed by one rule on both sides.
 */
export { revisionFromHeader as balancerHeaderRevision } from "./balancer-apply";
