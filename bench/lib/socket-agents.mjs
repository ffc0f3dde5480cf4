// Simulated agents over the WebSocket (decision 0023): one socket per member to
// /agent/v1/connect, heartbeats as messages, each answered by a reply with the same id. Used by
// bench/lib/agents.mjs (--transport ws) and bench/cost.mjs.
import WebSocket from "ws";

const REPLY_TIMEOUT_MS = 10_000;

/**
 * Opens one socket for `member` ({ hostname, secret }); resolves with `beat(body)`, which
 * resolves (never rejects) with { status, ms } like an HTTP beat: 200 for an accepted reply, the
 * refusal's status otherwise. `onPush` gets every message that is not a reply (jobs, cancel…).
 */
export function openSocket(url, member, extraHeaders = {}, onPush = () => {}) {
  const ws = new WebSocket(`${url.replace(/^http/, "ws")}/agent/v1/connect`, {
    headers: {
      Authorization: `Bearer ${member.secret}`,
      "X-Baton-Protocol": "1",
      "X-Baton-Hostname": member.hostname,
      "User-Agent": "baton-agent/bench",
      ...extraHeaders,
    },
    perMessageDeflate: false,
  });
  const waiting = new Map();
  let nextId = 1;
  ws.on("message", (data) => {
    const message = JSON.parse(data.toString("utf8"));
    if (message.type !== "reply") return onPush(message);
    const done = waiting.get(message.id);
    waiting.delete(message.id);
    done?.(message.ok ? 200 : message.status);
  });
  ws.on("close", () => {
    for (const done of waiting.values()) done("closed");
    waiting.clear();
  });
  /** Sends `{ ...fields, id }` with `bodyJson` (already JSON) as its body; resolves like an HTTP call. */
  const call = (fields, bodyJson) => {
    const startedAt = performance.now();
    return new Promise((resolve) => {
      const id = nextId++;
      const timer = setTimeout(() => {
        waiting.delete(id);
        resolve({ status: "timeout", ms: performance.now() - startedAt });
      }, REPLY_TIMEOUT_MS);
      waiting.set(id, (status) => {
        clearTimeout(timer);
        resolve({ status, ms: performance.now() - startedAt });
      });
      const head = JSON.stringify({ ...fields, id }).slice(0, -1);
      ws.send(`${head},"body":${bodyJson}}`);
    });
  };
  const socket = {
    beat: (body) => call({ type: "heartbeat" }, body),
    call: (fields, body) => call(fields, JSON.stringify(body)),
    send(message) {
      ws.send(JSON.stringify(message));
    },
    close() {
      ws.terminate();
    },
  };
  return new Promise((resolve, reject) => {
    ws.once("open", () => resolve(socket));
    ws.once("unexpected-response", (_request, response) =>
      reject(new Error(`upgrade for ${member.hostname} answered ${response.statusCode}`)),
    );
    ws.once("error", reject);
  });
}

/** Opens a socket per member, a few at a time; a Map from hostname to its socket. */
export async function openSockets(url, members, extraHeaders = {}, onPush = () => {}) {
  const sockets = new Map();
  let next = 0;
  const opener = async () => {
    while (next < members.length) {
      const member = members[next++];
      sockets.set(member.hostname, await openSocket(url, member, extraHeaders, onPush));
    }
  };
  await Promise.all(Array.from({ length: 16 }, opener));
  return sockets;
}
