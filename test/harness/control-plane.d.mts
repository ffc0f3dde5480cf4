/** A failure to set up: reported as one line. */
export class SetupError extends Error {}

export interface ControlPlane {
  /** Its temporary directory: the source snapshot, D1 state, wrangler's log. */
  dir: string;
  /** http://127.0.0.1:<port> */
  url: string;
  port: number;
  /** What serves it: `wrangler dev` (the default) or workerd directly (no dev proxy). */
  runtime: Runtime;
  /** The bootstrap admin token (ADMIN_TOKEN). */
  adminToken: string;
  /** SECRETS_KEY, which encrypts DNS credentials at rest. */
  secretsKey: string;
  /** `wrangler dev`'s process (runtime "workerd": workerd-server.mjs's), its group's leader. */
  wranglerPid: number;
  logFile: string;
  /** Process groups (by leader PID) started and not yet known to be empty. */
  groups(): number[];
  /** Stops every process group it started and removes the temp directory; idempotent. */
  stop(): Promise<void>;
  /** SIGKILLs what is left at once (for exit handlers). */
  killNow(): void;
  /** Stops serving (the server's process group ends) but keeps the temp dir and its state. */
  pause(): Promise<void>;
  /** Serves again from the kept state; resolves once /healthz answers. */
  resume(): Promise<ControlPlane>;
}

export type Runtime = "wrangler" | "workerd" | "workerd-direct";

export interface StartOptions {
  /**
   * Default "wrangler": `wrangler dev`. "workerd": Miniflare on wrangler's deploy bundle, no dev
   * proxy. "workerd-direct": the Worker's own socket, without Miniflare's entry worker either
   * (requests must carry CF-Connecting-IP).
   */
  runtime?: Runtime;
  /** Extra or overriding Worker variables (`--var NAME:VALUE`). */
  vars?: Record<string, string>;
  /** Prefix of the temp directory's name, e.g. "baton-bench-". */
  tempPrefix?: string;
  /** Run every child inside this network namespace (`ip netns exec`); default: this one. */
  netns?: string;
  /** The address to listen on (default 127.0.0.1; `url` uses it). */
  ip?: string;
  /** The port to listen on (default: a free one on 127.0.0.1 of this namespace). */
  port?: number;
}

export function startControlPlane(root: string, options?: StartOptions): Promise<ControlPlane>;

// biome-ignore lint/suspicious/noExplicitAny: JSON answers are checked by the caller
export function adminApi<T = any>(
  plane: Pick<ControlPlane, "url" | "adminToken">,
  method: string,
  path: string,
  body?: unknown,
): Promise<T>;
