// Simulated agents for the dashboard's browser tests: each enrolled member sends a heartbeat once
// a second (POST /agent/v1/heartbeat, the body shared/heartbeat.ts defines) until stopped, which
// is how a test makes the active "die". Jobs delivered in a heartbeat's answer are acked and
// answered with a result and an output tail (shared/jobs.ts), as the real agent would after
// running them (beats go on while a job runs), so a queued job shows output on the page. When a
// heartbeat's answer asks for HAProxy's status table (`wants.haproxyStat`: someone has the
// member's Status tab open), an agent with a `statTable` posts it to /agent/v1/haproxy/stat beside
// its beats, at most one push at a time, as agent/haproxy/stat-push.ts does. A test may set
// `figures` (host metrics, HAProxy sessions, rttMs) to send over the defaults. Every timer is
// cleared on stop, and each agent stops by itself after a while should its owner forget.
import type { HaproxyStatRow } from "../../shared/haproxy-stat";
import type { Heartbeat, HeartbeatResponse } from "../../shared/heartbeat";
import type { JobDelivery } from "../../shared/jobs";

const REQUEST_TIMEOUT_MS = 5_000;
const MAX_LIFETIME_MS = 10 * 60_000;

export interface AgentMember {
  hostname: string;
  /** The enrollment secret POST /api/v1/pools/:poolId/members answered with. */
  secret: string;
  publicIp: string;
}

/** What a simulated job run reports: by default success with a short, recognisable output. */
export interface JobOutcome {
  status: "succeeded" | "failed";
  exitCode: number | null;
  outputTail: string;
}

/** "Runs" a job; may take its time (heartbeats go on meanwhile, as with the real agent). */
export type JobRunner = (job: JobDelivery, member: AgentMember) => JobOutcome | Promise<JobOutcome>;

export const defaultJobRunner: JobRunner = (job, member) => ({
  status: "succeeded",
  exitCode: 0,
  outputTail: `[${member.hostname}] ${job.kind} ok (simulated)\n`,
});

export interface AgentFailure {
  at: number;
  what: string;
  status: number | string;
  body: string;
}

export class SimulatedAgent {
  readonly member: AgentMember;
  readonly url: string;
  /** Heartbeats answered 200. */
  ok = 0;
  /** Requests not answered 2xx (heartbeats, acks, results). */
  readonly failures: AgentFailure[] = [];
  /** Jobs this agent reported a result for, by id. */
  readonly finishedJobs = new Map<string, JobOutcome>();
  lastSentAt: number | null = null;
  runJob: JobRunner;
  /** HAProxy's `show stat` rows as this agent would read them now; null: no stats socket. */
  statTable: (() => HaproxyStatRow[]) | null = null;
  /** Status tables the control plane accepted. */
  statPushes = 0;
  #statPush: Promise<void> | null = null;
  /** Sections sent in every beat over the defaults, e.g. `{ host, haproxy, rttMs }`. */
  figures: Partial<Heartbeat> = {};
  #timer: ReturnType<typeof setTimeout> | null = null;
  #wake: (() => void) | null = null;
  #loop: Promise<void> | null = null;
  #stopped = false;
  #intervalMs = 1_000;
  /** Jobs being run: id → when the agent started it; their promises, for stop(). */
  #running = new Map<string, { startedAt: number; done: Promise<void> }>();

  constructor(url: string, member: AgentMember, runJob: JobRunner = defaultJobRunner) {
    this.url = url;
    this.member = member;
    this.runJob = runJob;
  }

  get running(): boolean {
    return this.#loop !== null && !this.#stopped;
  }

  start(): this {
    if (this.#loop) return this;
    const endAt = Date.now() + MAX_LIFETIME_MS;
    this.#loop = (async () => {
      while (!this.#stopped && Date.now() < endAt) {
        const sentAt = Date.now();
        await this.#beat();
        const wait = sentAt + this.#intervalMs - Date.now();
        if (wait > 0 && !this.#stopped)
          await new Promise<void>((resolve) => {
            this.#wake = resolve;
            this.#timer = setTimeout(resolve, wait);
          });
      }
    })();
    return this;
  }

