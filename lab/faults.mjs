// The fault matrix. Each fault breaks the lab at t0, watches until its outcome is settled, and
// returns what measureRun needs: t0, the old active's address, how many promotions are due, the
// intervals in which a member could not serve, and notes. `restore()` (actions.mjs) runs between.
import { setTimeout as sleep } from "node:timers/promises";
import { killService, roles, runJob, setLinked, waitServedBy } from "./actions.mjs";
import { haproxyConfig, killAgent } from "./hosts.mjs";
import { ROLLOUT_FAULTS } from "./rollouts.mjs";

/** How long a flip may take before the run counts it as never seen. */
const flipTimeoutMs = (lab) => lab.delayMs + 20_000;
/** After a must-not-flip fault ends: long enough for a wrong decision to show. */
const settleMs = (lab) => lab.delayMs + 3_000;

/** Waits for the flip to `to` (client served by it), never throwing: a miss is a figure. */
async function flipTo(lab, pool, to, timeoutMs = flipTimeoutMs(lab)) {
  try {
    await waitServedBy(lab, pool, to.ip, timeoutMs);
    return true;
  } catch {
    return false;
  }
}

/** A service-down fault: the active's balancer is killed; traffic must move to the standby. */
function serviceDown(id, poolKind) {
  return {
    id,
    pool: poolKind,
    title: `kill the active's ${poolKind === "haproxy" ? "HAProxy" : "nginx"}`,
    kind: "service_down",
    async run(lab, pool) {
      const { active, standby } = await roles(lab, pool);
      const t0 = Date.now();
      killService(active);
      const cannotServe = [{ memberId: active.memberId, from: t0, to: null }];
      await flipTo(lab, pool, standby);
      await sleep(2000);
      return { t0, oldIp: active.ip, expectFlips: 1, cannotServe };
    },
  };
}

/** A heartbeat-loss fault: `cut` silences the active; traffic must move after the delay. */
function heartbeatLoss(id, title, cut, heal) {
  return {
    id,
    pool: "haproxy",
    title,
    kind: "heartbeat_loss",
    async run(lab, pool) {
      const { active, standby } = await roles(lab, pool);
      const t0 = Date.now();
      cut(lab, active);
      // A cut link makes the old active unreachable for the client too; a killed agent does not.
      const cannotServe = heal ? [{ memberId: active.memberId, from: t0, to: null }] : [];
      const flipped = await flipTo(lab, pool, standby);
      await sleep(2000);
      let notes = flipped ? "" : "no flip seen";
      if (heal) {
        heal(lab, active);
        cannotServe[0].to = Date.now();
        await sleep(settleMs(lab)); // a flap back after the heal would show here
        notes += " healed";
      }
      return {
        t0,
        oldIp: active.ip,
        expectFlips: 1,
        deadlineDelayMs: lab.delayMs,
        cannotServe,
        notes: notes.trim(),
      };
    },
  };
}

const partition = (lab, host) => setLinked(lab.prefix, host.role, false);
const heal = (lab, host) => setLinked(lab.prefix, host.role, true);

/**
 * A control-plane outage of `seconds`: the control plane's namespace is cut off the bridge (the
 * agents, the provider proxy and the orchestrator cannot reach it; it keeps running, as a Worker
 * that the edge cannot reach would), then joined again. Exact durations, unlike a restart.
 */
function planeOutage(seconds) {
  return {
    id: `cp-outage-${seconds}s`,
    pool: "haproxy",
    title: `control plane unreachable ${seconds} s (its namespace cut off)`,
    kind: "no_flip",
    async run(lab, pool) {
      const { active } = await roles(lab, pool);
      const t0 = Date.now();
      setLinked(lab.prefix, "cp", false);
      await sleep(seconds * 1000);
      setLinked(lab.prefix, "cp", true);
      await sleep(settleMs(lab) + 2000);
      return { t0, oldIp: active.ip, expectFlips: 0 };
    },
  };
}

/** A real restart: wrangler dev stopped and started again on the same state (D1, Durable Objects). */
const planeRestart = {
  id: "cp-restart",
  pool: "haproxy",
  title: "control plane stopped and started again, state kept",
  kind: "no_flip",
  async run(lab, pool) {
    const { active } = await roles(lab, pool);
    const t0 = Date.now();
    lab.planePaused = true;
    await lab.plane.pause();
    await lab.plane.resume();
    lab.planePaused = false;
    const backAt = Date.now();
    await sleep(settleMs(lab) + 2000);
    return {
      t0,
      oldIp: active.ip,
      expectFlips: 0,
      notes: `down ${((backAt - t0) / 1000).toFixed(1)} s (stop + start)`,
    };
  },
};

