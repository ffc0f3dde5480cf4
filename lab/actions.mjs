// What the faults do to the lab and ask of it, through the same doors an operator uses: the admin
// API (failover status, jobs, events), the hosts' processes and links, and the client's samples.
import { setTimeout as sleep } from "node:timers/promises";
import { killService, serviceRunning, startAgent } from "./hosts.mjs";
import { digAnswer, waitFor } from "./lab.mjs";
import { setLinked } from "./topology.mjs";

const JOB_ENDS = ["succeeded", "failed", "timed_out", "cancelled"];

export const failoverStatus = async (lab, pool) =>
  (await lab.api("GET", `/api/v1/pools/${pool.id}/failover`)).failover;

/** The pool's active host by the coordinator, and the other one. */
export async function roles(lab, pool) {
  const { activeMemberId } = await failoverStatus(lab, pool);
  const active = pool.hosts.find((host) => host.memberId === activeMemberId) ?? pool.hosts[0];
  const standby = pool.hosts.find((host) => host !== active);
  return { active, standby };
}

/** Queues a job on the host's member and waits for its end: { status, outputTail }. */
export async function runJob(lab, host, kind, payload = {}, timeoutMs = 60_000) {
  const { job } = await lab.api("POST", `/api/v1/members/${host.memberId}/jobs`, { kind, payload });
  return waitFor(
    `${kind} on ${host.role} to end`,
    async () => {
      const { job: now } = await lab.api("GET", `/api/v1/jobs/${job.id}`);
      return JOB_ENDS.includes(now.status) ? now : null;
    },
    timeoutMs,
  );
}

/** The pool's `failover.promoted` events decided at or after `since`, oldest first. */
export async function promotionsSince(lab, pool, since) {
  const { events } = await lab.api(
    "GET",
    `/api/v1/pools/${pool.id}/events?type=failover.promoted&limit=50`,
  );
  return events
    .map((event) => event.data)
    .filter((data) => data.decidedAt >= since)
    .sort((a, b) => a.decidedAt - b.decidedAt);
}

/**
 * Alarms the pool raised since `since` ("2 member.offline, 1 failover.no_ready_standby"): not
 * flips, but what an operator is woken by; empty when none.
 */
export async function alarmsSince(lab, pool, since) {
  const types = "member.offline,failover.no_ready_standby";
  const { events } = await lab.api("GET", `/api/v1/pools/${pool.id}/events?type=${types}&limit=50`);
  const counts = new Map();
  for (const event of events.filter((e) => e.at >= since))
    counts.set(event.type, (counts.get(event.type) ?? 0) + 1);
  return [...counts].map(([type, count]) => `${count} ${type}`).join(", ");
}

/** Holds until the name answers `ip` and the client's last three samples were served, or throws. */
export async function waitServedBy(lab, pool, ip, timeoutMs) {
  await waitFor(
    `${pool.name} to answer ${ip} and serve the client`,
    async () => {
      if ((await digAnswer(pool.name))[0] !== ip) return false;
      const recent = lab.samples.get(pool.name).slice(-3);
      return recent.length === 3 && recent.every((s) => s.ok && s.answer?.[0] === ip);
    },
    timeoutMs,
  );
}

/**
 * Back to a clean state between runs: links up, provider and control plane answering, every
 * host's agent and balancer running and its server ready, both members ready, the client
 * served by whichever member is active (no failback is forced: the active stays where it is).
 */
export async function restore(lab, pool) {
  lab.proxy.down = false;
  for (const role of [...pool.hosts.map((host) => host.role), "cp"])
    setLinked(lab.prefix, role, true);
  if (lab.planePaused) {
    await lab.plane.resume();
    lab.planePaused = false;
  }
  for (const host of pool.hosts) {
    if (host.agentDown) startAgent(host, host.secret);
    host.agentDown = false;
  }
  await sleep(1500);
  for (const host of pool.hosts) {
    if (!serviceRunning(host)) await runJob(lab, host, `${pool.kind}.start`);
    if (host.drained) {
      await runJob(lab, host, "haproxy.ready", { backend: "be_app", server: "app1" });
      host.drained = false;
    }
  }
  await waitFor(
    `every member of ${pool.name} to be ready`,
    async () => (await failoverStatus(lab, pool)).members.every((m) => m.ready),
    60_000,
  );
  const { active } = await roles(lab, pool);
  await waitServedBy(lab, pool, active.ip, 30_000);
  return active;
}

export { killService, setLinked };
