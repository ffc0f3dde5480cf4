#!/usr/bin/env node
// `npm run bench:failover [-- --runs 5 --json]`
// Times DNS failover end to end: a real PowerDNS and a local control plane (`wrangler dev` on a
// temp directory), both on loopback; pools of two simulated agents (A active, B standby) with a
// 3 s failover delay and PowerDNS as provider. For each run, on a fresh pool and name
// (lbN.example.com), it times from the failure becoming true to `dig` (polled every 50 ms)
// answering B's address:
//   service down:   from the heartbeat that reports HAProxy "inactive" being sent;
//   heartbeat loss: from A's last heartbeat sent + the failover delay (the deadline).
// Prints median and worst next to the targets. A measurement, not a test: exits 0 when targets
// are missed, 1 (with a one-line reason) when setup fails.
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { startControlPlane } from "../test/harness/control-plane.mjs";
import { heartbeatLossRun, poolEvents, serviceDownRun, ZONE } from "../test/harness/failover.mjs";
import { createZone, digBinary, startPdns } from "../test/harness/pdns.mjs";
import { SetupError, stopOnSignal, wasInterrupted } from "./lib/control-plane.mjs";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const DELAY_S = 3;
const TARGETS = { serviceDownMs: 1500, heartbeatLossAfterDeadlineMs: 1000 };

function options() {
  let values;
  try {
    ({ values } = parseArgs({
      options: {
        runs: { type: "string", default: "5" },
        json: { type: "boolean", default: false },
      },
    }));
  } catch (error) {
    throw new SetupError(error.message);
  }
  const runs = Number(values.runs);
  if (!Number.isInteger(runs) || runs < 1 || runs > 50)
    throw new SetupError(`--runs must be a whole number from 1 to 50, not "${values.runs}"`);
  return { runs, json: values.json };
}

function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

/** Median and worst of the runs; a run whose flip was never seen counts as worst (null). */
function summarize(runs, targetMs) {
  const seen = runs.map((run) => run.latencyMs).filter((ms) => ms !== null);
  const missing = runs.length - seen.length;
  const medianMs = seen.length ? median(seen) : null;
  const worstMs = missing > 0 || seen.length === 0 ? null : Math.max(...seen);
  const met = missing === 0 && worstMs !== null && worstMs <= targetMs;
  return { runs, medianMs, worstMs, neverSeen: missing, targetMs, met };
}

/** When the coordinator decided and when PowerDNS confirmed, from the pool's events. */
async function timings(plane, poolId, reason) {
  const [promoted] = (await poolEvents(plane, poolId, "failover.promoted")).filter(
    (event) => event.data.reason === reason,
  );
  const [updated] = (await poolEvents(plane, poolId, "dns.updated")).filter(
    (event) => event.data.flip?.reason === reason,
  );
  return {
    decidedAt: promoted?.data.decidedAt ?? null,
    confirmedAt: updated?.data.confirmedAt ?? null,
  };
}

const ms = (value) => (value === null ? "never" : `${Math.round(value)} ms`);
const since = (at, start) => (at === null || start === null ? null : at - start);

async function main() {
  const opts = options();
  // With --json, stdout carries only the JSON object; the readable report goes to stderr.
  const print = opts.json ? (line) => console.error(line) : (line) => console.log(line);
  let plane = null;
  let pdns = null;
  const cleanup = async () => {
    await Promise.all([plane?.stop(), pdns?.stop()]);
  };
  stopOnSignal(cleanup);
  try {
    try {
      digBinary();
      pdns = await startPdns();
      await createZone(pdns, ZONE);
    } catch (error) {
      throw new SetupError(`PowerDNS: ${error.message.split("\n")[0]}`);
    }
    print(
      `PowerDNS on 127.0.0.1:${pdns.dnsPort} (API ${pdns.apiUrl}); starting a control plane ...`,
    );
    plane = await startControlPlane(root, { tempPrefix: "baton-bench-" });
    const env = { plane, pdns, delayS: DELAY_S };
    print(
      `${plane.url}: ${opts.runs} runs per condition, failover delay ${DELAY_S} s, dig every 50 ms\n`,
    );

    const serviceDown = [];
    const heartbeatLoss = [];
    for (let i = 0; i < opts.runs; i++) {
      const sd = await serviceDownRun(env, 2 * i + 1);
      const sdT = await timings(plane, sd.pool.id, "service_down");
      serviceDown.push({
        hostname: sd.hostname,
        latencyMs: sd.latencyMs,
        decidedMs: since(sdT.decidedAt, sd.sentAt),
        dnsConfirmedMs: since(sdT.confirmedAt, sd.sentAt),
      });
      print(
        `  service down   ${sd.hostname.padEnd(18)} dig sees B after ${ms(sd.latencyMs).padStart(8)}  (decided ${ms(since(sdT.decidedAt, sd.sentAt))}, PowerDNS confirmed ${ms(since(sdT.confirmedAt, sd.sentAt))})`,
      );

      const hb = await heartbeatLossRun(env, 2 * i + 2);
      const hbT = await timings(plane, hb.pool.id, "heartbeat_lost");
      heartbeatLoss.push({
        hostname: hb.hostname,
        latencyMs: hb.latencyMs,
        decidedMs: since(hbT.decidedAt, hb.deadline),
        dnsConfirmedMs: since(hbT.confirmedAt, hb.deadline),
      });
      print(
        `  heartbeat loss ${hb.hostname.padEnd(18)} dig sees B ${ms(hb.latencyMs).padStart(8)} after the deadline  (decided ${ms(since(hbT.decidedAt, hb.deadline))}, PowerDNS confirmed ${ms(since(hbT.confirmedAt, hb.deadline))})`,
      );
    }

    const sd = summarize(serviceDown, TARGETS.serviceDownMs);
    const hb = summarize(heartbeatLoss, TARGETS.heartbeatLossAfterDeadlineMs);
    const mark = (summary) => (summary.met ? "met" : "MISSED");
    const never = (summary) => (summary.neverSeen ? `, ${summary.neverSeen} never flipped` : "");
    print("\nTime from the failure becoming true to dig answering the standby's address");
    print(
      `  service down    median ${ms(sd.medianMs)}, worst ${ms(sd.worstMs)}${never(sd)}   target ≤ ${TARGETS.serviceDownMs} ms: ${mark(sd)}`,
    );
    print(
      `  heartbeat loss  median ${ms(hb.medianMs)}, worst ${ms(hb.worstMs)} after the deadline (last heartbeat + ${DELAY_S} s)${never(hb)}   target ≤ ${TARGETS.heartbeatLossAfterDeadlineMs} ms: ${mark(hb)}`,
    );
    if (opts.json) {
      const config = { runs: opts.runs, failoverDelayS: DELAY_S, digIntervalMs: 50 };
      console.log(JSON.stringify({ config, targets: TARGETS, serviceDown: sd, heartbeatLoss: hb }));
    }
  } finally {
    await cleanup();
  }
}

main().catch(async (error) => {
  if (wasInterrupted()) return; // the signal handler stops everything and exits
  const reason = error instanceof SetupError ? `setup failed: ${error.message}` : error.message;
  console.error(`bench:failover: ${reason.split("\n")[0]}`);
  process.exit(1);
});