export const FAULTS = [
  serviceDown("haproxy-kill", "haproxy"),
  heartbeatLoss("agent-kill", "kill the active's agent", (_lab, host) => {
    killAgent(host);
    host.agentDown = true;
  }),
  heartbeatLoss("partition", "partition the active, heal after the flip", partition, heal),
  {
    id: "blip-2s",
    pool: "haproxy",
    title: "2 s network blip on the active (must not flip)",
    kind: "no_flip",
    async run(lab, pool) {
      const { active } = await roles(lab, pool);
      const t0 = Date.now();
      partition(lab, active);
      await sleep(2000);
      heal(lab, active);
      await sleep(settleMs(lab));
      return { t0, oldIp: active.ip, expectFlips: 0 };
    },
  },
  planeOutage(5),
  planeOutage(30),
  planeOutage(60),
  planeRestart,
  {
    id: "both-down",
    pool: "haproxy",
    title: "both members' HAProxy down; the standby's comes back first",
    kind: "both_down",
    async run(lab, pool) {
      const { active, standby } = await roles(lab, pool);
      const t0 = Date.now();
      killService(active);
      killService(standby);
      const cannotServe = [
        { memberId: active.memberId, from: t0, to: null },
        { memberId: standby.memberId, from: t0, to: null },
      ];
      await sleep(lab.delayMs + 2000);
      const backAt = Date.now();
      const job = await runJob(lab, standby, "haproxy.start");
      cannotServe[1].to = job.finishedAt ?? Date.now();
      const flipped = await flipTo(lab, pool, standby);
      await sleep(2000);
      return {
        t0,
        answerFrom: backAt,
        oldIp: active.ip,
        expectFlips: 1,
        cannotServe,
        notes: `${flipped ? "" : "traffic never reached the standby; "}answer timed from the standby's start job`,
      };
    },
  },
  {
    id: "dns-down-flip",
    pool: "haproxy",
    title: "DNS provider down 20 s during a flip (HAProxy killed)",
    kind: "provider_down",
    async run(lab, pool) {
      const { active, standby } = await roles(lab, pool);
      const t0 = Date.now();
      lab.proxy.down = true;
      killService(active);
      await sleep(20_000);
      const providerBackAt = Date.now();
      const calls = lab.proxy.countBetween(t0, providerBackAt);
      lab.proxy.down = false;
      await flipTo(lab, pool, standby, 30_000);
      await sleep(1000);
      return {
        t0,
        answerFrom: providerBackAt,
        oldIp: active.ip,
        expectFlips: 1,
        cannotServe: [{ memberId: active.memberId, from: t0, to: null }],
        providerCalls: calls,
        notes: "answer timed from the provider's return; calls during the 20 s outage",
      };
    },
  },
  {
    id: "bad-config",
    pool: "haproxy",
    title: "config that validates but cannot bind, applied to the active",
    kind: "no_flip",
    async run(lab, pool) {
      const { active } = await roles(lab, pool);
      const t0 = Date.now();
      const bad = haproxyConfig(active.site, [
        "frontend fe_bad",
        "  bind 10.99.99.99:8443",
        "  default_backend be_app",
      ]);
      const job = await runJob(lab, active, "haproxy.config.apply", { config: bad }, 90_000);
      await sleep(settleMs(lab));
      const tail = String(job.outputTail ?? job.output ?? "")
        .replace(/\s+/g, " ")
        .trim();
      return {
        t0,
        oldIp: active.ip,
        expectFlips: 0,
        notes: `job ${job.status}: ${tail.slice(-160)}`,
      };
    },
  },
  {
    id: "drained-standby",
    pool: "haproxy",
    title:
      "standby's only server drained, then the active's HAProxy killed (must not flip onto it)",
    kind: "no_flip",
    async run(lab, pool) {
      const { active, standby } = await roles(lab, pool);
      const drain = await runJob(lab, standby, "haproxy.drain", {
        backend: "be_app",
        server: "app1",
      });
      standby.drained = true;
      const drainedAt = Date.now();
      await sleep(2500); // a heartbeat or two carries the drained state
      const t0 = Date.now();
      killService(active);
      await sleep(settleMs(lab) + 2000);
      return {
        t0,
        oldIp: active.ip,
        expectFlips: 0,
        cannotServe: [
          { memberId: standby.memberId, from: drainedAt, to: null },
          { memberId: active.memberId, from: t0, to: null },
        ],
        notes: `drain job ${drain.status}`,
      };
    },
  },
  serviceDown("nginx-kill", "nginx"),
  // Last: once a rollout has made a pool's config managed, raw config apply (bad-config) is refused.
  ...ROLLOUT_FAULTS,
];

export const SMOKE_FAULTS = ["haproxy-kill", "blip-2s", "drained-standby"];
/** The smoke's failover delay (see lab/run.mjs): a blip of 2 s must never flip at 5 s. */
export const SMOKE_DELAY_S = 5;
