/**
 * The control plane client: keep-alive connections, a timeout on every request, and typed
 * failures: Refused (the control plane said no: fix something) vs Unavailable (network, 5xx,
 * timeouts: retry later).
 *
 * Transport is Node's own http/https with keep-alive agents, not undici: undici parses HTTP with
 * a WebAssembly build of llhttp, which costs a once-a-second agent about 20 MB of RSS on Node 20
 * (measured: 69 MB vs 46 MB for the same loop), a third of the agent's budget. Node's http uses
 * the same parser compiled in.
 */
import { Agent as HttpAgent, request as httpRequest, type IncomingHttpHeaders } from "node:http";
import { Agent as HttpsAgent, request as httpsRequest } from "node:https";
import { z } from "zod";
import {
  AGENT_ANSWER_MAX_BYTES,
  AGENT_SIGNATURE_PATH,
  AGENT_USER_AGENT_PREFIX,
  AgentCertificate,
  BACKUP_MAX_BYTES,
  FiredSchedule,
  type FireSchedule,
  type HaproxyStatReport,
  type Heartbeat,
  HeartbeatResponse,
  JOB_ID_HEADER,
  type JobAck,
  type JobResult,
  type MonitoredService,
  ORIGIN_HEADER,
  PROTOCOL_HEADER,
  PROTOCOL_VERSION,
  SERVICE_HEADER,
  SHA256_HEADER,
  Sha256Hex,
  Whoami,
} from "../shared/agent-protocol";

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

/**
 * Nothing came back before the timeout: packets lost or a control plane that hangs, not an
 * answer. The heartbeat loop tries again at once, on fresh connections.
 */
export class NoAnswer extends Unavailable {
  override name = "NoAnswer";
}

/**
 * Lost beats in a row that are chased (sent again at once, on fresh connections every 100 ms):
 * enough to cover a blip shorter than the failover delay. After that the agent retries as for an
 * unavailable control plane (within 2 s), one attempt at a time.
 */
export const LOST_BEATS_CHASED = 3;

export interface ClientOptions {
  url: string;
  token: string;
  version: string;
  /** Per request, connect to last byte (default 10 s). */
  timeoutMs?: number;
  /** Per download or upload of a backup or the agent bundle (default 60 s). */
  transferTimeoutMs?: number;
}

const DEFAULT_TIMEOUT_MS = 10_000;
/**
 * A heartbeat not answered within this is abandoned and retried on a fresh connection. A Worker
 * answers in milliseconds; what takes longer is a lost packet, and waiting out TCP's own
 * retransmissions (seconds) after a short network blip would outlast the failover delay.
 */
export const HEARTBEAT_TIMEOUT_MS = 1_000;
const DEFAULT_TRANSFER_TIMEOUT_MS = 60_000;
/** The agent bundle is about 1 MB; this leaves room to grow without accepting anything. */
export const BUNDLE_MAX_BYTES = 32 * 1024 * 1024;
/** A signature is one line of 88 base64 characters. */
const SIGNATURE_MAX_BYTES = 1024;

interface SendOptions {
  method: "GET" | "POST";
  path: string;
  body?: Uint8Array | string;
  contentType?: string;
  headers?: Record<string, string>;
  signal?: AbortSignal;
  timeoutMs?: number;
  /** The largest answer body accepted, in bytes. */
  maxBytes?: number;
  /** The heartbeat's own connection instead of the one for everything else. */
  beat?: boolean;
  /** A new connection used for this request only. */
  fresh?: boolean;
}

interface Answer {
  status: number;
  headers: IncomingHttpHeaders;
  body: Buffer;
}

const BackupCreated = z.object({ backup: z.object({ id: z.string().min(1) }) });

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

function header(answer: Answer, name: string): string | undefined {
  const value = answer.headers[name.toLowerCase()];
  return Array.isArray(value) ? value[0] : value;
}

