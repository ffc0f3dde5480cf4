import { describe, expect, it } from "vitest";
import { LOST_BEATS_CHASED, NoAnswer, Refused, Unavailable } from "../../../agent/control-plane";
import { createLogger } from "../../../agent/log";
import {
  BACKOFF_CAP_MS,
  backoffDelay,
  collectReport,
  defaultSleep,
  HEARTBEAT_RETRY_CAP_MS,
  roundTripMs,
  runLoop,
} from "../../../agent/loop";
import type { Probe } from "../../../agent/probes/probe";
import { Wake } from "../../../agent/wake";
import { HEARTBEAT_RTT_MAX_MS, Heartbeat, type HeartbeatResponse } from "../../../shared/index";

function capture() {
  const lines: Record<string, unknown>[] = [];
  const log = createLogger({ level: "debug", write: (line) => lines.push(JSON.parse(line)) });
  return { log, lines };
}

const OK: HeartbeatResponse = {
  jobs: [],
  intervalMs: 1000,
  serverTime: 0,
  schedules: [],
  wants: { haproxyStat: false },
};

/**
 * Runs the loop against scripted answers (one per beat; the loop stops after the last) and
 * records the delays it sleeps.
 */
async function script(answers: (HeartbeatResponse | Error)[], probes: Probe[] = []) {
  const { log, lines } = capture();
  const controller = new AbortController();
  const delays: number[] = [];
  const reports: Heartbeat[] = [];
  let beat = 0;
  await runLoop({
    client: {
      async heartbeat(report) {
        reports.push(report);
        const answer = answers[beat++];
        if (beat >= answers.length) controller.abort();
        if (answer instanceof Error) throw answer;
        if (!answer) throw new Error("no more answers");
        return answer;
      },
    },
    hostname: "vm-1",
    agentVersion: "1.2.3",
    probes,
    log,
    signal: controller.signal,
    random: () => 0.5,
    sleep: async (ms) => {
      delays.push(ms);
    },
  });
  return { lines, delays, reports };
}

describe("backoff", () => {
  it("full jitter over 1 s doubling to a 30 s cap", () => {
    const ceilings = [0, 1, 2, 3, 4, 5, 6, 10].map((n) => backoffDelay(n, () => 0.999999));
    expect(ceilings).toEqual([999, 1999, 3999, 7999, 15999, 29999, 29999, 29999]);
    expect(backoffDelay(3, () => 0)).toBe(0);
    expect(backoffDelay(100, () => 0.5)).toBe(BACKOFF_CAP_MS / 2);
  });

  it("the loop retries an unavailable control plane within 2 s, resets on success and follows intervalMs", async () => {
    const down = new Unavailable("control plane answered 503", 503);
    const { delays } = await script([down, down, down, { ...OK, intervalMs: 2000 }, down, OK]);
    // random() = 0.5, equal jitter: 0.75 of 0.25 s doubling (0.25, 0.5, 1 s); the interval;
    // 0.75 of 0.25 s again after the success; the interval.
    expect(delays).toEqual([187, 375, 750, 2000, 187, 1000]);
  });

  it("a long control-plane outage never makes the agent wait longer than 2 s", async () => {
    // Any wait at or above the failover delay's 3 s floor would make a healthy member look dead
    // once the control plane is back (issue #12: a 28.6 s wait after a 28 s outage).
    const unreachable = new Unavailable("connect ECONNREFUSED 127.0.0.1:8787");
    const { delays } = await script([...Array(40).fill(unreachable), OK]);
    expect(Math.max(...delays.slice(0, 40))).toBeLessThanOrEqual(HEARTBEAT_RETRY_CAP_MS);
    expect(HEARTBEAT_RETRY_CAP_MS).toBeLessThan(3_000);
    expect(Math.min(...delays.slice(0, 40))).toBeGreaterThan(0);
  });

  it("a beat nobody answered (lost in a blip) is sent again at once", async () => {
    // The transport already spent the beat's timeout trying fresh connections every 250 ms;
    // waiting on top of it would let a 2 s blip outlast a 3 s failover delay.
    const lost = new NoAnswer("no answer within 1000 ms");
    const { delays } = await script([lost, lost, OK]);
    expect(delays).toEqual([0, 0, 1000]);
  });

  it("a silence longer than a blip backs off as for an unavailable control plane", async () => {
    // Chasing every lost beat at once would pile onto a control plane that is coming back.
    const lost = new NoAnswer("no answer within 1000 ms");
    const { delays } = await script([...Array(LOST_BEATS_CHASED + 3).fill(lost), OK]);
    expect(delays.slice(0, LOST_BEATS_CHASED)).toEqual(Array(LOST_BEATS_CHASED).fill(0));
    expect(delays.slice(LOST_BEATS_CHASED, LOST_BEATS_CHASED + 3)).toEqual([1500, 1500, 1500]);
  });

  it("refusals still back off to the 30 s cap (a fix takes a person, not a retry)", async () => {
    const bad = new Refused(401, "bad_secret", "The secret does not match.");
    const { delays } = await script([...Array(8).fill(bad), OK]);
    expect(delays.slice(0, 8)).toEqual([500, 1000, 2000, 4000, 8000, 15000, 15000, 15000]);
  });
});

