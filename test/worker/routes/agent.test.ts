import { describe, expect, it } from "vitest";
import type { ErrorBody } from "../../../shared/errors";
import type { Whoami } from "../../../shared/heartbeat";
import type { Job } from "../../../shared/jobs";
import type { Member } from "../../../shared/members";
import { OUTPUT_TAIL_MAX_CHARS } from "../../../shared/protocol";
import {
  AGENT_IP,
  admin,
  agentCall,
  call,
  createPool,
  deliverJobs,
  enroll,
  expectError,
  heartbeat,
  queueJob,
} from "../helpers";

const OUTSIDE_IP = "192.0.2.99";

function issuePaths(result: { body: unknown }) {
  return (result.body as ErrorBody).error.issues?.map((issue) => issue.path);
}

async function member(overrides: Record<string, unknown> = {}) {
  return enroll((await createPool()).id, overrides);
}

/** A member with one job delivered to it by a heartbeat. */
async function memberWithDeliveredJob() {
  const enrolled = await member();
  const job = await queueJob(enrolled.member.id, { kind: "haproxy.reload" });
  expect(await deliverJobs(enrolled)).toEqual([job.id]);
  return { enrolled, job };
}

function result(body: Record<string, unknown> = {}) {
  const now = Date.now();
  return {
    status: "succeeded",
    exitCode: 0,
    outputTail: "ok",
    startedAt: now,
    finishedAt: now,
    ...body,
  };
}