/** A percent-encoded header's text; null when absent or not decodable. */
function decodedHeader(value: string | undefined): string | null {
  if (value === undefined) return null;
  try {
    return decodeURIComponent(value);
  } catch {
    return null;
  }
}

/** Parses `body` with `schema`, or throws Unavailable naming the first mismatch. */
function expect<T>(schema: z.ZodType<T>, body: unknown, what: string): T {
  const parsed = schema.safeParse(body);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0];
  throw new Unavailable(
    `${what} answer does not match the protocol (${issue?.path.join(".") || "body"}: ${issue?.message})`,
  );
}

export class ControlPlaneClient {
  private readonly origin: string;
  private readonly basePath: string;
  /** Heartbeats only, so a slow upload or download can never hold a beat back. */
  private readonly beats: HttpAgent;
  /** Jobs, schedules, backups, the bundle, the status table. */
  private readonly others: HttpAgent;
  private readonly secure: boolean;
  private readonly headers: Record<string, string>;
  private readonly timeoutMs: number;
  private readonly transferTimeoutMs: number;

  constructor(options: ClientOptions) {
    const url = new URL(options.url);
    this.origin = url.origin;
    this.secure = url.protocol === "https:";
    this.basePath = url.pathname.replace(/\/+$/, "");
    this.timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    this.transferTimeoutMs = options.transferTimeoutMs ?? DEFAULT_TRANSFER_TIMEOUT_MS;
    const agent = (maxSockets: number) => {
      const settings = { keepAlive: true, keepAliveMsecs: 30_000, maxSockets, maxFreeSockets: 1 };
      return this.secure ? new HttpsAgent(settings) : new HttpAgent(settings);
    };
    this.beats = agent(1);
    this.others = agent(2);
    this.headers = {
      authorization: `Bearer ${options.token}`,
      [PROTOCOL_HEADER.toLowerCase()]: String(PROTOCOL_VERSION),
      "user-agent": `${AGENT_USER_AGENT_PREFIX}${options.version}`,
    };
  }

  /**
   * Sends one heartbeat; resolves with the validated answer. `fresh`: on a new connection of its
   * own, not the kept-alive one (which may be the one a blip left hanging).
   */
  async heartbeat(
    report: Heartbeat,
    signal?: AbortSignal,
    options: { fresh?: boolean } = {},
  ): Promise<HeartbeatResponse> {
    const body = await this.json("POST", "/agent/v1/heartbeat", report, signal, true, {
      timeoutMs: Math.min(this.timeoutMs, HEARTBEAT_TIMEOUT_MS),
      fresh: options.fresh,
    });
    return expect(HeartbeatResponse, body, "heartbeat");
  }

  /** `GET /agent/v1/whoami`: this agent's address as the control plane sees it, validated. */
  async whoami(signal?: AbortSignal): Promise<Whoami> {
    const body = await this.json("GET", "/agent/v1/whoami", undefined, signal, true);
    return expect(Whoami, body, "whoami");
  }

  /** The agent is starting job `jobId`. A finished or cancelled job is Refused `job_finished`. */
  async ackJob(jobId: string, ack: JobAck, signal?: AbortSignal): Promise<void> {
    await this.json("POST", `/agent/v1/jobs/${encodeURIComponent(jobId)}/ack`, ack, signal);
  }

  /** Reports how job `jobId` ended; a repeated identical report is accepted again. */
  async reportJobResult(jobId: string, result: JobResult, signal?: AbortSignal): Promise<void> {
    await this.json("POST", `/agent/v1/jobs/${encodeURIComponent(jobId)}/result`, result, signal);
  }

  /** Asks the control plane to queue the job of a schedule that matched (idempotent per minute). */
  async fireSchedule(
    scheduleId: string,
    fire: FireSchedule,
    signal?: AbortSignal,
  ): Promise<FiredSchedule> {
    const path = `/agent/v1/schedules/${encodeURIComponent(scheduleId)}/fire`;
    return expect(FiredSchedule, await this.json("POST", path, fire, signal), "schedule fire");
  }

