// Rollout scenarios (issue #16's proof, end to end): a balancer model PUT through the admin API,
// rolled out by the control plane's coordinator as `balancer.apply` jobs to the real bundled
// agents on the lab's hosts, while the client probe keeps asking the pool's name. Each returns
// what lab/run.mjs measures, plus `failures` (what ended otherwise than it must) and notes.
import { createHash } from "node:crypto";
import { appendFileSync, readFileSync } from "node:fs";
import { setTimeout as sleep } from "node:timers/promises";
import { roles } from "./actions.mjs";
import { waitFor } from "./lab.mjs";
import { startMemberTraffic } from "./member-traffic.mjs";
import {
  describeSteps,
  filesDiffering,
  labModel,
  rolloutProblems,
  stepTimes,
} from "./rollout-figures.mjs";

const ROLLOUT_TIMEOUT_MS = 120_000;
/** How long the agents get to report the new file in a heartbeat after the rollout ended. */
const REPORT_TIMEOUT_MS = 10_000;
const sha256 = (text) => createHash("sha256").update(text).digest("hex");
const shortSha = (sha) => sha?.slice(0, 12) ?? "none";

/** Every call makes a model no earlier call made, so a PUT always creates a revision. */
let variants = 0;

async function putModel(lab, pool, options = {}) {
  variants += 1;
  const model = labModel({ variant: variants, ...options });
  const { balancer } = await lab.api("PUT", `/api/v1/pools/${pool.id}/balancer`, model);
  return balancer.revision;
}

/**
 * Rolls `revision` out while every member is asked directly; returns the finished rollout, how
 * many direct requests were made, and `errorsOf(roles)`: ["h2: 3 of 40 direct requests failed,
 * first ECONNREFUSED"] for those of `roles` (default: every member) that saw any.
 */
async function rollOutUnderTraffic(lab, pool, revision) {
  return underTraffic(pool, () => rollOut(lab, pool, revision));
}

/** Runs `work` (it returns the finished rollout) while every member is asked directly. */
async function underTraffic(pool, work) {
  const traffic = startMemberTraffic(pool.hosts);
  let rollout;
  let seen;
  try {
    rollout = await work();
  } finally {
    seen = await traffic.stop();
  }
  const errorsOf = (roles = Object.keys(seen)) =>
    roles
      .filter((role) => seen[role].errors > 0)
      .map((role) => {
        const t = seen[role];
        return `${role}: ${t.errors} of ${t.requests} direct requests failed, first ${t.firstError}`;
      });
  const requests = Object.values(seen).reduce((sum, t) => sum + t.requests, 0);
  return { rollout, memberErrors: errorsOf(), errorsOf, requests };
}

/** Starts a rolling rollout of `revision` and waits until it is no longer running. */
async function rollOut(lab, pool, revision) {
  const { rollout } = await lab.api("POST", `/api/v1/pools/${pool.id}/rollouts`, {
    revision,
    strategy: "rolling",
  });
  return rolloutEnd(lab, pool, rollout);
}

/** Waits until `rollout` is no longer running; returns it as it ended. */
function rolloutEnd(lab, pool, rollout) {
  return waitFor(
    `${rollout.kind} of revision ${rollout.revision} on ${pool.name} to end`,
    async () => {
      const now = await lab.api("GET", `/api/v1/pools/${pool.id}/rollouts/${rollout.id}`);
      return now.rollout.status === "running" ? null : now.rollout;
    },
    ROLLOUT_TIMEOUT_MS,
  );
}

/**
 * The rollout's step times with each step's job time on the agent (`jobMs`: validate → probe;
 * the rest of the step is delivery and the result's way back), and the job's last output line.
 */
async function stepsOf(lab, rollout) {
  const steps = stepTimes(rollout);
  for (const [i, step] of rollout.steps.entries()) {
    if (!step.jobId) continue;
    const { job } = await lab.api("GET", `/api/v1/jobs/${step.jobId}`);
    const ran = job.startedAt !== null && job.finishedAt !== null;
    steps[i].jobMs = ran ? job.finishedAt - job.startedAt : null;
    const output = String(job.outputTail ?? "").trim();
    steps[i].lastLine = output.split("\n").at(-1)?.slice(0, 160);
    steps[i].output = output; // in --json only: where a slow step spent its time
  }
  return steps;
}

/** `GET …/balancer/render`: exactly what the agent must write for `revision`. */
async function renderOf(lab, pool, revision) {
  const res = await fetch(
    `${lab.plane.url}/api/v1/pools/${pool.id}/balancer/render?target=${pool.kind}&revision=${revision}`,
    { headers: { Authorization: `Bearer ${lab.plane.adminToken}` } },
  );
  if (!res.ok) throw new Error(`render of revision ${revision} answered ${res.status}`);
  return res.text();
}

