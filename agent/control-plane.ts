/**
 * The control plane client: one keep-alive connection (undici), a timeout on every request, and
 * typed failures: Refused (the control plane said no: fix something) vs Unavailable (network,
 * 5xx, timeouts: retry later).
 */
import { Agent } from "undici";
import {
  AGENT_USER_AGENT_PREFIX,
  type Heartbeat,
  HeartbeatResponse,
  PROTOCOL_HEADER,
  PROTOCOL_VERSION,
  Whoami,
} from "../shared/index";

/** The control plane refused the request (401/403/426, other 4xx): retrying as is won't help. */
export class Refused extends Error {
  override name = "Refused";
  constructor(
    readonly status: number,
    /** The control plane's error code, e.g. `bad_secret`. */
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

/** The control plane could not be reached or failed (network, timeout, 5xx, 429, bad answer). */
export class Unavailable extends Error {
  override name = "Unavailable";
  constructor(
    message: string,
    readonly status?: number,
  ) {
    super(message);
  }
}

export interface ClientOptions {
  url: string;
  token: string;
  version: string;
  /** Per request, connect to last byte (default 10 s). */
  timeoutMs?: number;
}

const DEFAULT_TIMEOUT_MS = 10_000;

function errorBody(text: string): { code?: string; message?: string } {
  try {
    const body = JSON.parse(text) as { error?: { code?: unknown; message?: unknown } };
    const code = typeof body.error?.code === "string" ? body.error.code : undefined;
    const message = typeof body.error?.message === "string" ? body.error.message : undefined;
    return { code, message };
  } catch {
    return {};
  }
}

export class ControlPlaneClient {
  private readonly origin: string;
  private readonly basePath: string;
  private readonly dispatcher: Agent;
  private readonly headers: Record<string, string>;
  private readonly timeoutMs: number;

  constructor(options: ClientOptions) {
    const url = new URL(options.url);
    this.origin = url.origin;
    this.basePath = url.pathname.replace(/\/+$/, "");
    this.timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    // One connection, kept alive between beats.
    this.dispatcher = new Agent({
      connections: 1,
      pipelining: 1,
      keepAliveTimeout: 60_000,
      connect: { timeout: this.timeoutMs },
      headersTimeout: this.timeoutMs,
      bodyTimeout: this.timeoutMs,
    });
    this.headers = {
      authorization: `Bearer ${options.token}`,
      [PROTOCOL_HEADER.toLowerCase()]: String(PROTOCOL_VERSION),
      "user-agent": `${AGENT_USER_AGENT_PREFIX}${options.version}`,
      accept: "application/json",
    };
  }

  /** Sends one heartbeat; resolves with the validated answer. */
  async heartbeat(report: Heartbeat, signal?: AbortSignal): Promise<HeartbeatResponse> {
    const body = await this.request("POST", "/agent/v1/heartbeat", report, signal);
    const parsed = HeartbeatResponse.safeParse(body);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      throw new Unavailable(
        `heartbeat answer does not match the protocol (${issue?.path.join(".") || "body"}: ${issue?.message})`,
      );
    }
    return parsed.data;
  }

  /** `GET /agent/v1/whoami`: this agent's address as the control plane sees it, validated. */
  async whoami(signal?: AbortSignal): Promise<Whoami> {
    const body = await this.request("GET", "/agent/v1/whoami", undefined, signal);
    const parsed = Whoami.safeParse(body);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      throw new Unavailable(
        `whoami answer does not match the protocol (${issue?.path.join(".") || "body"}: ${issue?.message})`,
      );
    }
    return parsed.data;
  }

  /** JSON request → parsed JSON answer; throws Refused or Unavailable (or the caller's abort). */
  async request(
    method: string,
    path: string,
    payload: unknown,
    signal?: AbortSignal,
  ): Promise<unknown> {
    const timeout = AbortSignal.timeout(this.timeoutMs);
    const combined = signal ? AbortSignal.any([signal, timeout]) : timeout;
    let status: number;
    let text: string;
    try {
      const response = await this.dispatcher.request({
        origin: this.origin,
        path: `${this.basePath}${path}`,
        method: method as "POST",
        headers:
          payload === undefined
            ? this.headers
            : { ...this.headers, "content-type": "application/json" },
        body: payload === undefined ? undefined : JSON.stringify(payload),
        signal: combined,
      });
      status = response.statusCode;
      text = await response.body.text();
    } catch (error) {
      if (signal?.aborted) throw signal.reason;
      if (timeout.aborted) throw new Unavailable(`no answer within ${this.timeoutMs} ms`);
      const err = error as Error & { code?: string; cause?: { code?: string; message?: string } };
      const code = err.code ?? err.cause?.code;
      throw new Unavailable(`cannot reach ${this.origin}: ${code ? `${code} ` : ""}${err.message}`);
    }
    if (status >= 200 && status < 300) {
      try {
        return text === "" ? null : JSON.parse(text);
      } catch {
        throw new Unavailable(`answer ${status} is not JSON`, status);
      }
    }
    const { code, message } = errorBody(text);
    if (status >= 500 || status === 429 || status === 408) {
      throw new Unavailable(`control plane answered ${status}${code ? ` ${code}` : ""}`, status);
    }
    throw new Refused(
      status,
      code ?? (status === 401 ? "unauthorized" : status === 403 ? "forbidden" : `http_${status}`),
      message ?? `control plane answered ${status}`,
    );
  }

  /** Closes the connection (in-flight requests are aborted). */
  async close(): Promise<void> {
    await this.dispatcher.destroy().catch(() => {});
  }
}
