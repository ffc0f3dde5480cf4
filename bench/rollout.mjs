#!/usr/bin/env node
// `npm run bench:rollout [-- --members 3 --rounds 3 --json]`
// A rolling rollout of the managed balancer over real HAProxy members, as the control plane
// orders it (standbys first, the active last) with each step the agent's own balancer.apply:
// validate with certificates in place → swap → reload → listeners accept → backend health
// settles → local probe. A client sends requests to every member throughout. Prints each
// member's step time (health wait included) and the errors its clients saw, per round.
// Targets (issue #16): at most 3 s per member, 0 client errors. A measurement: exits 0 when a
// target is missed (the table says so), 1 when setup fails. Runs under tsx (it imports the
// agent's TypeScript); HAProxy must be installed (npm run setup:system).
import { parseArgs } from "node:util";
import { rollOut, sendTraffic, startLab } from "../test/agent/balancer/rollout-lab.ts";

const TARGETS = { stepMs: 3_000, clientErrors: 0 };
const { values } = parseArgs({
  options: {
    members: { type: "string", default: "3" },
    rounds: { type: "string", default: "3" },
    json: { type: "boolean", default: false },
  },
});
const memberCount = Number(values.members);
const rounds = Number(values.rounds);

let lab;
try {
  lab = await startLab(memberCount);
} catch (error) {
  console.error(`setup failed: ${error.message}`);
  process.exit(1);
}
const results = [];
try {
  for (let round = 1; round <= rounds; round++) {
    const clients = lab.members.map((member) => ({
      name: member.name,
      traffic: sendTraffic(member.port),
    }));
    const started = performance.now();
    const steps = await rollOut(lab, round);
    const totalMs = performance.now() - started;
    const seen = await Promise.all(
      clients.map(async (c) => ({ name: c.name, ...(await c.traffic.stop()) })),
    );
    results.push({ round, revision: round, totalMs, steps, clients: seen });
  }
} finally {
  await lab.stop();
}

if (values.json) {
  console.log(JSON.stringify({ targets: TARGETS, results }, null, 2));
} else {
  console.log(
    `bench:rollout: rolling rollout over ${memberCount} real HAProxy members, ${rounds} rounds`,
  );
  console.log("round  member  role     status     step ms  client requests  client errors");
  for (const { round, steps, clients, totalMs } of results) {
    for (const step of steps) {
      const client = clients.find((c) => c.name === step.name);
      console.log(
        `${String(round).padEnd(6)} ${step.name.padEnd(7)} ${step.role.padEnd(8)} ${step.status.padEnd(10)} ${step.ms.toFixed(0).padStart(7)}  ${String(client?.requests ?? 0).padStart(15)}  ${String(client?.errors ?? 0).padStart(13)}`,
      );
    }
    console.log(`       whole rollout: ${totalMs.toFixed(0)} ms`);
  }
  const all = results.flatMap((r) => r.steps);
  const worst = Math.max(...all.map((s) => s.ms));
  const errors = results.flatMap((r) => r.clients).reduce((sum, c) => sum + c.errors, 0);
  const failed = all.filter((s) => s.status !== "succeeded").length;
  const met = worst <= TARGETS.stepMs && errors === TARGETS.clientErrors && failed === 0;
  console.log(
    `slowest step ${worst.toFixed(0)} ms (target ≤ ${TARGETS.stepMs}), client errors ${errors} (target ${TARGETS.clientErrors}), failed steps ${failed}: ${met ? "targets met" : "TARGET MISSED"}`,
  );
}
