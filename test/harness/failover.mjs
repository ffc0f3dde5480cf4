// The DNS failover scenario against a real control plane and a real PowerDNS, shared by the
// end-to-end test (test/e2e/failover-powerdns.test.ts, which asserts on it) and the benchmark
// (bench/failover.mjs, which times it). Each run gets a fresh pool of two members (A, B) and its
// own name (lbN.example.com), so runs never see each other's records. Members are simulated
// agents in this process: one heartbeat a second, like the real agent. Every wait is bounded.
// Plain JavaScript so `node` runs it as it is; types in failover.d.mts.
import { execFile } from "node:child_process";
import { promisify } from "node:util";
import WebSocket from "ws";
import { adminApi } from "./control-plane.mjs";
import { digBinary } from "./pdns.mjs";

const run = promisify(execFile);
const HEARTBEAT_TIMEOUT_MS = 5_000;
/** An agent stops by itself after this long, should its owner forget to. */
const AGENT_MAX_LIFETIME_MS = 5 * 60_000;

export const ZONE = "example.com";
export const IP_A = "198.51.100.1";
export const IP_B = "198.51.100.2";

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * How simulated agents send heartbeats: "http" (POST /agent/v1/heartbeat) unless
 * BATON_TEST_TRANSPORT=ws, which runs the same scenarios over each agent's WebSocket.
 */
export const TEST_TRANSPORT = process.env.BATON_TEST_TRANSPORT === "ws" ? "ws" : "http";

/**
 * A simulated agent: a heartbeat once a second (the next beat goes one interval after the
 * previous one was sent, or when it was answered if that took longer), reporting HAProxy's state
 * and a public IPv4; over HTTP, or over a WebSocket with `transport: "ws"`.
 */
export class SimulatedAgent {
  #timer = null;
  #wake = null;
  #loop = null;
  #stopped = false;
  #waiters = [];
  #socket = null;

  constructor({
    url,
    hostname,
    secret,
    publicIp,
    activeState = "active",
    intervalMs = 1000,
    transport = TEST_TRANSPORT,
  }) {
    Object.assign(this, { url, hostname, secret, publicIp, activeState, intervalMs, transport });
    /** When the latest heartbeat was sent (Date.now()), null before the first. */
    this.lastSentAt = null;
    /** Heartbeats answered 200. */
    this.ok = 0;
    /** Heartbeats not answered 200: status (or error) and when. */
    this.failures = [];
  }

  start() {
    if (this.#loop) return this;
    const endAt = Date.now() + AGENT_MAX_LIFETIME_MS;
    this.#loop = (async () => {
      while (!this.#stopped && Date.now() < endAt) {
        const sentAt = await this.#beat();
        const wait = sentAt + this.intervalMs - Date.now();
        if (wait > 0 && !this.#stopped)
          await new Promise((resolve) => {
            this.#wake = resolve;
            this.#timer = setTimeout(resolve, wait);
          });
      }
    })();
    return this;
  }

