/**
 * A rolling rollout with real parts, for the traffic test and `npm run bench:rollout`: members
 * are real HAProxy instances run by the agent's DirectServiceManager, each step is the agent's
 * own `balancer.apply` handler, and the order is the control plane's own (worker/rollouts/plan.ts:
 * standbys first, the active last, stop at a failure). Clients send requests to every member
 * throughout and count what failed. One host, so members differ by port and socket (on real VMs
 * their texts are identical); everything is on loopback and removed afterwards.
 */
import { mkdtemp, rm } from "node:fs/promises";
import { createServer, request, type Server } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { applyBalancer } from "../../../agent/balancer/apply";
import { JobFailed } from "../../../agent/jobs/types";
import { nextMove, planSteps } from "../../../worker/rollouts/plan";
import { freePort } from "../haproxy/haproxy-instance";
import { MemoryJobApi, testJob } from "../jobs/job-context";
import { type Site, startHaproxySite } from "../jobs/sites";
import { haproxyRevision, payloadFor } from "./revisions";

export interface LabMember {
  name: string;
  site: Site;
  port: number;
  socket: string;
  priority: number;
}

export interface Lab {
  members: LabMember[];
  upstreamPort: number;
  /** This member's text of `revision` (`upstream` overrides the backend server's port). */
  textFor(member: LabMember, revision: number, upstream?: number): string;
  stop(): Promise<void>;
}

/** `count` members (the first is the active), each HAProxy serving the shared upstream. */
export async function startLab(count: number): Promise<Lab> {
  const dir = await mkdtemp(join(tmpdir(), "baton-rollout-lab-"));
  const upstream: Server = createServer((_req, res) => res.end("upstream\n"));
  await new Promise<void>((resolve) => upstream.listen(0, "127.0.0.1", resolve));
  const address = upstream.address();
  const upstreamPort = typeof address === "object" && address ? address.port : 0;
  const members: LabMember[] = [];
  const stop = async () => {
    for (const member of members) await member.site.stop();
    await new Promise((resolve) => upstream.close(resolve));
    await rm(dir, { recursive: true, force: true });
  };
  try {
    for (let i = 0; i < count; i++) {
      const port = await freePort();
      const socket = join(dir, `admin-${i}.sock`);
      const site = await startHaproxySite({ socket, port, body: "hand", upstream: upstreamPort });
      members.push({ name: `edge-${i + 1}`, site, port, socket, priority: i + 1 });
    }
  } catch (error) {
    await stop();
    throw error;
  }
  const textFor = (member: LabMember, revision: number, upstream = upstreamPort) =>
    haproxyRevision({ revision, socket: member.socket, port: member.port, upstream });
  return { members, upstreamPort, textFor, stop };
}

export interface Traffic {
  /** Stops sending; resolves with what every request saw. */
  stop(): Promise<{ requests: number; errors: number; firstError: string | null }>;
}

/** One client sending GET / to `port` back to back on fresh connections. */
export function sendTraffic(port: number): Traffic {
  let running = true;
  const seen = { requests: 0, errors: 0, firstError: null as string | null };
  const once = () =>
    new Promise<void>((resolve) => {
      const fail = (why: string) => {
        seen.errors += 1;
        seen.firstError ??= why;
        resolve();
      };
      const req = request(
        { host: "127.0.0.1", port, path: "/", agent: false, timeout: 2_000 },
        (res) => {
          res.resume();
          res.on("end", () =>
            res.statusCode === 200 ? resolve() : fail(`HTTP ${res.statusCode}`),
          );
        },
      );
      req.on("timeout", () => req.destroy(new Error("timed out")));
      req.on("error", (error) => fail(error.message));
      req.end();
    });
  const loop = (async () => {
    while (running) {
      seen.requests += 1;
      await once();
      await sleep(2);
    }
  })();
  return {
    async stop() {
      running = false;
      await loop;
      return seen;
    },
  };
}

export interface StepResult {
  name: string;
  role: "standby" | "active";
  status: "succeeded" | "failed" | "skipped";
  ms: number;
  message: string;
}

/**
 * Rolls `revision` out over the lab in the control plane's order, rolling (one member at a
 * time), stopping at the first failure. `textFor` gives each member its text.
 */
export async function rollOut(
  lab: Lab,
  revision: number,
  textFor: (member: LabMember) => string = (member) => lab.textFor(member, revision),
): Promise<StepResult[]> {
  const active = lab.members[0]?.name ?? null;
  const plan = planSteps(
    lab.members.map((m) => ({ id: m.name, name: m.name, priority: m.priority, online: true })),
    active,
  );
  const steps = plan.map((step) => ({ ...step }));
  const results: StepResult[] = [];
  for (;;) {
    const move = nextMove(steps, "rolling");
    if (move.kind !== "start") break;
    for (const position of move.positions) {
      const step = steps[position] as (typeof steps)[number];
      const member = lab.members.find((m) => m.name === step.memberId) as LabMember;
      const job = testJob({
        kind: "balancer.apply",
        services: member.site.services,
        config: { ...member.site.config, probeUrl: `http://127.0.0.1:${member.port}/` },
        api: new MemoryJobApi(),
      });
      const began = performance.now();
      try {
        await applyBalancer(payloadFor("haproxy", revision, textFor(member)), job.ctx);
        step.status = "succeeded";
        results.push({
          name: step.memberName,
          role: step.role,
          status: "succeeded",
          ms: performance.now() - began,
          message: job.lines.at(-1) ?? "",
        });
      } catch (error) {
        step.status = "failed";
        const message = error instanceof JobFailed ? error.message : String(error);
        results.push({
          name: step.memberName,
          role: step.role,
          status: "failed",
          ms: performance.now() - began,
          message,
        });
      }
    }
  }
  for (const step of steps.filter((s) => s.status === "pending")) {
    results.push({
      name: step.memberName,
      role: step.role,
      status: "skipped",
      ms: 0,
      message: "not reached",
    });
  }
  return results;
}