  /** Sends the full `show stat` table (the dashboard's status tab). */
  async postHaproxyStat(report: HaproxyStatReport, signal?: AbortSignal): Promise<void> {
    await this.json("POST", "/agent/v1/haproxy/stat", report, signal);
  }

  /** Stores a backup archive (tar.gz) made by job `jobId`; resolves with the backup's id. */
  async uploadBackup(
    service: MonitoredService,
    archive: Uint8Array,
    sha256: string,
    jobId: string | undefined,
    signal?: AbortSignal,
  ): Promise<{ id: string }> {
    if (archive.length > BACKUP_MAX_BYTES) {
      // Checked here so a too-large archive fails with its size, not with a vague 413.
      throw new Error(
        `backup archive is ${archive.length} bytes; the control plane stores at most ${BACKUP_MAX_BYTES}`,
      );
    }
    const answer = await this.send({
      method: "POST",
      path: `/agent/v1/backups?service=${encodeURIComponent(service)}`,
      body: archive,
      contentType: "application/gzip",
      headers: {
        [SHA256_HEADER.toLowerCase()]: sha256,
        ...(jobId ? { [JOB_ID_HEADER.toLowerCase()]: jobId } : {}),
      },
      signal,
      timeoutMs: this.transferTimeoutMs,
    });
    const created = expect(BackupCreated, parseJson(answer), "backup upload");
    return { id: created.backup.id };
  }

  /** Fetches a backup archive of this pool with the SHA-256 and service it was stored with. */
  async downloadBackup(
    backupId: string,
    signal?: AbortSignal,
  ): Promise<{ archive: Uint8Array; sha256: string; service: string; origin: string | null }> {
    const answer = await this.send({
      method: "GET",
      path: `/agent/v1/backups/${encodeURIComponent(backupId)}`,
      signal,
      timeoutMs: this.transferTimeoutMs,
      maxBytes: BACKUP_MAX_BYTES,
    });
    const sha256 = Sha256Hex.safeParse(header(answer, SHA256_HEADER));
    const service = header(answer, SERVICE_HEADER);
    if (!sha256.success || !service) {
      throw new Unavailable(`backup download lacks ${SHA256_HEADER} or ${SERVICE_HEADER}`);
    }
    return {
      archive: new Uint8Array(answer.body),
      sha256: sha256.data,
      service,
      origin: decodedHeader(header(answer, ORIGIN_HEADER)),
    };
  }

  /** Fetches the agent bundle the control plane serves (a static file beside the API). */
  async downloadAgentBundle(signal?: AbortSignal): Promise<Uint8Array> {
    const answer = await this.send({
      method: "GET",
      path: "/agent/baton-agent.mjs",
      signal,
      timeoutMs: this.transferTimeoutMs,
      maxBytes: BUNDLE_MAX_BYTES,
    });
    return new Uint8Array(answer.body);
  }

  /**
   * Fetches the release signature served beside the bundle (base64 text, checked by the caller
   * against the key pinned on this VM, never against anything the control plane says).
   */
  async downloadAgentSignature(signal?: AbortSignal): Promise<string> {
    const answer = await this.send({
      method: "GET",
      path: AGENT_SIGNATURE_PATH,
      signal,
      maxBytes: SIGNATURE_MAX_BYTES,
    });
    return answer.body.toString("utf8");
  }

  /**
   * `GET /agent/v1/certificates/:certId`: one certificate of this member's pool (chain then key)
   * with its SHA-256 as the control plane recorded it; the caller checks the hash.
   */
  async downloadCertificate(certId: string, signal?: AbortSignal): Promise<AgentCertificate> {
    const path = `/agent/v1/certificates/${encodeURIComponent(certId)}`;
    return expect(AgentCertificate, await this.json("GET", path, undefined, signal), "certificate");
  }

  /** Closes the connections (in-flight requests are aborted). */
  async close(): Promise<void> {
    this.beats.destroy();
    this.others.destroy();
  }