const liveRevision = async (lab, pool) =>
  (await lab.api("GET", `/api/v1/pools/${pool.id}/balancer/state`)).balancer.liveRevision;

/** The config file on each host's disk now (the lab shares one filesystem). */
const filesOf = (pool) =>
  pool.hosts.map((host) => ({ role: host.role, text: readFileSync(host.configFile, "utf8") }));

/**
 * Waits until every member's heartbeat reports `sha` for its balancer file (members API);
 * returns the roles that still report something else when the wait ends.
 */
async function reportsOtherThan(lab, pool, sha) {
  let others = [];
  await waitFor(
    `${pool.name}'s members to report ${shortSha(sha)}`,
    async () => {
      const { members } = await lab.api("GET", `/api/v1/pools/${pool.id}/members`);
      others = members.filter((m) => m.balancer?.sha256 !== sha).map((m) => m.name);
      return others.length === 0;
    },
    REPORT_TIMEOUT_MS,
  ).catch(() => {});
  return others;
}

/** A live revision to start from: the pool's, or a first rollout made now (not measured). */
async function ensureLive(lab, pool) {
  const live = await liveRevision(lab, pool);
  if (live !== null) return live;
  const first = await rollOut(lab, pool, await putModel(lab, pool));
  const problems = rolloutProblems(first, "succeeded");
  if (problems.length) throw new Error(`the first managed rollout failed: ${problems.join("; ")}`);
  return first.revision;
}

/** Checks after a rollout that must succeed: files and heartbeats on its revision. */
async function landedProblems(lab, pool, rollout, expectedText) {
  const what = `file differs from revision ${rollout.revision}'s render`;
  return [
    ...rolloutProblems(rollout, "succeeded"),
    ...(await filesOtherThan(lab, pool, expectedText, what)),
  ];
}

/** Members whose file on disk (`what` says why that is wrong) or reported file is not `text`. */
async function filesOtherThan(lab, pool, text, what) {
  const failures = [];
  const differing = filesDiffering(filesOf(pool), text);
  if (differing.length) failures.push(`${differing.join(", ")}: ${what}`);
  const stale = await reportsOtherThan(lab, pool, sha256(text));
  if (stale.length) failures.push(`${stale.join(", ")}: heartbeat reports another file`);
  return failures;
}

/**
 * Rolls `revision` out while requests go to every member, and checks it landed as `text`: the
 * run's failures, its steps once they settled, and how many direct requests were sent.
 */
async function rollOutAndLand(lab, pool, revision, text) {
  const { rollout, memberErrors, requests } = await rollOutUnderTraffic(lab, pool, revision);
  const failures = [...memberErrors, ...(await landedProblems(lab, pool, rollout, text))];
  await sleep(1000);
  return { failures, steps: await stepsOf(lab, rollout), requests };
}

/** A rolling rollout of a new revision over both members while the client runs. */
function rolling(id, poolKind) {
  return {
    id,
    pool: poolKind,
    title: `rolling rollout of a new revision over both ${poolKind} members`,
    kind: "rollout",
    async run(lab, pool) {
      await ensureLive(lab, pool);
      const { active } = await roles(lab, pool);
      const revision = await putModel(lab, pool);
      const text = await renderOf(lab, pool, revision);
      const t0 = Date.now();
      const { failures, steps, requests } = await rollOutAndLand(lab, pool, revision, text);
      return {
        t0,
        oldIp: active.ip,
        expectFlips: 0,
        failures,
        steps,
        notes: `rev ${revision}: ${describeSteps(steps)}; both on ${shortSha(sha256(text))}; ${requests} direct requests to the members`,
      };
    },
  };
}

/**
 * A revision that the control plane accepts but that fails on the standby (`bad`: labModel's
 * options): the rollout stops there, every file stays the live revision's (the standby's rolled
 * back byte for byte), the active is never touched and its direct requests never fail. The
 * standby's own direct requests may fail while the bad revision is in place: noted, not a failure.
 */
function badStandby(id, title, bad) {
  return {
    id,
    pool: "haproxy",
    title,
    kind: "rollout",
    async run(lab, pool) {
      const live = await ensureLive(lab, pool);
      const liveText = await renderOf(lab, pool, live);
      const { active, standby } = await roles(lab, pool);
      const revision = await putModel(lab, pool, bad);
      const t0 = Date.now();
      const traffic = await rollOutUnderTraffic(lab, pool, revision);
      const { rollout, requests } = traffic;
      const failures = [
        ...traffic.errorsOf([active.role]),
        ...rolloutProblems(rollout, "stopped at the standby"),
      ];
      const what = `file is not the live revision ${live}'s`;
      failures.push(...(await filesOtherThan(lab, pool, liveText, what)));
      if ((await liveRevision(lab, pool)) !== live) failures.push("the live revision changed");
      await sleep(1000);
      const failed = rollout.steps.find((step) => step.status === "failed");
      const steps = await stepsOf(lab, rollout);
      const standbyErrors = traffic.errorsOf([standby.role]).join("");
      return {
        t0,
        oldIp: active.ip,
        expectFlips: 0,
        failures,
        steps,
        notes: `rev ${revision}: ${describeSteps(steps)}; both still on rev ${live}; ${requests} direct requests${standbyErrors ? ` (${standbyErrors})` : ""}; ${String(failed?.note ?? "").slice(0, 140)}`,
      };
    },
  };
}

