/**
 * How the agent talks to the control plane (decision 0023): heartbeats and job calls over one
 * WebSocket to the pool's coordinator when it can, HTTP when it cannot. A refused upgrade (a proxy
 * that blocks WebSockets, an older control plane) or a socket that keeps failing switches to HTTP
 * at once, without losing a beat: the beat that found the socket broken goes over HTTP. The
 * WebSocket is tried again later. Each switch is logged, and every heartbeat says how it travelled.
 */
import {
  FiredSchedule,
  type FireSchedule,
  type HaproxyStatReport,
  HEARTBEAT_HEDGE_AFTER_LOSS_MS,
  HEARTBEAT_HEDGE_MS,
  type Heartbeat,
  HeartbeatResponse,
  type JobAck,
  type JobResult,
  jsonBytes,
  SOCKET_MESSAGE_MAX_BYTES,
  SOCKET_PING,
  type SocketPush,
  type Transport,
} from "../../shared/agent-protocol";
import {
  type ControlPlaneClient,
  HEARTBEAT_TIMEOUT_MS,
  LOST_BEATS_CHASED,
  NoAnswer,
  Refused,
  Unavailable,
} from "../control-plane";
import { type Logger, reason } from "../log";
import { hedged } from "./hedge";
import { AgentSocket, UpgradeRefused } from "./socket";

/** Consecutive socket failures (connect, or a beat without reply) before HTTP takes over. */
export const SOCKET_FAILURES_BEFORE_FALLBACK = 3;
/** After falling back, how long heartbeats stay on HTTP before the WebSocket is tried again. */
export const SOCKET_RETRY_AFTER_MS = 5 * 60_000;
/** Job acks, results, fires and stat tables wait this long for a reply on the socket. */
const CALL_TIMEOUT_MS = 10_000;
/** A socket with nothing sent for this long gets a keep-alive ping (NAT tables forget idle flows). */
export const KEEPALIVE_IDLE_MS = 25_000;

export interface TransportOptions {
  http: ControlPlaneClient;
  url: string;
  token: string;
  version: string;
  hostname: string;
  log: Logger;
  /** `auto`: the WebSocket first, HTTP as the fallback; `http`: HTTP only (BATON_TRANSPORT). */
  prefer: "auto" | "http";
  onPush: (push: SocketPush) => void;
  now?: () => number;
  retryAfterMs?: number;
}

type Parse<T> = (body: unknown) => T;

export class AgentTransport {
  private socket: AgentSocket | null = null;
  private failures = 0;
  private httpUntil = 0;
  private lastSentAt = 0;
  private opening: Promise<AgentSocket | string | null> | null = null;
  /** Beats in a row that nobody answered (NoAnswer). */
  private lostBeats = 0;
  /** The round trip of answered beats, smoothed. */
  private smoothedRttMs: number | null = null;
  /** When a beat last got through over HTTP. */
  private httpAnsweredAt = Number.NEGATIVE_INFINITY;
  private keepalive: NodeJS.Timeout | undefined;
  private readonly now: () => number;

  constructor(private readonly options: TransportOptions) {
    this.now = options.now ?? Date.now;
    if (options.prefer === "http") this.httpUntil = Number.POSITIVE_INFINITY;
  }

  /** How heartbeats travel now. */
  get current(): Transport {
    return this.socket?.isOpen ? "ws" : "http";
  }

  /**
   * One beat: over the socket when one is open (or opens), over HTTP otherwise. While it has no
   * answer, the same beat goes again over HTTP on a fresh connection (`hedged`, as often as
   * `hedgeEveryMs` says), so a beat lost in a network blip gets through once the network is back.
   */
  async heartbeat(report: Heartbeat, signal?: AbortSignal): Promise<HeartbeatResponse> {
    try {
      const answer = await hedged(
        (n, decided) =>
          n === 0 ? this.timedFirstAttempt(report, decided) : this.overHttp(report, decided, true),
        isAnswer,
        { everyMs: this.hedgeEveryMs(), withinMs: HEARTBEAT_TIMEOUT_MS, signal },
      );
      this.lostBeats = 0;
      return answer;
    } catch (error) {
      this.lostBeats = error instanceof NoAnswer ? this.lostBeats + 1 : 0;
      throw error;
    }
  }