  /** JSON request → parsed JSON answer; throws Refused or Unavailable (or the caller's abort). */
  private async json(
    method: "GET" | "POST",
    path: string,
    payload: unknown,
    signal: AbortSignal | undefined,
    beat = false,
    options: { timeoutMs?: number; fresh?: boolean } = {},
  ): Promise<unknown> {
    const answer = await this.send({
      method,
      path,
      body: payload === undefined ? undefined : JSON.stringify(payload),
      contentType: payload === undefined ? undefined : "application/json",
      headers: { accept: "application/json" },
      signal,
      beat,
      ...options,
    });
    return parseJson(answer);
  }

  /** One request; a 2xx answer is returned, anything else thrown as Refused or Unavailable. */
  private async send(options: SendOptions): Promise<Answer> {
    const timeoutMs = options.timeoutMs ?? this.timeoutMs;
    // JSON answers are small (the control plane packs heartbeat answers under this): more is off
    // the protocol.
    const maxBytes = options.maxBytes ?? AGENT_ANSWER_MAX_BYTES;
    const timeout = AbortSignal.timeout(timeoutMs);
    const signal = options.signal ? AbortSignal.any([options.signal, timeout]) : timeout;
    let answer: Answer;
    try {
      answer = await this.exchange(options, signal, maxBytes);
    } catch (error) {
      if (options.signal?.aborted) throw options.signal.reason;
      if (error instanceof Unavailable) throw error;
      if (timeout.aborted) throw new NoAnswer(`no answer within ${timeoutMs} ms`);
      const err = error as Error & { code?: string };
      throw new Unavailable(
        `cannot reach ${this.origin}: ${err.code ? `${err.code} ` : ""}${err.message}`,
      );
    }
    if (answer.status >= 200 && answer.status < 300) return answer;
    const { code, message } = errorBody(answer.body.toString("utf8"));
    const status = answer.status;
    if (status >= 500 || status === 429 || status === 408) {
      throw new Unavailable(`control plane answered ${status}${code ? ` ${code}` : ""}`, status);
    }
    throw new Refused(
      status,
      code ?? (status === 401 ? "unauthorized" : status === 403 ? "forbidden" : `http_${status}`),
      message ?? `control plane answered ${status}`,
    );
  }

  /** One request and its whole answer (at most `maxBytes`); `signal` aborts it at any point. */
  private exchange(options: SendOptions, signal: AbortSignal, maxBytes: number): Promise<Answer> {
    const body =
      options.body === undefined
        ? undefined
        : typeof options.body === "string"
          ? Buffer.from(options.body)
          : options.body;
    const headers: Record<string, string> = {
      ...this.headers,
      ...options.headers,
      ...(options.contentType ? { "content-type": options.contentType } : {}),
      ...(body ? { "content-length": String(body.length) } : {}),
    };
    const url = new URL(`${this.basePath}${options.path}`, this.origin);
    return new Promise<Answer>((resolve, reject) => {
      const req = (this.secure ? httpsRequest : httpRequest)(url, {
        method: options.method,
        headers,
        agent: options.fresh ? false : options.beat ? this.beats : this.others,
        signal,
      });
      req.on("error", reject);
      req.on("response", (response) => {
        const chunks: Buffer[] = [];
        let size = 0;
        response.on("data", (chunk: Buffer) => {
          size += chunk.length;
          if (size > maxBytes) {
            req.destroy();
            reject(new Unavailable(`answer larger than ${maxBytes} bytes`, response.statusCode));
            return;
          }
          chunks.push(chunk);
        });
        response.on("error", reject);
        response.on("end", () =>
          resolve({
            status: response.statusCode ?? 0,
            headers: response.headers,
            body: Buffer.concat(chunks),
          }),
        );
      });
      req.end(body);
    });
  }
}

function parseJson(answer: Answer): unknown {
  const text = answer.body.toString("utf8");
  try {
    return text === "" ? null : JSON.parse(text);
  } catch {
    throw new Unavailable(`answer ${answer.status} is not JSON`, answer.status);
  }
}
