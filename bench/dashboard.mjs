#!/usr/bin/env node
// `npm run bench:dashboard [-- --requests 200 --runtime wrangler|workerd|workerd-direct --json]`
// What an open dashboard page costs: every open page asks for its live fragment every 1.5 s (15 s
// on the Monitoring tab), so a fragment's latency and D1 work are the dashboard's running cost.
// A local control plane on loopback, one pool of two members whose heartbeats (1 Hz, sent here)
// carry host figures, a signed-in admin (through the real /login form); then each live fragment
// is fetched `--requests` times back to back. Prints p50/p99 latency and the D1 statements per
// fetch (from GET /api/v1/system/stats) and each answer's size. A measurement: exits 0 whatever the
// figures, 1 (with a one-line reason) when setup fails.
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { adminApi, SetupError, startControlPlane, wasInterrupted } from "./lib/control-plane.mjs";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const ADMIN = { username: "bench-admin", password: "bench password 1234" };

function options() {
  let values;
  try {
    ({ values } = parseArgs({
      options: {
        requests: { type: "string", default: "200" },
        runtime: { type: "string", default: "workerd-direct" },
        json: { type: "boolean", default: false },
      },
    }));
  } catch (error) {
    throw new SetupError(error.message);
  }
  const requests = Number(values.requests);
  if (!Number.isInteger(requests) || requests < 10 || requests > 5000)
    throw new SetupError(
      `--requests must be a whole number from 10 to 5000, not "${values.requests}"`,
    );
  return { requests, runtime: values.runtime, json: values.json };
}

/** The one Set-Cookie value called `name`, or null. */
function cookieOf(response, name) {
  const line = response.headers.getSetCookie().find((entry) => entry.startsWith(`${name}=`));
  return line ? line.slice(name.length + 1).split(";")[0] : null;
}

/** Signs in through GET and POST /login (double-submit CSRF) and returns the session cookie. */
async function signIn(plane, headers) {
  const form = await fetch(`${plane.url}/login`, { headers });
  const csrf = cookieOf(form, "baton_csrf");
  const field = (await form.text()).match(/name="_csrf" value="([^"]+)"/)?.[1];
  if (!csrf || !field) throw new SetupError("GET /login gave no CSRF cookie or field");
  const response = await fetch(`${plane.url}/login`, {
    method: "POST",
    redirect: "manual",
    headers: {
      ...headers,
      Cookie: `baton_csrf=${csrf}`,
      "Content-Type": "application/x-www-form-urlencoded",
    },
    body: new URLSearchParams({ ...ADMIN, _csrf: field }),
  });
  const session = cookieOf(response, "baton_session");
  if (response.status !== 302 || !session)
    throw new SetupError(`POST /login answered ${response.status} without a session`);
  return `baton_session=${session}`;
}

function heartbeatOf(member, index) {
  return {
    hostname: member.hostname,
    agentVersion: "bench",
    publicIp: `198.51.100.${10 + index}`,
    services: { haproxy: { installed: true, activeState: "active" } },
    host: { cpuPercent: 12.5, memUsedBytes: 2 ** 31, memTotalBytes: 2 ** 33, load1: 0.4 },
    haproxy: { currentConnections: 40 + index, sessionRate: 7 },
  };
}

/** Both members beat once a second until stopped, as their agents would. */
function startBeats(plane, members, headers) {
  let stopped = false;
  const beatOnce = () =>
    Promise.all(
      members.map(({ member, secret }, index) =>
        fetch(`${plane.url}/agent/v1/heartbeat`, {
          method: "POST",
          headers: {
            ...headers,
            Authorization: `Bearer ${secret}`,
            "X-Baton-Protocol": "1",
            "Content-Type": "application/json",
          },
          body: JSON.stringify(heartbeatOf(member, index)),
        }).then((res) => res.arrayBuffer()),
      ),
    );
  const loop = (async () => {
    while (!stopped) {
      await beatOnce().catch(() => {});
      await new Promise((resolve) => setTimeout(resolve, 1000));
    }
  })();
  return {
    first: beatOnce(),
    stop: async () => {
      stopped = true;
      await loop;
    },
  };
}