/**
 * The standby's managed file edited by hand (a comment appended: HAProxy runs on unchanged),
 * reported as drift (one event, the standby not ready under parity), then put back by an
 * operator's `POST /members/:id/balancer/reapply` while every member is asked directly: one
 * `repair` step, both files byte for byte the live render again, heartbeats on it, live revision
 * unchanged, no direct request to either member failing.
 */
const driftRepair = {
  id: "drift-repair",
  pool: "haproxy",
  title: "a hand edit on the standby (drift), put back with Re-apply live config",
  kind: "rollout",
  async run(lab, pool) {
    const live = await ensureLive(lab, pool);
    const liveText = await renderOf(lab, pool, live);
    const { active, standby } = await roles(lab, pool);
    const since = Date.now();
    appendFileSync(standby.configFile, "# tuned by hand during an incident\n");
    const edited = sha256(readFileSync(standby.configFile, "utf8"));
    const drifts = async () =>
      (
        await lab.api("GET", `/api/v1/pools/${pool.id}/events?type=balancer.drift&limit=50`)
      ).events.filter((event) => event.memberId === standby.memberId && event.at >= since);
    await waitFor(
      `${standby.role}'s drift to be recorded`,
      async () => (await drifts()).length > 0,
      REPORT_TIMEOUT_MS,
    );
    const failures = [];
    const { members } = await lab.api("GET", `/api/v1/pools/${pool.id}/members`);
    if (members.find((m) => m.id === standby.memberId)?.balancer?.sha256 !== edited)
      failures.push("the standby's heartbeat does not report the edited file");
    const t0 = Date.now();
    const traffic = await underTraffic(pool, async () => {
      const { rollout } = await lab.api(
        "POST",
        `/api/v1/members/${standby.memberId}/balancer/reapply`,
      );
      return rolloutEnd(lab, pool, rollout);
    });
    const { rollout, memberErrors, requests } = traffic;
    failures.push(...memberErrors, ...(await landedProblems(lab, pool, rollout, liveText)));
    if (rollout.kind !== "repair" || rollout.steps.length !== 1)
      failures.push(`expected one repair step, got ${rollout.kind} of ${rollout.steps.length}`);
    if ((await liveRevision(lab, pool)) !== live) failures.push("the live revision changed");
    const recorded = (await drifts()).length;
    if (recorded !== 1) failures.push(`${recorded} drift events for one hand edit`);
    await sleep(1000);
    const steps = await stepsOf(lab, rollout);
    return {
      t0,
      oldIp: active.ip,
      expectFlips: 0,
      failures,
      steps,
      notes: `rev ${live} put back on ${standby.role}: ${describeSteps(steps)}; ${recorded} drift event; files byte for byte = render of rev ${live}; ${requests} direct requests to the members`,
    };
  },
};

export const ROLLOUT_FAULTS = [
  rolling("rollout-rolling", "haproxy"),
  badStandby(
    "rollout-bad-standby",
    "rollout of a revision whose health check never passes: fails on the standby after its reload",
    { failingHealth: true },
  ),
  badStandby(
    "rollout-unbindable",
    "rollout of a revision that binds an address the host lacks: refused on the standby",
    { unbindable: true },
  ),
  {
    id: "rollback",
    pool: "haproxy",
    title: "roll out a new revision, then the previous one again (rollback)",
    kind: "rollout",
    async run(lab, pool) {
      const previous = await ensureLive(lab, pool);
      const { active } = await roles(lab, pool);
      const next = await rollOut(lab, pool, await putModel(lab, pool));
      const setup = rolloutProblems(next, "succeeded");
      if (setup.length)
        throw new Error(`the rollout before the rollback failed: ${setup.join("; ")}`);
      const previousText = await renderOf(lab, pool, previous);
      const t0 = Date.now();
      const landed = await rollOutAndLand(lab, pool, previous, previousText);
      const { failures, steps, requests } = landed;
      return {
        t0,
        oldIp: active.ip,
        expectFlips: 0,
        failures,
        steps,
        notes: `rev ${next.revision} → rev ${previous}: ${describeSteps(steps)}; files byte for byte = render of rev ${previous}; ${requests} direct requests to the members`,
      };
    },
  },
  driftRepair,
  rolling("rollout-nginx", "nginx"),
];