describe("POST /agent/v1/heartbeat", () => {
  it("accepts the minimal body and marks the member online", async () => {
    const enrolled = await member();
    const beat = await call<{ jobs: unknown[]; intervalMs: number; serverTime: number }>(
      "/agent/v1/heartbeat",
      {
        body: { hostname: enrolled.member.hostname, agentVersion: "0.1.0" },
        headers: { Authorization: `Bearer ${enrolled.secret}`, "CF-Connecting-IP": AGENT_IP },
      },
    );
    expect(beat.status).toBe(200);
    expect(beat.body).toMatchObject({ jobs: [], intervalMs: 1000 });
    expect(beat.body.serverTime).toEqual(expect.any(Number));
    const fetched = await admin<{ member: Member }>(`/members/${enrolled.member.id}`);
    expect(fetched.body.member).toMatchObject({ status: "online", agentVersion: "0.1.0" });
  });

  it("hands members of a pool with a short failover delay a shorter interval", async () => {
    // A 2 s blip must not flip a pool at the 3 s floor: its members beat every 500 ms.
    const pool = await createPool({ failoverDelayS: 3 });
    const enrolled = await enroll(pool.id);
    expect((await heartbeat(enrolled)).body.intervalMs).toBe(500);

    const changed = await admin(`/pools/${pool.id}`, {
      method: "PATCH",
      body: { failoverDelayS: 5 },
    });
    expect(changed.status).toBe(200);
    expect((await heartbeat(enrolled)).body.intervalMs).toBe(833);

    await admin(`/pools/${pool.id}`, { method: "PATCH", body: { failoverDelayS: 30 } });
    expect((await heartbeat(enrolled)).body.intervalMs).toBe(1000);
  });

  it("accepts a full report", async () => {
    const enrolled = await member();
    const beat = await heartbeat(enrolled, {
      services: { haproxy: { installed: true, activeState: "active", version: "2.8.5" } },
      haproxy: {
        currentConnections: 12,
        backends: [
          { name: "be_app", status: "UP", serversUp: 2, serversTotal: 2, currentSessions: 3 },
        ],
      },
      host: { cpuPercent: 12.5, memUsedBytes: 1, memTotalBytes: 2, load1: 0.3 },
      publicIp: "198.51.100.4",
    });
    expect(beat.status).toBe(200);
  });

  it("hands queued jobs to the agent", async () => {
    const enrolled = await member();
    const job = await queueJob(enrolled.member.id, {
      kind: "haproxy.drain",
      payload: { backend: "be_app" },
    });
    const beat = await heartbeat(enrolled);
    expect(beat.body.jobs).toEqual([
      {
        id: job.id,
        kind: "haproxy.drain",
        payload: { backend: "be_app" },
        timeoutMs: 60_000,
        deadlineAt: job.deadlineAt,
        attempt: 1,
      },
    ]);
    const fetched = await admin<{ job: Job }>(`/jobs/${job.id}`);
    expect(fetched.body.job).toMatchObject({ status: "delivered", deliveryCount: 1 });
    // Delivered and not yet due again: the next beat carries nothing.
    expect((await heartbeat(enrolled)).body.jobs).toEqual([]);
  });

  it("refuses an invalid body, naming the field", async () => {
    const enrolled = await member();
    const noVersion = await call("/agent/v1/heartbeat", {
      body: { hostname: enrolled.member.hostname },
      headers: { Authorization: `Bearer ${enrolled.secret}`, "CF-Connecting-IP": AGENT_IP },
    });
    expectError(noVersion, 400, "validation_failed");
    expect(issuePaths(noVersion)).toEqual(["agentVersion"]);
    expect((noVersion.body as ErrorBody).error.message).toContain("agentVersion");

    const badCpu = await heartbeat(enrolled, {
      host: { cpuPercent: 150, memUsedBytes: 1, memTotalBytes: 2, load1: 0 },
    });
    expectError(badCpu, 400, "validation_failed");
    expect(issuePaths(badCpu)).toEqual(["host.cpuPercent"]);

    const badService = await heartbeat(enrolled, {
      services: { haproxy: { installed: true, activeState: "sleeping" as "active" } },
    });
    expectError(badService, 400, "validation_failed");
    expect(issuePaths(badService)).toEqual(["services.haproxy.activeState"]);
  });

  it("answers 401 bad_secret for a missing or unknown secret", async () => {
    const enrolled = await member();
    const body = { hostname: enrolled.member.hostname, agentVersion: "0.1.0" };
    const ip = { "CF-Connecting-IP": AGENT_IP };
    expectError(await call("/agent/v1/heartbeat", { body, headers: ip }), 401, "bad_secret");
    expectError(await heartbeat({ ...enrolled, secret: "x".repeat(48) }), 401, "bad_secret");
  });

  it("answers 403 ip_not_allowed from an address outside allowedIps", async () => {
    const enrolled = await member();
    expectError(
      await heartbeat(enrolled, {}, { "CF-Connecting-IP": OUTSIDE_IP }),
      403,
      "ip_not_allowed",
    );
    const fetched = await admin<{ member: Member }>(`/members/${enrolled.member.id}`);
    expect(fetched.body.member.status).toBe("unknown");
  });

  it.each([
    { allowed: "198.51.100.0/24", ip: "198.51.100.77", ok: true },
    { allowed: "198.51.100.0/24", ip: "198.51.101.1", ok: false },
    { allowed: "198.51.100.7/32", ip: "198.51.100.7", ok: true },
    { allowed: "198.51.100.7/32", ip: "198.51.100.8", ok: false },
    { allowed: "0.0.0.0/0", ip: "192.0.2.1", ok: true },
    { allowed: "0.0.0.0/0", ip: "2001:db8::1", ok: false },
    { allowed: "2001:db8::/48", ip: "2001:db8:0:ffff::1", ok: true },
    { allowed: "2001:db8::/48", ip: "2001:db8:1::1", ok: false },
    { allowed: "2001:db8::7", ip: "2001:DB8:0:0:0:0:0:7", ok: true },
    { allowed: "198.51.100.0/24", ip: "::ffff:198.51.100.9", ok: true },
  ])("allowedIps $allowed with $ip → allowed: $ok", async ({ allowed, ip, ok }) => {
    const enrolled = await member({ allowedIps: [allowed] });
    const beat = await heartbeat(enrolled, {}, { "CF-Connecting-IP": ip });
    if (ok) expect(beat.status).toBe(200);
    else expectError(beat, 403, "ip_not_allowed");
  });

  it("answers 403 hostname_mismatch when the secret belongs to another host", async () => {
    const enrolled = await member();
    expectError(await heartbeat(enrolled, { hostname: "other-host" }), 403, "hostname_mismatch");
    // Hostnames compare without case.
    const upper = await heartbeat(enrolled, { hostname: enrolled.member.hostname.toUpperCase() });
    expect(upper.status).toBe(200);
  });

  it("checks the secret first, then the address, then the hostname", async () => {
    const enrolled = await member();
    expectError(
      await heartbeat({ ...enrolled, secret: "wrong" }, {}, { "CF-Connecting-IP": OUTSIDE_IP }),
      401,
      "bad_secret",
    );
    expectError(
      await heartbeat(enrolled, { hostname: "other-host" }, { "CF-Connecting-IP": OUTSIDE_IP }),
      403,
      "ip_not_allowed",
    );
    expectError(
      await call("/agent/v1/heartbeat", {
        body: { hostname: 42 },
        headers: { Authorization: "Bearer wrong", "CF-Connecting-IP": AGENT_IP },
      }),
      401,
      "bad_secret",
    );
  });

  it("answers 426 to an unsupported protocol version, naming the supported one", async () => {
    const enrolled = await member();
    const result = await heartbeat(enrolled, {}, { "X-Baton-Protocol": "2" });
    expectError(result, 426, "unsupported_protocol");
    const message = (result.body as unknown as ErrorBody).error.message;
    expect(message).toMatch(/version 1\b/);
    expect(message).toContain("sent 2");
    expect((await heartbeat(enrolled, {}, { "X-Baton-Protocol": "1" })).status).toBe(200);
    // No header, or an empty one: protocol 1.
    expect((await heartbeat(enrolled)).status).toBe(200);
    expect((await heartbeat(enrolled, {}, { "X-Baton-Protocol": " " })).status).toBe(200);
  });

  it("refuses a malformed JSON body", async () => {
    const enrolled = await member();
    const result = await agentCall(enrolled, "/heartbeat", { body: "{hostname" });
    expectError(result, 400, "validation_failed");
  });
});