describe("out-of-cycle beats", () => {
  it("a wake-up ends the wait at once: the next beat does not wait for the interval", async () => {
    const { log } = capture();
    const controller = new AbortController();
    const wake = new Wake();
    let beats = 0;
    await runLoop({
      client: {
        async heartbeat() {
          beats += 1;
          if (beats === 1) setTimeout(() => wake.now(), 10);
          else controller.abort();
          return { ...OK, intervalMs: 600_000 }; // only a wake-up can bring the second beat
        },
      },
      hostname: "vm-1",
      agentVersion: "1.2.3",
      probes: [],
      log,
      signal: controller.signal,
      wake,
    });
    expect(beats).toBe(2);
  });

  it("a wake-up during a beat is kept for the wait after it", async () => {
    const wake = new Wake();
    wake.now();
    await wake.sleep(600_000, new AbortController().signal, defaultSleep);
  });
});

describe("refusals", () => {
  it("are logged once per distinct code with the fix, and the loop keeps beating", async () => {
    const bad = new Refused(401, "bad_secret", "The secret does not match.");
    const ip = new Refused(403, "ip_not_allowed", "127.0.0.2 is not allowed.");
    const { lines, reports } = await script([bad, bad, bad, ip, ip, bad, OK]);
    const refused = lines.filter((line) => line.msg === "heartbeat refused");
    expect(refused.map((line) => line.code)).toEqual(["bad_secret", "ip_not_allowed"]);
    expect(refused[0]?.fix).toBe("rotate the member's secret and update BATON_TOKEN");
    expect(refused[1]?.fix).toBe("add this host's egress IP to the member's allowed IPs");
    expect(reports).toHaveLength(7);
    expect(lines.some((line) => line.msg === "heartbeat accepted")).toBe(true);
  });

  it("hands every accepted answer over and reports the running job in each beat", async () => {
    const job = {
      id: "job-1",
      kind: "haproxy.reload" as const,
      payload: {},
      timeoutMs: 60_000,
      deadlineAt: 0,
      attempt: 1,
    };
    const { log, lines } = capture();
    const controller = new AbortController();
    const answers: HeartbeatResponse[] = [];
    const reports: Heartbeat[] = [];
    const queue: HeartbeatResponse[] = [{ ...OK, jobs: [job] }, OK];
    await runLoop({
      client: {
        async heartbeat(report) {
          reports.push(report);
          const answer = queue.shift() ?? OK;
          if (queue.length === 0) controller.abort();
          return answer;
        },
      },
      hostname: "vm-1",
      agentVersion: "1.2.3",
      probes: [],
      log,
      signal: controller.signal,
      sleep: async () => {},
      onAnswer: (answer) => {
        answers.push(answer);
        if (answers.length === 1) throw new Error("a consumer's bug");
      },
      runningJob: () => (answers.length > 0 ? { id: "job-1", startedAt: 5 } : undefined),
    });
    expect(answers.map((answer) => answer.jobs.map((one) => one.id))).toEqual([["job-1"], []]);
    expect(reports[0]?.runningJob).toBeUndefined();
    expect(reports[1]?.runningJob).toEqual({ id: "job-1", startedAt: 5 });
    expect(lines.filter((line) => line.msg === "heartbeat answer not handled")).toHaveLength(1);
  });
});