async function d1Totals(plane) {
  const stats = await adminApi(plane, "GET", "/api/v1/system/stats");
  return stats.requests;
}

const percentile = (sorted, p) =>
  sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))];

/** `requests` fetches of one fragment, back to back: latency and D1 work per fetch. */
async function measure(plane, [label, path], cookie, headers, requests) {
  const before = await d1Totals(plane);
  const times = [];
  let bytes = 0;
  for (let i = 0; i < requests; i++) {
    const startedAt = performance.now();
    const res = await fetch(`${plane.url}${path}`, { headers: { ...headers, Cookie: cookie } });
    bytes = (await res.arrayBuffer()).byteLength;
    if (res.status !== 200) throw new SetupError(`GET ${path} answered ${res.status}`);
    times.push(performance.now() - startedAt);
  }
  const after = await d1Totals(plane);
  times.sort((a, b) => a - b);
  // The stats request itself is counted too: one admin-token lookup and the pools list.
  return {
    path: label,
    requests,
    p50Ms: Number(percentile(times, 0.5).toFixed(1)),
    p99Ms: Number(percentile(times, 0.99).toFixed(1)),
    statementsPerFetch: Number(((after.statements - before.statements) / requests).toFixed(2)),
    /** The last answer's size, uncompressed: what each refresh carries. */
    bytes,
  };
}

async function main() {
  const { requests, runtime, json } = options();
  const plane = await startControlPlane(root, { runtime });
  const headers = runtime === "workerd-direct" ? { "CF-Connecting-IP": "127.0.0.1" } : {};
  let beats = null;
  try {
    await adminApi(plane, "POST", "/api/v1/users", { ...ADMIN, role: "admin" });
    const cookie = await signIn(plane, headers);
    const { pool } = await adminApi(plane, "POST", "/api/v1/pools", {
      name: "bench",
      failoverHostname: "lb.bench.example.com",
      allowPrivateAddresses: true, // members report documentation addresses
    });
    const members = [];
    for (const name of ["edge-a", "edge-b"]) {
      members.push(
        await adminApi(plane, "POST", `/api/v1/pools/${pool.id}/members`, {
          name,
          hostname: `${name}.bench.internal`,
          allowedIps: ["127.0.0.0/8"],
        }),
      );
    }
    beats = startBeats(plane, members, headers);
    await beats.first;
    const memberId = members[0].member.id;
    const paths = [
      ["pools list", "/ui/pool-list/fragment"],
      ["pool overview (flow diagram, cards)", `/ui/pools/${pool.id}/fragment`],
      ["pool events", `/ui/pools/${pool.id}/events/fragment`],
      ["member status", `/ui/members/${memberId}/status/fragment`],
      ["member monitoring (hour)", `/ui/members/${memberId}/monitoring/fragment?range=hour`],
    ];
    const results = [];
    for (const path of paths) results.push(await measure(plane, path, cookie, headers, requests));
    if (json) {
      console.log(JSON.stringify({ runtime, results }, null, 2));
      return;
    }
    console.log(`Dashboard live fragments, ${requests} fetches each, runtime ${runtime}`);
    console.log("(two members beating at 1 Hz; D1 statements include the session lookup)\n");
    for (const r of results) {
      console.log(
        `${r.path.padEnd(36)} p50 ${String(r.p50Ms).padStart(6)} ms  p99 ${String(r.p99Ms).padStart(6)} ms  ` +
          `${r.statementsPerFetch} D1 statements per fetch  ${(r.bytes / 1024).toFixed(1)} KB`,
      );
    }
  } finally {
    await beats?.stop();
    await plane.stop();
  }
}

main().catch((error) => {
  if (wasInterrupted()) return;
  console.error(`bench:dashboard: ${error instanceof SetupError ? error.message : error.stack}`);
  process.exit(1);
});