describe("GET /agent/v1/whoami", () => {
  it("echoes the caller's address and whether it is allowed", async () => {
    const enrolled = await member({ allowedIps: ["198.51.100.0/24"] });
    const inside = await agentCall<Whoami>(enrolled, "/whoami", {
      headers: { "CF-Connecting-IP": "198.51.100.20" },
    });
    expect(inside.status).toBe(200);
    expect(inside.body).toEqual({
      ip: "198.51.100.20",
      memberId: enrolled.member.id,
      hostname: enrolled.member.hostname,
      ipAllowed: true,
    });
    // Answers from a refused address too: that is what it is for.
    const outside = await agentCall<Whoami>(enrolled, "/whoami", {
      headers: { "CF-Connecting-IP": OUTSIDE_IP },
    });
    expect(outside.status).toBe(200);
    expect(outside.body).toMatchObject({ ip: OUTSIDE_IP, ipAllowed: false });
  });

  it("answers 401 bad_secret for an unknown secret", async () => {
    const enrolled = await member();
    expectError(await agentCall({ ...enrolled, secret: "unknown" }, "/whoami"), 401, "bad_secret");
    expectError(await call("/agent/v1/whoami"), 401, "bad_secret");
  });

  it("answers 426 to an unsupported protocol version", async () => {
    const enrolled = await member();
    const result = await agentCall(enrolled, "/whoami", { headers: { "X-Baton-Protocol": "7" } });
    expectError(result, 426, "unsupported_protocol");
  });
});