describe("round-trip", () => {
  /**
   * Beats against a monotonic clock that only the fake control plane and the sleeps move: each
   * answer takes `latencies[n]` ms (an Error answer fails after it), each sleep its delay.
   */
  async function timed(latencies: number[], answers: (HeartbeatResponse | Error)[]) {
    const { log } = capture();
    const controller = new AbortController();
    const reports: Heartbeat[] = [];
    let clock = 1_000_000.25;
    let beat = 0;
    await runLoop({
      client: {
        async heartbeat(report) {
          reports.push(structuredClone(report));
          clock += latencies[beat] ?? 0;
          const answer = answers[beat++];
          if (beat >= answers.length) controller.abort();
          if (answer instanceof Error) throw answer;
          return answer ?? OK;
        },
      },
      hostname: "vm-1",
      agentVersion: "1.2.3",
      probes: [],
      log,
      signal: controller.signal,
      random: () => 0.5,
      sleep: async (ms) => {
        clock += ms;
      },
      monotonicMs: () => clock,
    });
    return reports;
  }

  it("each beat carries the previous accepted beat's round-trip, not the sleep between", async () => {
    const reports = await timed([12.4, 30.6, 7, 0], [OK, OK, OK, OK]);
    expect(reports.map((report) => report.rttMs)).toEqual([undefined, 12, 31, 7]);
    // What the agent sends is what the control plane accepts.
    for (const report of reports) expect(Heartbeat.safeParse(report).success).toBe(true);
  });

  it("a failed beat has no round-trip: the beat after it carries none", async () => {
    const down = new Unavailable("control plane answered 503", 503);
    const refused = new Refused(401, "bad_secret", "no");
    const reports = await timed([5, 9_000, 8, 4, 6], [OK, down, OK, refused, OK, OK]);
    expect(reports.map((report) => report.rttMs)).toEqual([
      undefined,
      5,
      undefined,
      8,
      undefined,
      6,
    ]);
  });

  it("is whole, non-negative ms within the protocol's bound", () => {
    expect(roundTripMs(100, 100)).toBe(0);
    expect(roundTripMs(100, 100.4)).toBe(0);
    expect(roundTripMs(100, 100.5)).toBe(1);
    expect(roundTripMs(100, 99)).toBe(0);
    expect(roundTripMs(0, 10 * 60_000)).toBe(HEARTBEAT_RTT_MAX_MS);
    const slow = { hostname: "h", agentVersion: "1", rttMs: roundTripMs(0, 1e9) };
    expect(Heartbeat.safeParse(slow).success).toBe(true);
  });
});

describe("probes", () => {
  it("a failing, slow or off-contract probe is left out of the beat, never stops it", async () => {
    const { log, lines } = capture();
    const probes: Probe[] = [
      { name: "ip", collect: async () => ({ publicIp: "203.0.113.9" }) },
      {
        name: "boom",
        collect: async () => {
          throw new Error("kaput");
        },
      },
      { name: "slow", timeoutMs: 20, collect: () => new Promise(() => {}) },
      { name: "junk", collect: async () => ({ publicIp: "not-an-ip" }) },
      { name: "spoof", collect: async () => ({ hostname: "other" }) },
    ];
    const failing = new Set<string>();
    const base = { hostname: "vm-1", agentVersion: "1.2.3" };
    const report = await collectReport(base, probes, log, failing);
    expect(report).toEqual({ ...base, publicIp: "203.0.113.9" });
    expect([...failing].sort()).toEqual(["boom", "junk", "slow"]);
    await collectReport(base, probes, log, failing);
    expect(lines.filter((line) => String(line.msg).startsWith("probe failed"))).toHaveLength(3);
  });
});