  /**
   * How long a beat waits for an answer before it goes again on a fresh connection: three
   * normal round trips (a slow control plane gets no extra load), between 250 and 500 ms. After a
   * lost beat the network is known to drop packets: every 100 ms, so the first attempt after it
   * is back leaves at once. After LOST_BEATS_CHASED lost beats in a row the silence is longer
   * than any blip worth riding out: one attempt per beat, and the loop backs off, so agents do
   * not pile onto a control plane that is coming back (a 60 s outage left the local one
   * unable to answer anyone for half a minute while four agents sent ten attempts a second).
   */
  private hedgeEveryMs(): number {
    if (this.lostBeats >= LOST_BEATS_CHASED) return HEARTBEAT_TIMEOUT_MS;
    if (this.lostBeats > 0) return HEARTBEAT_HEDGE_AFTER_LOSS_MS;
    // At most half the beat's timeout: one fresh attempt always fits in it.
    const rtts = 3 * (this.smoothedRttMs ?? 0);
    return Math.min(HEARTBEAT_TIMEOUT_MS / 2, Math.max(HEARTBEAT_HEDGE_MS, rtts));
  }

  /** The first attempt, its time to the answer kept (smoothed) for `hedgeEveryMs`. */
  private async timedFirstAttempt(
    report: Heartbeat,
    decided: AbortSignal,
  ): Promise<HeartbeatResponse> {
    const startedAt = performance.now();
    const answer = await this.firstAttempt(report, decided);
    const rttMs = performance.now() - startedAt;
    this.smoothedRttMs =
      this.smoothedRttMs === null ? rttMs : 0.8 * this.smoothedRttMs + 0.2 * rttMs;
    return answer;
  }

  private async firstAttempt(report: Heartbeat, decided: AbortSignal): Promise<HeartbeatResponse> {
    const startedAt = this.now();
    const opened = await this.usableSocket();
    // Another attempt got the beat through while the socket was opening: the next beat uses it.
    if (decided.aborted) throw decided.reason;
    if (!(opened instanceof AgentSocket)) {
      return this.overHttp(report, decided, false, typeof opened === "string" ? opened : null);
    }
    let body: unknown;
    try {
      // Not cut short when another attempt answers first: whether the socket replies at all
      // tells a slow control plane from a half-open socket.
      body = await this.send(
        opened,
        { type: "heartbeat", body: { ...report, transport: "ws" } },
        HEARTBEAT_TIMEOUT_MS,
      );
    } catch (error) {
      if (error instanceof Refused) throw error;
      // No reply in time: the socket may be half-open. Drop it; this beat goes over HTTP
      // unless another attempt already got it through.
      const trouble = reason(error);
      opened.terminate(trouble);
      if (this.socket === opened) this.socket = null;
      if (decided.aborted) {
        if (this.httpAnsweredAt >= startedAt) this.countFailure(trouble);
        throw error;
      }
      return this.overHttp(report, decided, false, trouble);
    }
    this.failures = 0;
    return parseWith(HeartbeatResponse, "heartbeat")(body);
  }

  /** `trouble`: why the socket was not used, counted as its failure once HTTP gets through. */
  private async overHttp(
    report: Heartbeat,
    signal: AbortSignal,
    fresh: boolean,
    trouble: string | null = null,
  ): Promise<HeartbeatResponse> {
    const answer = await this.options.http.heartbeat({ ...report, transport: "http" }, signal, {
      fresh,
    });
    this.httpAnsweredAt = this.now();
    // Counted only when HTTP got through: with the control plane down, both fail, and that is
    // no reason to leave the WebSocket once it is back.
    if (trouble !== null) this.countFailure(trouble);
    return answer;
  }

  ackJob(jobId: string, ack: JobAck, signal?: AbortSignal): Promise<void> {
    return this.call({ type: "job.ack", jobId, body: ack }, signal, ignore, () =>
      this.options.http.ackJob(jobId, ack, signal),
    );
  }

  reportJobResult(jobId: string, result: JobResult, signal?: AbortSignal): Promise<void> {
    return this.call({ type: "job.result", jobId, body: result }, signal, ignore, () =>
      this.options.http.reportJobResult(jobId, result, signal),
    );
  }

  fireSchedule(scheduleId: string, fire: FireSchedule, signal?: AbortSignal) {
    return this.call(
      { type: "schedule.fire", scheduleId, body: fire },
      signal,
      parseWith(FiredSchedule, "schedule fire"),
      () => this.options.http.fireSchedule(scheduleId, fire, signal),
    );
  }

  postHaproxyStat(report: HaproxyStatReport, signal?: AbortSignal): Promise<void> {
    return this.call({ type: "haproxy.stat", body: report }, signal, ignore, () =>
      this.options.http.postHaproxyStat(report, signal),
    );
  }

  // Backups and the agent bundle are transfers, not messages: HTTP always.
  uploadBackup(...args: Parameters<ControlPlaneClient["uploadBackup"]>) {
    return this.options.http.uploadBackup(...args);
  }

  downloadBackup(...args: Parameters<ControlPlaneClient["downloadBackup"]>) {
    return this.options.http.downloadBackup(...args);
  }