describe("POST /agent/v1/jobs/:jobId/ack", () => {
  it("marks a delivered job running", async () => {
    const { enrolled, job } = await memberWithDeliveredJob();
    const ack = await agentCall<{ job: { id: string; status: string } }>(
      enrolled,
      `/jobs/${job.id}/ack`,
      { body: { startedAt: 1_700_000_000_000 } },
    );
    expect(ack.status).toBe(200);
    expect(ack.body).toEqual({ job: { id: job.id, status: "running" } });
    const fetched = await admin<{ job: Job }>(`/jobs/${job.id}`);
    expect(fetched.body.job).toMatchObject({ status: "running", startedAt: 1_700_000_000_000 });
    // A retried ack is answered the same.
    const again = await agentCall(enrolled, `/jobs/${job.id}/ack`, { body: {} });
    expect(again.body).toEqual({ job: { id: job.id, status: "running" } });
  });

  it("refuses an invalid body", async () => {
    const { enrolled, job } = await memberWithDeliveredJob();
    const result = await agentCall(enrolled, `/jobs/${job.id}/ack`, { body: { startedAt: -1 } });
    expectError(result, 400, "validation_failed");
    expect(issuePaths(result)).toEqual(["startedAt"]);
  });

  it("refuses a job that was cancelled", async () => {
    const { enrolled, job } = await memberWithDeliveredJob();
    expect((await admin(`/jobs/${job.id}/cancel`, { method: "POST" })).status).toBe(200);
    expectError(
      await agentCall(enrolled, `/jobs/${job.id}/ack`, { body: {} }),
      409,
      "job_finished",
    );
  });

  it("answers 404 for another member's job or an unknown one", async () => {
    const { job } = await memberWithDeliveredJob();
    const stranger = await member();
    expectError(await agentCall(stranger, `/jobs/${job.id}/ack`, { body: {} }), 404, "not_found");
    const sameNeighbour = await enroll(job.poolId);
    expectError(
      await agentCall(sameNeighbour, `/jobs/${job.id}/ack`, { body: {} }),
      404,
      "not_found",
    );
    expectError(
      await agentCall(stranger, "/jobs/job_00000000000000000000000000/ack", { body: {} }),
      404,
      "not_found",
    );
    expect((await admin<{ job: Job }>(`/jobs/${job.id}`)).body.job.status).toBe("delivered");
  });

  it("checks the secret and the address", async () => {
    const { enrolled, job } = await memberWithDeliveredJob();
    const path = `/jobs/${job.id}/ack`;
    expectError(
      await agentCall({ ...enrolled, secret: "nope" }, path, { body: {} }),
      401,
      "bad_secret",
    );
    expectError(
      await agentCall(enrolled, path, { body: {}, headers: { "CF-Connecting-IP": OUTSIDE_IP } }),
      403,
      "ip_not_allowed",
    );
    expect((await admin<{ job: Job }>(`/jobs/${job.id}`)).body.job.status).toBe("delivered");
  });
});

