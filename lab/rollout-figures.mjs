// Pure parts of the rollout scenarios (lab/rollouts.mjs): the lab's balancer model and what a
// finished rollout says, tested in test/lab/rollout-figures.test.ts.

/** An address in the lab's subnet that no host has: a bind to it validates but cannot be made. */
export const UNBINDABLE_ADDRESS = "10.77.0.99";

/**
 * The lab's balancer model: `fe_web` on :80 in front of the host's own backend (127.0.0.1:8080),
 * health-checked. `variant` changes a timeout so each call can make a new revision; `unbindable`
 * adds a frontend bound to an address the host does not have (HAProxy's check passes; the agent
 * refuses it before the swap); `failingHealth` makes the health check want a 5xx from a backend
 * that answers 200 (it validates, swaps and reloads, then the backend goes down: the standby's
 * step must fail and put the previous file back).
 */
export function labModel({ variant = 0, unbindable = false, failingHealth = false } = {}) {
  const web = {
    name: "fe_web",
    binds: [{ port: 80 }],
    defaultBackend: "be_app",
    timeouts: { clientMs: 30_000 + variant * 1000 },
  };
  const trap = {
    name: "fe_unbindable",
    binds: [{ address: UNBINDABLE_ADDRESS, port: 8443 }],
    defaultBackend: "be_app",
  };
  return {
    frontends: unbindable ? [web, trap] : [web],
    backends: [
      {
        name: "be_app",
        healthCheck: {
          path: "/",
          intervalMs: 500,
          timeoutMs: 400,
          rise: 1,
          fall: 2,
          // The backend answers 200: a check that wants a 5xx never passes.
          ...(failingHealth ? { expectStatus: { min: 500, max: 599 } } : {}),
        },
        servers: [{ name: "app1", address: "127.0.0.1", port: 8080 }],
      },
    ],
  };
}

/** Each step's member, role, status and duration in ms (null while it has not both times). */
export function stepTimes(rollout) {
  return rollout.steps.map((step) => ({
    member: step.memberName,
    role: step.role,
    status: step.status,
    ms:
      step.startedAt !== null && step.finishedAt !== null ? step.finishedAt - step.startedAt : null,
    note: step.note,
  }));
}

/** "h2 standby 1.2 s (job 0.9 s), h1 active 1.4 s" (a failed or skipped step says so). */
export function describeSteps(steps) {
  return steps
    .map((step) => {
      const job = step.jobMs == null ? "" : ` (job ${(step.jobMs / 1000).toFixed(1)} s)`;
      const time = step.ms === null ? "" : ` ${(step.ms / 1000).toFixed(1)} s${job}`;
      const status = step.status === "succeeded" ? "" : ` ${step.status}`;
      return `${step.member} ${step.role}${time}${status}`;
    })
    .join(", ");
}

/**
 * What is wrong with a finished rollout against what the scenario expects: `succeeded` (every
 * step succeeded) or `stopped at the standby` (the first standby failed, the active skipped).
 * Empty when it ended as expected.
 */
export function rolloutProblems(rollout, expect) {
  const problems = [];
  const steps = rollout.steps;
  if (expect === "succeeded") {
    if (rollout.status !== "succeeded")
      problems.push(`rollout ${rollout.status}: ${rollout.reason ?? "no reason"}`);
    for (const step of steps.filter((s) => s.status !== "succeeded"))
      problems.push(`${step.memberName} ${step.status}`);
  } else {
    if (rollout.status !== "failed") problems.push(`rollout ${rollout.status}, not failed`);
    const first = steps[0];
    if (first?.role !== "standby" || first.status !== "failed")
      problems.push(
        `first step ${first?.memberName ?? "none"} ${first?.status ?? ""}, not a failed standby`,
      );
    for (const step of steps.filter((s) => s.role === "active" && s.status !== "skipped"))
      problems.push(`the active ${step.memberName} was ${step.status}, not skipped`);
  }
  return problems;
}

/** The members whose text differs from `expected` (byte for byte), by role name. */
export function filesDiffering(files, expected) {
  return files.filter((file) => file.text !== expected).map((file) => file.role);
}
