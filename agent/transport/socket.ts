/**
 * One WebSocket to the pool's coordinator (`GET /agent/v1/connect`, decision 0023): requests
 * with ids answered by replies, and pushes (jobs, cancels, interval, report-now) handed to
 * `onPush`. Uses the `ws` package: pure JavaScript over Node's own HTTP client, no WASM parser.
 */
import WebSocket from "ws";
import {
  AGENT_USER_AGENT_PREFIX,
  CONNECT_PATH,
  HOSTNAME_HEADER,
  PROTOCOL_HEADER,
  PROTOCOL_VERSION,
  SOCKET_MESSAGE_MAX_BYTES,
  SocketPush,
  type SocketRequest,
} from "../../shared/agent-protocol";
import { Refused, Unavailable } from "../control-plane";

/** The upgrade was answered, but not by a Baton control plane that speaks WebSockets (a proxy). */
export class UpgradeRefused extends Error {
  override name = "UpgradeRefused";
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

export interface SocketOptions {
  /** The control plane's base URL (http or https). */
  url: string;
  token: string;
  version: string;
  hostname: string;
  /** Connect to upgraded, in ms. */
  handshakeTimeoutMs: number;
  onPush: (push: SocketPush) => void;
  /** The socket closed or failed after it opened. */
  onClose: (why: string) => void;
}

type Pending = {
  resolve: (body: unknown) => void;
  reject: (error: Error) => void;
  timer: NodeJS.Timeout;
};

/** Control plane error codes an upgrade refusal carries: the same as an HTTP heartbeat's. */
const AGENT_REFUSALS = new Set(["bad_secret", "ip_not_allowed", "hostname_mismatch"]);
const REFUSAL_BODY_MAX_BYTES = 16 * 1024;

type Request = SocketRequest extends infer R ? (R extends unknown ? Omit<R, "id"> : never) : never;

export class AgentSocket {
  private nextId = 1;
  private readonly pending = new Map<number, Pending>();
  private closedWith: string | null = null;

  private constructor(
    private readonly ws: WebSocket,
    private readonly options: SocketOptions,
  ) {
    ws.on("message", (data) => this.received(data.toString("utf8")));
    ws.on("close", (code, reason) => this.ended(`closed (${code} ${reason.toString("utf8")})`));
    ws.on("error", (error) => this.ended(`failed (${error.message})`));
  }

  /** Opens the socket; rejects with Refused (401/403/426 with our code), UpgradeRefused or Unavailable. */
  static open(options: SocketOptions): Promise<AgentSocket> {
    const base = options.url.replace(/^http/, "ws").replace(/\/+$/, "");
    const ws = new WebSocket(`${base}${CONNECT_PATH}`, {
      headers: {
        authorization: `Bearer ${options.token}`,
        [PROTOCOL_HEADER.toLowerCase()]: String(PROTOCOL_VERSION),
        "user-agent": `${AGENT_USER_AGENT_PREFIX}${options.version}`,
        [HOSTNAME_HEADER.toLowerCase()]: options.hostname,
      },
      handshakeTimeout: options.handshakeTimeoutMs,
      maxPayload: SOCKET_MESSAGE_MAX_BYTES,
      perMessageDeflate: false,
    });
    return new Promise<AgentSocket>((resolve, reject) => {
      let settled = false;
      const settle = (error: Error | null) => {
        if (settled) return;
        settled = true;
        ws.removeAllListeners();
        if (error) {
          ws.on("error", () => {}); // a late error of an abandoned handshake
          ws.terminate();
          reject(error);
        } else resolve(new AgentSocket(ws, options));
      };
      ws.on("open", () => settle(null));
      ws.on("error", (error) => settle(new Unavailable(`WebSocket: ${error.message}`)));
      ws.on("unexpected-response", (request, response) => {
        const chunks: Buffer[] = [];
        let size = 0;
        response.on("data", (chunk: Buffer) => {
          size += chunk.length;
          if (size <= REFUSAL_BODY_MAX_BYTES) chunks.push(chunk);
        });
        response.on("error", () => settle(new Unavailable("WebSocket upgrade answer cut short")));
        response.on("end", () => {
          request.destroy();
          settle(refusal(response.statusCode ?? 0, Buffer.concat(chunks).toString("utf8")));
        });
      });
    });
  }