describe("POST /agent/v1/jobs/:jobId/result", () => {
  it("records the outcome of a running job", async () => {
    const { enrolled, job } = await memberWithDeliveredJob();
    await agentCall(enrolled, `/jobs/${job.id}/ack`, { body: {} });
    const report = result({ status: "failed", exitCode: 3, outputTail: "boom" });
    const answer = await agentCall(enrolled, `/jobs/${job.id}/result`, { body: report });
    expect(answer.status).toBe(200);
    expect(answer.body).toEqual({ job: { id: job.id, status: "failed" } });

    const fetched = await admin<{ job: Job }>(`/jobs/${job.id}`);
    expect(fetched.body.job).toMatchObject({
      status: "failed",
      exitCode: 3,
      outputTail: "boom",
      finishedAt: report.finishedAt,
    });
    const events = await admin<{ events: { type: string; actor: string }[] }>(
      `/pools/${job.poolId}/events?type=job.failed`,
    );
    expect(events.body.events).toEqual([
      expect.objectContaining({ actor: `agent:${enrolled.member.id}` }),
    ]);
    // The same report again is accepted: agents retry on timeouts.
    const retried = await agentCall(enrolled, `/jobs/${job.id}/result`, { body: report });
    expect(retried.status).toBe(200);
  });

  it("accepts a result for a delivered job never acknowledged", async () => {
    const { enrolled, job } = await memberWithDeliveredJob();
    const answer = await agentCall(enrolled, `/jobs/${job.id}/result`, { body: result() });
    expect(answer.status).toBe(200);
    expect((await admin<{ job: Job }>(`/jobs/${job.id}`)).body.job.status).toBe("succeeded");
  });

  it("accepts an output tail of exactly the limit and refuses a longer one", async () => {
    const { enrolled, job } = await memberWithDeliveredJob();
    const tooLong = await agentCall(enrolled, `/jobs/${job.id}/result`, {
      body: result({ outputTail: "x".repeat(OUTPUT_TAIL_MAX_CHARS + 1) }),
    });
    expectError(tooLong, 400, "validation_failed");
    expect(issuePaths(tooLong)).toEqual(["outputTail"]);
    expect((await admin<{ job: Job }>(`/jobs/${job.id}`)).body.job.status).toBe("delivered");

    const atLimit = await agentCall(enrolled, `/jobs/${job.id}/result`, {
      body: result({ outputTail: "y".repeat(65_536) }),
    });
    expect(atLimit.status).toBe(200);
    const fetched = await admin<{ job: Job }>(`/jobs/${job.id}`);
    expect(fetched.body.job.outputTail).toHaveLength(65_536);
  });

  it("refuses an invalid body", async () => {
    const { enrolled, job } = await memberWithDeliveredJob();
    const bad = await agentCall(enrolled, `/jobs/${job.id}/result`, {
      body: result({ status: "done" }),
    });
    expectError(bad, 400, "validation_failed");
    expect(issuePaths(bad)).toEqual(["status"]);
  });

  it("answers 409 job_not_running for a job not yet delivered", async () => {
    const enrolled = await member();
    const job = await queueJob(enrolled.member.id, { kind: "haproxy.reload" });
    expectError(
      await agentCall(enrolled, `/jobs/${job.id}/result`, { body: result() }),
      409,
      "job_not_running",
    );
    expect((await admin<{ job: Job }>(`/jobs/${job.id}`)).body.job.status).toBe("queued");
  });

  it("answers 409 job_finished after the job was cancelled", async () => {
    const { enrolled, job } = await memberWithDeliveredJob();
    await agentCall(enrolled, `/jobs/${job.id}/ack`, { body: {} });
    expect((await admin(`/jobs/${job.id}/cancel`, { method: "POST" })).status).toBe(200);
    expectError(
      await agentCall(enrolled, `/jobs/${job.id}/result`, { body: result() }),
      409,
      "job_finished",
    );
    expect((await admin<{ job: Job }>(`/jobs/${job.id}`)).body.job.status).toBe("cancelled");
  });

  it("answers 404 for another member's job", async () => {
    const { job } = await memberWithDeliveredJob();
    const neighbour = await enroll(job.poolId);
    expectError(
      await agentCall(neighbour, `/jobs/${job.id}/result`, { body: result() }),
      404,
      "not_found",
    );
    expect((await admin<{ job: Job }>(`/jobs/${job.id}`)).body.job.status).toBe("delivered");
  });

  it("checks the secret and the address", async () => {
    const { enrolled, job } = await memberWithDeliveredJob();
    const path = `/jobs/${job.id}/result`;
    expectError(
      await agentCall({ ...enrolled, secret: "nope" }, path, { body: result() }),
      401,
      "bad_secret",
    );
    expectError(
      await agentCall(enrolled, path, {
        body: result(),
        headers: { "CF-Connecting-IP": OUTSIDE_IP },
      }),
      403,
      "ip_not_allowed",
    );
  });
});
