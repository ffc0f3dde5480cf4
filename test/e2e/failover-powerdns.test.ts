// End to end: the real control plane (`wrangler dev`: Worker, D1, pool coordinators) moves a
// name served by a real PowerDNS when the active member fails, as `dig` sees it. Members are
// simulated agents in this process sending one heartbeat a second. Each case has its own pool
// and name (lb1, lb2, lb3 .example.com). Needs pdns_server, sqlite3 and dig: without them every
// case fails, it is never skipped.
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { adminApi, type ControlPlane, startControlPlane } from "../harness/control-plane.mjs";
import {
  answers,
  type DigAnswer,
  heartbeatLossRun,
  IP_A,
  IP_B,
  noReadyStandbyRun,
  poolEvents,
  type ScenarioEnv,
  serviceDownRun,
  ZONE,
} from "../harness/failover.mjs";
import { digBinary } from "../harness/pdns.mjs";
import { createZone, type PdnsServer, startPdns } from "../worker/dns/pdns-server";

const root = fileURLToPath(new URL("../..", import.meta.url));
const DELAY_S = 3;
const CASE_TIMEOUT_MS = 120_000; // a bound on waiting, not a measurement (harness FIRST_ANSWER_TIMEOUT_MS)

let pdns: PdnsServer | undefined;
let plane: ControlPlane | undefined;
let startError: unknown;

beforeAll(async () => {
  try {
    digBinary();
    pdns = await startPdns();
    await createZone(pdns, ZONE);
    plane = await startControlPlane(root, { tempPrefix: "baton-e2e-" });
  } catch (error) {
    startError = error; // every case then fails with it, rather than being skipped
  }
}, 150_000);

afterAll(async () => {
  const pids = [...(plane?.groups() ?? []), ...(pdns?.pid ? [pdns.pid] : [])];
  const dirs = [plane?.dir, pdns?.dir].filter((dir): dir is string => dir !== undefined);
  await Promise.all([plane?.stop(), pdns?.stop()]);
  // Nothing this file started may outlive it.
  const alive = pids.filter((pid) => {
    try {
      process.kill(pid, 0);
      return true;
    } catch {
      return false;
    }
  });
  expect(alive, "processes still running after stop").toEqual([]);
  expect(dirs.filter((dir) => existsSync(dir))).toEqual([]);
}, 30_000);

function env(): ScenarioEnv {
  if (startError || !pdns || !plane)
    throw startError ?? new Error("PowerDNS or the control plane did not start");
  return { plane, pdns, delayS: DELAY_S };
}

/** What dig answered, in runs, for failure messages: "+50..+2980ms 198.51.100.1 (59×); …". */
function timeline(history: DigAnswer[], from: number): string {
  const runs: { first: number; last: number; text: string; count: number }[] = [];
  for (const h of history) {
    const text = h.answer?.join(",") || h.error || "(empty)";
    const at = h.endedAt - from;
    const run = runs.at(-1);
    if (run?.text === text) Object.assign(run, { last: at, count: run.count + 1 });
    else runs.push({ first: at, last: at, text, count: 1 });
  }
  return `dig answers, ms after the reference: ${runs
    .map((r) => `+${r.first}..+${r.last} ${r.text} (${r.count}×)`)
    .join("; ")}`;
}

describe("DNS failover with PowerDNS, end to end", () => {
  it(
    "moves the name to the standby when the active's heartbeats stop, not before the delay",
    async () => {
      const run = await heartbeatLossRun(env(), 1);
      const story = timeline(run.history, run.lastSentAt);

      expect(run.firstAnswer).toEqual([IP_A]);
      expect(run.seenAt, `never answered ${IP_B}: ${story}`).not.toBeNull();
      // Not earlier than A's last heartbeat + the delay: every answer before it was still A.
      const early = run.history.filter(
        (h) => h.endedAt < run.deadline && h.answer !== null && !answers(IP_A)(h.answer),
      );
      expect(early, story).toEqual([]);
      expect(run.seenAt ?? 0).toBeGreaterThanOrEqual(run.deadline);
      // Generous: the benchmark holds the 1 s target; this only says "soon after".
      expect(run.latencyMs ?? Number.POSITIVE_INFINITY, story).toBeLessThan(3_000);

      const promoted = await poolEvents(env().plane, run.pool.id, "failover.promoted");
      const flip = promoted.find((event) => event.data.reason === "heartbeat_lost");
      expect(flip).toMatchObject({
        memberId: run.b.id,
        data: { from: run.a.id, to: run.b.id, fromIp: IP_A, toIp: IP_B },
      });
      expect(flip?.data.decidedAt as number).toBeGreaterThanOrEqual(run.deadline);
      expect(run.a.agent.failures).toEqual([]);
      expect(run.b.agent.failures).toEqual([]);
    },
    CASE_TIMEOUT_MS,
  );

  it(
    "moves the name to the standby on the heartbeat that reports HAProxy inactive",
    async () => {
      const run = await serviceDownRun(env(), 2);
      const story = timeline(run.history, run.sentAt ?? 0);

      expect(run.firstAnswer).toEqual([IP_A]);
      expect(run.reportStatus).toBe(200);
      expect(run.seenAt, `never answered ${IP_B}: ${story}`).not.toBeNull();
      // Well inside the 3 s delay: the report acted, not A's silence (A kept beating anyway).
      expect(run.latencyMs ?? Number.POSITIVE_INFINITY, story).toBeLessThanOrEqual(2_000);

      const promoted = await poolEvents(env().plane, run.pool.id, "failover.promoted");
      expect(promoted.map((event) => event.data.reason).sort()).toEqual([
        "no_active",
        "service_down",
      ]);
      expect(promoted.find((event) => event.data.reason === "service_down")).toMatchObject({
        memberId: run.b.id,
        data: { from: run.a.id, to: run.b.id, toIp: IP_B },
      });
      expect(run.a.agent.failures).toEqual([]);
      expect(run.b.agent.failures).toEqual([]);
    },
    CASE_TIMEOUT_MS,
  );

  it(
    "keeps the name on the silent active when the standby's HAProxy is down, and alerts once",
    async () => {
      const holdMs = 3_000;
      const run = await noReadyStandbyRun(env(), 3, holdMs);
      const story = timeline(run.history, run.lastSentAt);

      expect(run.firstAnswer).toEqual([IP_A]);
      expect(run.standbyReport.status).toBe(200);
      // Watched without a gap until the delay + 3 s had passed: A's address all along.
      expect(run.history.at(-1)?.endedAt ?? 0).toBeGreaterThanOrEqual(run.deadline + holdMs - 100);
      const other = run.history.filter((h) => h.answer === null || !answers(IP_A)(h.answer));
      expect(other, story).toEqual([]);

      const { plane } = env();
      const alerts = await poolEvents(plane, run.pool.id, "failover.no_ready_standby");
      expect(alerts).toHaveLength(1);
      expect(alerts[0]).toMatchObject({
        memberId: run.a.id,
        data: { activeId: run.a.id, failure: "heartbeat_lost" },
      });
      const promoted = await poolEvents(plane, run.pool.id, "failover.promoted");
      expect(promoted.map((event) => event.data.reason)).toEqual(["no_active"]);
      const { pool } = await adminApi(plane, "GET", `/api/v1/pools/${run.pool.id}`);
      expect(pool.activeMemberId).toBe(run.a.id);
      expect(run.a.agent.failures).toEqual([]);
      expect(run.b.agent.failures).toEqual([]);
    },
    CASE_TIMEOUT_MS,
  );
});
