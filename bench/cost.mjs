#!/usr/bin/env node
// `npm run bench:cost [-- --members 20 --seconds 30 --runtime wrangler|workerd --json]`
// What a pool costs to run on Cloudflare, measured (decision 0023): starts a local control plane,
// enrolls N members in one pool, drives them at 1 Hz for the measured interval, first over HTTP
// heartbeats, then over one WebSocket each, and counts what billing counts: Worker requests,
// Durable Object requests, incoming WebSocket messages (billed 20:1), alarms, D1 rows read and
// written (GET /api/v1/system/stats, from D1's own metadata). Prints per member-day the billed
// units and the cost on the free and paid plans from shared/run-cost.ts (the one price table;
// npm runs this under Node 22, which strips its types), and how many members at 1 s / 2 s / 5 s
// fit the free plan. A measurement: exits 0 when targets are missed.
import { Agent, request } from "node:http";
import { dirname, join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import {
  ALWAYS_ON_GB_SECONDS_PER_DAY,
  CONNECTS_PER_MEMBER_DAY,
  CLOUDFLARE_PRICES as PRICES,
  paidUsdPerMonth,
} from "../shared/run-cost.ts";
import { everySecondSpread } from "./lib/agents.mjs";
import { adminApi, SetupError, startControlPlane, wasInterrupted } from "./lib/control-plane.mjs";
import { openSockets } from "./lib/socket-agents.mjs";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const DAY_S = 86_400;
const MONTH_DAYS = 30;
const TARGETS = { freeMembersAt1s: 20, paidUsdPerMemberMonth: 0.05 };

function options() {
  const { values } = parseArgs({
    options: {
      members: { type: "string", default: "20" },
      seconds: { type: "string", default: "30" },
      runtime: { type: "string", default: "wrangler" },
      json: { type: "boolean", default: false },
    },
  });
  const number = (name) => {
    const value = Number(values[name]);
    if (!Number.isInteger(value) || value < 1) throw new SetupError(`--${name} must be ≥ 1`);
    return value;
  };
  return { ...values, members: number("members"), seconds: number("seconds") };
}

function heartbeatBody(member) {
  return JSON.stringify({
    hostname: member.hostname,
    agentVersion: "bench",
    services: { haproxy: { installed: true, activeState: "active" } },
    host: { cpuPercent: 3, memUsedBytes: 2 ** 30, memTotalBytes: 2 ** 33, load1: 0.1 },
  });
}

function httpBeat(agent, url, member) {
  const body = heartbeatBody(member);
  return new Promise((resolve) => {
    const req = request(`${url}/agent/v1/heartbeat`, {
      method: "POST",
      agent,
      headers: {
        Authorization: `Bearer ${member.secret}`,
        "Content-Type": "application/json",
        "Content-Length": Buffer.byteLength(body),
      },
    });
    req.on("response", (res) => res.resume().on("end", () => resolve(res.statusCode)));
    req.on("error", () => resolve("error"));
    req.end(body);
  });
}

/** Every member once a second for `seconds`, spread over the second, as real agents are. */
async function atOneHertz(members, seconds, beat) {
  const startedAt = performance.now();
  const endAt = startedAt + seconds * 1000;
  let sent = 0;
  let failed = 0;
  await everySecondSpread(members, startedAt, endAt, async (member) => {
    const status = await beat(member);
    sent += 1;
    if (status !== 200) failed += 1;
  });
  return { sent, failed, elapsedS: (performance.now() - startedAt) / 1000 };
}

async function counters(plane) {
  const { requests, coordinators } = await adminApi(plane, "GET", "/api/v1/system/stats");
  return {
    heartbeats: coordinators.heartbeats,
    socketMessages: coordinators.socketMessages,
    alarms: coordinators.alarms,
    rowsRead: requests.rowsRead + coordinators.rowsRead,
    rowsWritten: requests.rowsWritten + coordinators.rowsWritten,
  };
}

const minus = (after, before, cost = {}) =>
  Object.fromEntries(
    Object.keys(after).map((key) => [key, after[key] - before[key] - (cost[key] ?? 0)]),
  );

/** One transport's measured window, scaled to a member-day (and a pool-day for alarms). */
async function measure(plane, transport, members, seconds, statsCost) {
  let workerRequests = 0;
  let beat;
  let sockets = null;
  const agent = new Agent({ keepAlive: true });
  if (transport === "ws") {
    sockets = await openSockets(plane.url, members);
    beat = async (member) =>
      (await sockets.get(member.hostname).beat(heartbeatBody(member))).status;
  } else {
    beat = (member) => {
      workerRequests += 1;
      return httpBeat(agent, plane.url, member);
    };
  }
  await sleep(1_000); // the sockets' first messages (interval) settle outside the window
  const before = await counters(plane);
  const run = await atOneHertz(members, seconds, beat);
  const delta = minus(await counters(plane), before, statsCost);
  agent.destroy();
  for (const socket of sockets?.values() ?? []) socket.close();

  const perMemberDay = (count) => (count * DAY_S) / run.elapsedS / members.length;
  const alarmsPerPoolDay = (delta.alarms * DAY_S) / run.elapsedS;
  const wsMessages = perMemberDay(delta.socketMessages);
  const units = {
    workerRequests: transport === "ws" ? CONNECTS_PER_MEMBER_DAY : perMemberDay(workerRequests),
    objectRequests:
      (transport === "ws"
        ? wsMessages / PRICES.websocketMessagesPerRequest + CONNECTS_PER_MEMBER_DAY
        : perMemberDay(delta.heartbeats)) +
      alarmsPerPoolDay / members.length,
    wsMessages,
    d1RowsRead: perMemberDay(delta.rowsRead),
    d1RowsWritten: perMemberDay(delta.rowsWritten),
  };
  return { transport, members: members.length, run, delta, alarmsPerPoolDay, units };
}

/** Dollars per member-month on the paid plan, beyond what its $5 includes. */
const paidUsdPerMemberMonth = (units) => paidUsdPerMonth(units);

/**
 * Members of one pool that fit the free plan at `intervalS`: heartbeat-driven units scale with
 * the rate; connections and the pool's alarms do not.
 */
function freeMembersAt(result, intervalS) {
  const { units, transport, alarmsPerPoolDay } = result;
  const connects = transport === "ws" ? CONNECTS_PER_MEMBER_DAY : 0;
  const scale = (perDay, fixed = 0) => (perDay - fixed) / intervalS + fixed;
  const shareOfAlarms = alarmsPerPoolDay / result.members; // spread over the measured members
  const perMember = {
    workerRequestsPerDay: scale(units.workerRequests, connects),
    objectRequestsPerDay: scale(units.objectRequests - shareOfAlarms, connects),
    d1RowsReadPerDay: scale(units.d1RowsRead),
    d1RowsWrittenPerDay: scale(units.d1RowsWritten),
  };
  const free = PRICES.free;
  const fits = (limit, perDay, fixed = 0) =>
    perDay <= 0 ? Number.POSITIVE_INFINITY : Math.floor((limit - fixed) / perDay);
  return Math.min(
    fits(free.workerRequestsPerDay, perMember.workerRequestsPerDay),
    fits(free.objectRequestsPerDay, perMember.objectRequestsPerDay, alarmsPerPoolDay),
    fits(free.d1RowsReadPerDay, perMember.d1RowsReadPerDay),
    fits(free.d1RowsWrittenPerDay, perMember.d1RowsWrittenPerDay),
  );
}

const fmt = (value, digits = 0) =>
  value.toLocaleString("en-US", { minimumFractionDigits: digits, maximumFractionDigits: digits });

function report(print, results, opts) {
  print(
    `\nPer member-day at 1 s (${opts.members} members in one pool, ${opts.seconds} s measured)`,
  );
  print(`  ${"".padEnd(30)}${results.map((r) => r.transport.toUpperCase().padStart(14)).join("")}`);
  const row = (label, pick, digits = 0) =>
    print(`  ${label.padEnd(30)}${results.map((r) => fmt(pick(r), digits).padStart(14)).join("")}`);
  row("Worker requests", (r) => r.units.workerRequests);
  row("object requests (billed)", (r) => r.units.objectRequests);
  row("  incoming WebSocket messages", (r) => r.units.wsMessages);
  row("  alarms per pool-day", (r) => r.alarmsPerPoolDay);
  row("D1 rows read", (r) => r.units.d1RowsRead, 1);
  row("D1 rows written", (r) => r.units.d1RowsWritten, 1);
  row("paid plan, $ per member-month", (r) => paidUsdPerMemberMonth(r.units), 3);
  for (const intervalS of [1, 2, 5]) {
    row(`members that fit free, ${intervalS} s`, (r) => freeMembersAt(r, intervalS));
  }
  const ws = results.find((r) => r.transport === "ws");
  if (ws) {
    const free = freeMembersAt(ws, 1);
    const usd = paidUsdPerMemberMonth(ws.units);
    print(
      `\nTargets (WebSocket): ≥ ${TARGETS.freeMembersAt1s} members at 1 s on the free plan: ${free} (${free >= TARGETS.freeMembersAt1s ? "met" : "missed"}); ≤ $${TARGETS.paidUsdPerMemberMonth} per member-month paid: $${usd.toFixed(3)} (${usd <= TARGETS.paidUsdPerMemberMonth ? "met" : "missed"})`,
    );
  }
  const gbSeconds = ALWAYS_ON_GB_SECONDS_PER_DAY;
  print(
    `Duration, per pool (either transport): a coordinator hearing a beat every second never idles the ~10 s it needs to hibernate, so it is billed ${fmt(gbSeconds)} GB-s a day (free plan: ${fmt(PRICES.free.objectGbSecondsPerDay)} a day, one pool; paid: ${fmt(PRICES.paid.objectGbSecondsIncludedPerMonth)} a month included, then $${PRICES.paid.objectUsdPerMillionGbSeconds}/M GB-s ≈ $${((gbSeconds * MONTH_DAYS * PRICES.paid.objectUsdPerMillionGbSeconds) / 1e6).toFixed(2)} per pool-month).`,
  );
  print(
    `WebSocket connections: ${CONNECTS_PER_MEMBER_DAY} per member-day assumed (1 Worker + 1 object request each). Prices: shared/run-cost.ts (checked ${PRICES.checked}).`,
  );
}

async function main() {
  const opts = options();
  const print = opts.json ? (line) => console.error(line) : (line) => console.log(line);
  print(`Starting a local control plane (${opts.runtime}) ...`);
  const plane = await startControlPlane(root, { runtime: opts.runtime });
  try {
    const { pool } = await adminApi(plane, "POST", "/api/v1/pools", {
      name: "cost",
      failoverHostname: "lb-cost.bench.example",
      failoverDelayS: 10,
    });
    const members = [];
    for (let i = 0; i < opts.members; i++) {
      const hostname = `cost-${String(i).padStart(3, "0")}`;
      const body = { name: hostname, hostname, allowedIps: ["127.0.0.1"] };
      const { secret } = await adminApi(plane, "POST", `/api/v1/pools/${pool.id}/members`, body);
      members.push({ hostname, secret });
    }
    const [s0, s1] = [await counters(plane), await counters(plane)];
    const statsCost = minus(s1, s0);
    // First contact (unknown → online, D1 writes of the change) stays outside both windows.
    await atOneHertz(members, 2, (member) => httpBeat(new Agent(), plane.url, member));
    const results = [];
    for (const transport of ["http", "ws"]) {
      print(`Measuring ${opts.members} members over ${transport} for ${opts.seconds} s ...`);
      const result = await measure(plane, transport, members, opts.seconds, statsCost);
      if (result.run.failed > 0) print(`  ${result.run.failed} of ${result.run.sent} beats failed`);
      results.push(result);
    }
    report(print, results, opts);
    if (opts.json) console.log(JSON.stringify({ prices: PRICES, results }));
  } finally {
    await plane.stop();
  }
}

main().catch((error) => {
  if (wasInterrupted()) return;
  const reason = error instanceof SetupError ? `setup failed: ${error.message}` : error.message;
  console.error(`bench:cost: ${reason.split("\n")[0]}`);
  process.exit(1);
});