  /**
   * Reports `state` from the next heartbeat on; resolves once that heartbeat is answered, with
   * when it was sent and the answer's status.
   */
  setActiveState(state) {
    this.activeState = state;
    if (!this.#loop || this.#stopped)
      return Promise.reject(new Error(`${this.hostname} is not running`));
    return new Promise((resolve) => this.#waiters.push({ state, resolve }));
  }

  /** Stops sending; resolves once a heartbeat in flight is answered, with when the last was sent. */
  async stop() {
    this.#stopped = true;
    clearTimeout(this.#timer);
    this.#wake?.();
    await this.#loop;
    this.#socket?.terminate();
    for (const waiter of this.#waiters.splice(0))
      waiter.resolve({ sentAt: null, status: "stopped" });
    return this.lastSentAt;
  }

  async #beat() {
    const state = this.activeState;
    const body = JSON.stringify({
      hostname: this.hostname,
      agentVersion: "e2e-sim",
      publicIp: this.publicIp,
      services: { haproxy: { installed: true, activeState: state } },
    });
    const sentAt = Date.now();
    this.lastSentAt = sentAt;
    const status =
      this.transport === "ws"
        ? await this.#beatOverSocket(body, sentAt)
        : await fetch(`${this.url}/agent/v1/heartbeat`, {
            method: "POST",
            headers: {
              Authorization: `Bearer ${this.secret}`,
              "X-Baton-Protocol": "1",
              "User-Agent": "baton-agent/e2e-sim",
              "Content-Type": "application/json",
            },
            body,
            signal: AbortSignal.timeout(HEARTBEAT_TIMEOUT_MS),
          }).then(
            async (res) => {
              const text = await res.text();
              if (res.status !== 200)
                this.failures.push({ at: sentAt, status: res.status, body: text });
              return res.status;
            },
            (error) => {
              const code = error.cause?.code ?? error.name ?? "fetch_error";
              this.failures.push({ at: sentAt, status: code, body: String(error.message) });
              return code;
            },
          );
    if (status === 200) this.ok += 1;
    const [done, pending] = partition(this.#waiters, (waiter) => waiter.state === state);
    this.#waiters = pending;
    for (const waiter of done) waiter.resolve({ sentAt, status });
    return sentAt;
  }

  /** One heartbeat message on the agent's socket (opened when there is none); its reply's status. */
  async #beatOverSocket(body, sentAt) {
    const fail = (status, text) => {
      this.failures.push({ at: sentAt, status, body: text });
      this.#socket?.terminate();
      this.#socket = null;
      return status;
    };
    try {
      this.#socket ??= await openAgentSocket(this.url, this.hostname, this.secret);
    } catch (error) {
      return fail("upgrade_failed", String(error.message));
    }
    const socket = this.#socket;
    const reply = await new Promise((resolve) => {
      const timer = setTimeout(() => resolve(null), HEARTBEAT_TIMEOUT_MS);
      const onMessage = (data) => {
        const message = JSON.parse(data.toString("utf8"));
        if (message.type !== "reply") return;
        clearTimeout(timer);
        socket.off("message", onMessage);
        socket.off("close", onClose);
        resolve(message);
      };
      const onClose = () => {
        clearTimeout(timer);
        resolve(null);
      };
      socket.on("message", onMessage);
      socket.once("close", onClose);
      socket.send(`{"type":"heartbeat","id":${sentAt},"body":${body}}`);
    });
    if (reply === null) return fail("socket_lost", "no reply on the WebSocket");
    if (!reply.ok) this.failures.push({ at: sentAt, status: reply.status, body: reply.error.code });
    return reply.ok ? 200 : reply.status;
  }
}

/** Opens a member's WebSocket to /agent/v1/connect; rejects when the upgrade is refused. */
function openAgentSocket(url, hostname, secret) {
  const ws = new WebSocket(`${url.replace(/^http/, "ws")}/agent/v1/connect`, {
    headers: {
      Authorization: `Bearer ${secret}`,
      "X-Baton-Protocol": "1",
      "X-Baton-Hostname": hostname,
      "User-Agent": "baton-agent/e2e-sim",
    },
    handshakeTimeout: HEARTBEAT_TIMEOUT_MS,
    perMessageDeflate: false,
  });
  ws.on("error", () => {}); // reported through the open promise or the next beat
  return new Promise((resolve, reject) => {
    ws.once("open", () => resolve(ws));
    ws.once("unexpected-response", (_request, response) => {
      ws.terminate();
      reject(new Error(`upgrade answered ${response.statusCode}`));
    });
    ws.once("error", reject);
  });
}

function partition(items, test) {
  return [items.filter(test), items.filter((item) => !test(item))];
}

/** One `dig +short` answer (sorted addresses), or the error that stood in its place. */
async function digShort(port, name) {
  const args = ["@127.0.0.1", "-p", String(port), name, "A", "+short", "+time=1", "+tries=1"];
  try {
    const { stdout } = await run(digBinary(), args, { timeout: 5_000 });
    return { answer: stdout.split("\n").filter(Boolean).sort() };
  } catch (error) {
    if (error.message?.includes("dig is not installed")) throw error;
    return { answer: null, error: String(error.message).split("\n")[0] };
  }
}

/**
 * Queries `name` every `intervalMs` (never two digs at once) until `until(answer)` holds or
 * `timeoutMs` passed. Returns every answer with when its dig started and ended, and the end
 * time of the first matching one (`seenAt`, null if none matched).
 */
export async function watchDns(port, name, { until, timeoutMs, intervalMs = 50 }) {
  const history = [];
  const endAt = Date.now() + timeoutMs;
  for (let next = Date.now(); Date.now() < endAt; ) {
    const wait = next - Date.now();
    if (wait > 0) await sleep(wait);
    const startedAt = Date.now();
    next = startedAt + intervalMs;
    const { answer, error } = await digShort(port, name);
    const entry = { startedAt, endedAt: Date.now(), answer, ...(error ? { error } : {}) };
    history.push(entry);
    if (answer && until(answer)) return { seenAt: entry.endedAt, answer, history };
  }
  return { seenAt: null, answer: history.at(-1)?.answer ?? null, history };
}

/** `["198.51.100.2"]` and nothing else. */
export const answers = (ip) => (answer) => answer.length === 1 && answer[0] === ip;

/** Polls `check()` every `intervalMs` until it returns a truthy value; throws after `timeoutMs`. */
export async function waitFor(what, check, { timeoutMs = 10_000, intervalMs = 100 } = {}) {
  const endAt = Date.now() + timeoutMs;
  let last;
  while (Date.now() < endAt) {
    last = await check();
    if (last) return last;
    await sleep(intervalMs);
  }
  throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
}

export async function poolEvents(plane, poolId, type) {
  const query = new URLSearchParams({ type, limit: "200" });
  const { events } = await adminApi(plane, "GET", `/api/v1/pools/${poolId}/events?${query}`);
  return events;
}

/**
 * A fresh pool named `lb<tag>.example.com` with failover delay `delayS`, two members A and B
 * allowed from 127.0.0.1, and PowerDNS as its provider (active/standby, TTL 5). Agents are
 * created, not started.
 */
export async function createFailoverPool(env, tag) {
  const { plane, pdns, delayS } = env;
  const hostname = `lb${tag}.${ZONE}`;
  const { pool } = await adminApi(plane, "POST", "/api/v1/pools", {
    name: `e2e-${tag}`,
    profile: "haproxy",
    failoverHostname: hostname,
    // The simulated members report documentation addresses (198.51.100.x): a lab pool.
    allowPrivateAddresses: true,
    failoverDelayS: delayS,
    autoFailover: true,
  });
  const enroll = async (letter, publicIp) => {
    const memberHost = `edge-${letter}-${tag}`;
    const { member, secret } = await adminApi(plane, "POST", `/api/v1/pools/${pool.id}/members`, {
      name: memberHost,
      hostname: memberHost,
      allowedIps: ["127.0.0.1"],
    });
    const agent = new SimulatedAgent({ url: plane.url, hostname: memberHost, secret, publicIp });
    return { id: member.id, hostname: memberHost, publicIp, agent };
  };
  const a = await enroll("a", IP_A);
  const b = await enroll("b", IP_B);
  await adminApi(plane, "PUT", `/api/v1/pools/${pool.id}/dns`, {
    mode: "active_standby",
    provider: {
      kind: "powerdns",
      baseUrl: pdns.apiUrl,
      apiKey: pdns.apiKey,
      zone: ZONE,
      ttl: 5,
    },
  });
  return { pool, hostname, a, b, agents: [a.agent, b.agent] };
}

/**
 * Starts A alone, waits until the name answers A's address (a new pool gives traffic to its
 * first ready member), then starts B and waits until the coordinator counts B ready. Returns
 * what the name answered until then.
 */
const FIRST_ANSWER_TIMEOUT_MS = 45_000;

export async function makeAActiveBReady(env, setup) {
  const { plane, pdns } = env;
  setup.a.agent.start();
  // Setup, not a measurement: on a loaded machine (CI runs browsers and other control planes
  // beside this) the pool's first DNS push may fail and retry with backoff (1, 2, 4, 8, 16 s).
  const first = await watchDns(pdns.dnsPort, setup.hostname, {
    until: (answer) => answer.length > 0,
    timeoutMs: FIRST_ANSWER_TIMEOUT_MS,
  });
  if (!first.seenAt)
    throw new Error(
      `${setup.hostname} never answered after A's first heartbeats (last: ${JSON.stringify(first.answer)}; A's failures: ${JSON.stringify(setup.a.agent.failures)})`,
    );
  setup.b.agent.start();
  await waitFor(
    "the coordinator to count B ready",
    async () => {
      const { failover } = await adminApi(plane, "GET", `/api/v1/pools/${setup.pool.id}/failover`);
      return failover.members.find((member) => member.id === setup.b.id)?.ready === true;
    },
    { timeoutMs: 10_000, intervalMs: 200 },
  );
  return { firstAnswer: first.answer, beforeB: first.history };
}

/** Stops every agent of a run (tests and benchmark call it in finally blocks). */
export async function stopAgents(setup) {
  await Promise.all(setup.agents.map((agent) => agent.stop()));
}

/**
 * Heartbeat loss: A (active) stops sending. Measures from A's last heartbeat + the failover
 * delay (the deadline) to `dig` seeing B's address.
 */
export async function heartbeatLossRun(env, tag) {
  const setup = await createFailoverPool(env, tag);
  try {
    const { firstAnswer } = await makeAActiveBReady(env, setup);
    const lastSentAt = await setup.a.agent.stop();
    const deadline = lastSentAt + env.delayS * 1000;
    const watch = await watchDns(env.pdns.dnsPort, setup.hostname, {
      until: answers(IP_B),
      timeoutMs: env.delayS * 1000 + 15_000,
    });
    await setup.b.agent.stop();
    return {
      ...setup,
      firstAnswer,
      lastSentAt,
      deadline,
      seenAt: watch.seenAt,
      latencyMs: watch.seenAt === null ? null : watch.seenAt - deadline,
      history: watch.history,
    };
  } finally {
    await stopAgents(setup);
  }
}

/**
 * Service down: A (active) reports HAProxy "inactive". Measures from the moment that heartbeat
 * is sent to `dig` seeing B's address.
 */
export async function serviceDownRun(env, tag) {
  const setup = await createFailoverPool(env, tag);
  try {
    const { firstAnswer } = await makeAActiveBReady(env, setup);
    const reported = setup.a.agent.setActiveState("inactive");
    const watch = await watchDns(env.pdns.dnsPort, setup.hostname, {
      until: answers(IP_B),
      timeoutMs: 15_000,
    });
    const { sentAt, status } = await reported;
    await stopAgents(setup);
    return {
      ...setup,
      firstAnswer,
      sentAt,
      reportStatus: status,
      seenAt: watch.seenAt,
      latencyMs: watch.seenAt === null || sentAt === null ? null : watch.seenAt - sentAt,
      history: watch.history,
    };
  } finally {
    await stopAgents(setup);
  }
}

/**
 * No ready standby: B reports HAProxy "inactive", then A (active) stops sending. Watches the
 * name until `holdMs` after A's deadline; traffic must stay on A.
 */
export async function noReadyStandbyRun(env, tag, holdMs = 3_000) {
  const setup = await createFailoverPool(env, tag);
  try {
    const { firstAnswer } = await makeAActiveBReady(env, setup);
    const reported = await setup.b.agent.setActiveState("inactive");
    const lastSentAt = await setup.a.agent.stop();
    const deadline = lastSentAt + env.delayS * 1000;
    const watch = await watchDns(env.pdns.dnsPort, setup.hostname, {
      until: () => false,
      timeoutMs: deadline + holdMs - Date.now(),
    });
    await stopAgents(setup);
    return {
      ...setup,
      firstAnswer,
      standbyReport: reported,
      lastSentAt,
      deadline,
      history: watch.history,
    };
  } finally {
    await stopAgents(setup);
  }
}