  /** Stops sending; resolves once a request in flight is answered, with when the last beat went. */
  async stop(): Promise<number | null> {
    this.#stopped = true;
    if (this.#timer) clearTimeout(this.#timer);
    this.#wake?.();
    await this.#loop;
    await Promise.all([...this.#running.values()].map((job) => job.done));
    await this.#statPush;
    return this.lastSentAt;
  }

  async #post(path: string, body: unknown): Promise<{ status: number | string; text: string }> {
    try {
      const res = await fetch(`${this.url}${path}`, {
        method: "POST",
        headers: {
          Authorization: `Bearer ${this.member.secret}`,
          "X-Baton-Protocol": "1",
          "User-Agent": "baton-agent/browser-sim",
          "Content-Type": "application/json",
        },
        body: JSON.stringify(body),
        signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
      });
      const text = await res.text();
      if (!res.ok)
        this.failures.push({ at: Date.now(), what: path, status: res.status, body: text });
      return { status: res.status, text };
    } catch (error) {
      const err = error as Error & { cause?: { code?: string } };
      const status = err.cause?.code ?? err.name ?? "fetch_error";
      this.failures.push({ at: Date.now(), what: path, status, body: String(err.message) });
      return { status, text: "" };
    }
  }

  async #beat(): Promise<void> {
    this.lastSentAt = Date.now();
    const [running] = this.#running;
    const { status, text } = await this.#post("/agent/v1/heartbeat", {
      hostname: this.member.hostname,
      agentVersion: "0.0.0-browser-sim",
      publicIp: this.member.publicIp,
      services: { haproxy: { installed: true, activeState: "active", version: "2.6.12" } },
      haproxy: { version: "2.6.12", currentConnections: 3, sessionRate: 1 },
      ...this.figures,
      ...(running ? { runningJob: { id: running[0], startedAt: running[1].startedAt } } : {}),
    });
    if (status !== 200) return;
    this.ok += 1;
    const answer = JSON.parse(text) as HeartbeatResponse;
    if (answer.intervalMs > 0) this.#intervalMs = answer.intervalMs;
    if (answer.wants?.haproxyStat && this.statTable && !this.#statPush) {
      const rows = this.statTable();
      this.#statPush = this.#post("/agent/v1/haproxy/stat", { collectedAt: Date.now(), rows })
        .then(({ status }) => {
          if (status === 204) this.statPushes += 1;
        })
        .finally(() => {
          this.#statPush = null;
        });
    }
    for (const job of answer.jobs ?? []) {
      if (this.#running.has(job.id) || this.finishedJobs.has(job.id)) continue;
      const startedAt = Date.now();
      const done = this.#run(job, startedAt).finally(() => this.#running.delete(job.id));
      this.#running.set(job.id, { startedAt, done });
    }
  }

  /** Acks a delivered job, "runs" it, and reports its result with the output tail. */
  async #run(job: JobDelivery, startedAt: number): Promise<void> {
    const ack = await this.#post(`/agent/v1/jobs/${job.id}/ack`, { startedAt });
    if (ack.status !== 200) return; // redelivered in a later heartbeat
    const outcome = await this.runJob(job, this.member);
    const result = await this.#post(`/agent/v1/jobs/${job.id}/result`, {
      ...outcome,
      startedAt,
      finishedAt: Math.max(Date.now(), startedAt),
    });
    if (result.status === 200) this.finishedJobs.set(job.id, outcome);
  }
}

/** One simulated agent per member, started or stopped together or one by one. */
export class AgentFleet {
  readonly agents = new Map<string, SimulatedAgent>();
  constructor(readonly url: string) {}

  /** Adds (not starts) an agent for the member with this id. */
  add(memberId: string, member: AgentMember, runJob?: JobRunner): SimulatedAgent {
    const agent = new SimulatedAgent(this.url, member, runJob);
    this.agents.set(memberId, agent);
    return agent;
  }

  get(memberId: string): SimulatedAgent {
    const agent = this.agents.get(memberId);
    if (!agent) throw new Error(`no simulated agent for member ${memberId}`);
    return agent;
  }

  start(memberId?: string): void {
    if (memberId) this.get(memberId).start();
    else for (const agent of this.agents.values()) agent.start();
  }

  stop(memberId: string): Promise<number | null> {
    return this.get(memberId).stop();
  }

  async stopAll(): Promise<void> {
    await Promise.all([...this.agents.values()].map((agent) => agent.stop()));
  }

  /** Every failed request of every agent, for assertion messages. */
  failures(): (AgentFailure & { memberId: string })[] {
    return [...this.agents].flatMap(([memberId, agent]) =>
      agent.failures.map((failure) => ({ memberId, ...failure })),
    );
  }
}