  get isOpen(): boolean {
    return this.closedWith === null && this.ws.readyState === WebSocket.OPEN;
  }

  /**
   * Sends one request and resolves with the reply's body. A refusal rejects as the HTTP client
   * would (Refused, or Unavailable for 5xx/429); no reply within `timeoutMs` rejects Unavailable.
   */
  request(request: Request, timeoutMs: number, signal?: AbortSignal): Promise<unknown> {
    if (!this.isOpen)
      return Promise.reject(new Unavailable(`WebSocket ${this.closedWith ?? "not open"}`));
    const id = this.nextId++;
    return new Promise<unknown>((resolve, reject) => {
      const done = () => {
        clearTimeout(timer);
        this.pending.delete(id);
        signal?.removeEventListener("abort", aborted);
      };
      const aborted = () => {
        done();
        reject(signal?.reason);
      };
      const timer = setTimeout(() => {
        done();
        reject(new Unavailable(`no reply on the WebSocket within ${timeoutMs} ms`));
      }, timeoutMs);
      signal?.addEventListener("abort", aborted, { once: true });
      this.pending.set(id, {
        resolve: (body) => {
          done();
          resolve(body);
        },
        reject: (error) => {
          done();
          reject(error);
        },
        timer,
      });
      this.ws.send(JSON.stringify({ ...request, id }), (error) => {
        if (error)
          this.pending.get(id)?.reject(new Unavailable(`WebSocket send: ${error.message}`));
      });
    });
  }

  /** Sends a raw text message (the keep-alive ping). */
  sendText(text: string): void {
    if (this.isOpen) this.ws.send(text);
  }

  /** Drops the connection at once (a half-open socket would wait for TCP to give up). */
  terminate(why: string): void {
    this.ended(why);
    this.ws.terminate();
  }

  close(): void {
    this.ended("closed by the agent");
    this.ws.close(1000, "agent stopping");
  }

  private received(text: string): void {
    let parsed: ReturnType<typeof SocketPush.safeParse>;
    try {
      parsed = SocketPush.safeParse(JSON.parse(text));
    } catch {
      return;
    }
    if (!parsed.success) return;
    const push = parsed.data;
    if (push.type !== "reply") {
      this.options.onPush(push);
      return;
    }
    const pending = this.pending.get(push.id);
    if (!pending) return;
    if (push.ok) pending.resolve(push.body);
    else {
      const { status, error } = push;
      pending.reject(
        status >= 500 || status === 429
          ? new Unavailable(`control plane answered ${status} ${error.code}`, status)
          : new Refused(status, error.code, error.message),
      );
    }
  }

  private ended(why: string): void {
    if (this.closedWith !== null) return;
    this.closedWith = why;
    for (const pending of this.pending.values()) {
      pending.reject(new Unavailable(`WebSocket ${why}`));
    }
    this.options.onClose(why);
  }
}

/** An upgrade answered with an error: ours (same codes as HTTP) or someone else's. */
function refusal(status: number, text: string): Error {
  let code: unknown;
  let message: unknown;
  try {
    const body = JSON.parse(text) as { error?: { code?: unknown; message?: unknown } };
    code = body.error?.code;
    message = body.error?.message;
  } catch {
    // not our JSON: a proxy or an older control plane
  }
  if (typeof code === "string" && typeof message === "string") {
    if (AGENT_REFUSALS.has(code) || code === "unsupported_protocol") {
      return new Refused(status, code, message);
    }
    if (status >= 500 || status === 429)
      return new Unavailable(`upgrade answered ${status} ${code}`, status);
  }
  if (status >= 500 && status !== 501) return new Unavailable(`upgrade answered ${status}`, status);
  return new UpgradeRefused(status, `the WebSocket upgrade was answered with ${status}`);
}