  downloadAgentBundle(signal?: AbortSignal) {
    return this.options.http.downloadAgentBundle(signal);
  }

  downloadAgentSignature(signal?: AbortSignal) {
    return this.options.http.downloadAgentSignature(signal);
  }

  /** A certificate for balancer.apply: key material, fetched over HTTPS on request only. */
  downloadCertificate(certId: string, signal?: AbortSignal) {
    return this.options.http.downloadCertificate(certId, signal);
  }

  close(): void {
    clearInterval(this.keepalive);
    const socket = this.socket;
    this.socket = null; // stopping: its close is no loss to log
    socket?.close();
  }

  /**
   * The open socket, or a new one; null when heartbeats go over HTTP for now, or why the socket
   * could not be opened (a failure to count once HTTP is known to get through).
   */
  private usableSocket(): Promise<AgentSocket | string | null> {
    if (this.socket?.isOpen) return Promise.resolve(this.socket);
    if (this.now() < this.httpUntil) return Promise.resolve(null);
    // A beat decided over HTTP while its socket was still opening leaves the opening running:
    // the next beat waits for that one instead of opening a second.
    this.opening ??= this.openSocket().finally(() => {
      this.opening = null;
    });
    return this.opening;
  }

  private async openSocket(): Promise<AgentSocket | string | null> {
    const { url, token, version, hostname, log } = this.options;
    try {
      const socket = await AgentSocket.open({
        url,
        token,
        version,
        hostname,
        handshakeTimeoutMs: HEARTBEAT_TIMEOUT_MS,
        onPush: this.options.onPush,
        onClose: (why) => {
          if (this.socket === socket) log.warn("WebSocket lost; reconnecting", { reason: why });
        },
      });
      this.socket = socket;
      this.startKeepalive();
      log.info("transport: WebSocket", { transport: "ws" });
      return socket;
    } catch (error) {
      if (error instanceof Refused) throw error;
      if (error instanceof UpgradeRefused) {
        this.fallBack(error.message);
        return null;
      }
      return reason(error);
    }
  }

  /** A call beside the heartbeat: over the open socket when it fits, else (or on trouble) HTTP. */
  private async call<T>(
    request: Parameters<AgentSocket["request"]>[0],
    signal: AbortSignal | undefined,
    parse: Parse<T>,
    overHttp: () => Promise<T>,
  ): Promise<T> {
    const socket = this.socket;
    if (socket?.isOpen && jsonBytes(request) < SOCKET_MESSAGE_MAX_BYTES - 1024) {
      try {
        return parse(await this.send(socket, request, CALL_TIMEOUT_MS, signal));
      } catch (error) {
        if (error instanceof Refused || signal?.aborted) throw error;
        // The socket failed under the call; the same call again over HTTP (each is idempotent).
      }
    }
    return overHttp();
  }

  private send(
    socket: AgentSocket,
    request: Parameters<AgentSocket["request"]>[0],
    timeoutMs: number,
    signal?: AbortSignal,
  ) {
    this.lastSentAt = this.now();
    return socket.request(request, timeoutMs, signal);
  }

  private countFailure(why: string): void {
    this.failures += 1;
    if (this.failures >= SOCKET_FAILURES_BEFORE_FALLBACK) this.fallBack(why);
  }

  private fallBack(why: string): void {
    const retryInMs = this.options.retryAfterMs ?? SOCKET_RETRY_AFTER_MS;
    this.failures = 0;
    this.httpUntil = this.now() + retryInMs;
    this.options.log.warn("transport: HTTP (WebSocket unavailable)", {
      transport: "http",
      reason: why,
      retryWebSocketInMs: retryInMs,
    });
  }

  /** Pings a socket nothing was sent on for a while (long intervals); unref'd, never keeps Node up. */
  private startKeepalive(): void {
    if (this.keepalive) return;
    this.keepalive = setInterval(() => {
      if (this.socket?.isOpen && this.now() - this.lastSentAt >= KEEPALIVE_IDLE_MS) {
        this.lastSentAt = this.now();
        this.socket.sendText(SOCKET_PING);
      }
    }, KEEPALIVE_IDLE_MS);
    this.keepalive.unref();
  }
}

const ignore: Parse<void> = () => undefined;

/** A refusal or an error status is the control plane's answer; a lost connection is not. */
function isAnswer(error: unknown): boolean {
  return error instanceof Refused || (error instanceof Unavailable && error.status !== undefined);
}

function parseWith<T>(
  schema: { safeParse(body: unknown): { success: true; data: T } | { success: false } },
  what: string,
): Parse<T> {
  return (body) => {
    const parsed = schema.safeParse(body);
    if (parsed.success) return parsed.data;
    throw new Error(`${what} reply does not match the protocol`);
  };
}
