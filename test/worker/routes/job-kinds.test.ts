import { describe, expect, it } from "vitest";
import type { ErrorBody } from "../../../shared/errors";
import type { JobKindAvailability } from "../../../shared/jobs";
import {
  admin,
  call,
  createApiToken,
  createPool,
  enroll,
  expectError,
  heartbeat,
  withToken,
} from "../helpers";

const MISSING_MEMBER = "mem_00000000000000000000000000";

function createJob(memberId: string, body: unknown) {
  return admin(`/members/${memberId}/jobs`, { body });
}

async function kinds(memberId: string) {
  const result = await admin<{ kinds: JobKindAvailability[] }>(`/members/${memberId}/job-kinds`);
  expect(result.status).toBe(200);
  return Object.fromEntries(result.body.kinds.map((entry) => [entry.kind, entry]));
}

const UPDATE = { version: "0.2.0", sha256: "a".repeat(64) };

describe("job gating by the pool's profile", () => {
  it("lets a haproxy pool run haproxy jobs and agent.update, and refuses nginx jobs", async () => {
    const enrolled = await enroll((await createPool({ profile: "haproxy" })).id);
    const id = enrolled.member.id;
    expect((await createJob(id, { kind: "haproxy.reload" })).status).toBe(201);
    expect((await createJob(id, { kind: "agent.update", payload: UPDATE })).status).toBe(201);
    const refused = await createJob(id, { kind: "nginx.reload" });
    expectError(refused, 409, "job_not_allowed");
    expect((refused.body as ErrorBody).error.message).toContain("haproxy pool");
    const list = await admin<{ jobs: unknown[] }>(`/members/${id}/jobs`);
    expect(list.body.jobs).toHaveLength(2);
  });

  it("lets an nginx pool run nginx jobs, and refuses HAProxy jobs", async () => {
    const enrolled = await enroll((await createPool({ profile: "nginx" })).id);
    expect((await createJob(enrolled.member.id, { kind: "nginx.reload" })).status).toBe(201);
    expectError(
      await createJob(enrolled.member.id, {
        kind: "haproxy.drain",
        payload: { backend: "be_app" },
      }),
      409,
      "job_not_allowed",
    );
  });

  it("lets a generic pool run a service's jobs only once the agent reports it installed", async () => {
    const enrolled = await enroll((await createPool({ profile: "generic" })).id);
    const id = enrolled.member.id;
    expect((await createJob(id, { kind: "agent.update", payload: UPDATE })).status).toBe(201);
    const before = await createJob(id, { kind: "haproxy.reload" });
    expectError(before, 409, "job_not_allowed");
    expect((before.body as ErrorBody).error.message).toContain("has not reported haproxy yet");

    await heartbeat(enrolled, {
      services: {
        haproxy: { installed: true, activeState: "active" },
        nginx: { installed: false, activeState: "inactive" },
      },
    });
    expect((await createJob(id, { kind: "haproxy.reload" })).status).toBe(201);
    const nginx = await createJob(id, { kind: "nginx.reload" });
    expectError(nginx, 409, "job_not_allowed");
    expect((nginx.body as ErrorBody).error.message).toContain("reports nginx not installed");

    // Uninstalled since: refused again.
    await heartbeat(enrolled, {
      services: { haproxy: { installed: false, activeState: "inactive" } },
    });
    expectError(await createJob(id, { kind: "haproxy.reload" }), 409, "job_not_allowed");
  });

  it("follows a change of the pool's profile", async () => {
    const pool = await createPool({ profile: "haproxy" });
    const enrolled = await enroll(pool.id);
    expectError(
      await createJob(enrolled.member.id, { kind: "nginx.reload" }),
      409,
      "job_not_allowed",
    );
    await admin(`/pools/${pool.id}`, { method: "PATCH", body: { profile: "nginx" } });
    expect((await createJob(enrolled.member.id, { kind: "nginx.reload" })).status).toBe(201);
  });

  it("still answers a repeated idempotency key with its job", async () => {
    const enrolled = await enroll((await createPool({ profile: "generic" })).id);
    await heartbeat(enrolled, {
      services: { haproxy: { installed: true, activeState: "active" } },
    });
    const body = { kind: "haproxy.reload", idempotencyKey: "once" };
    expect((await createJob(enrolled.member.id, body)).status).toBe(201);
    await heartbeat(enrolled, {
      services: { haproxy: { installed: false, activeState: "inactive" } },
    });
    expect((await createJob(enrolled.member.id, body)).status).toBe(200);
  });
});

describe("GET /api/v1/members/:memberId/job-kinds", () => {
  it("lists every kind with whether it is allowed and why not", async () => {
    const enrolled = await enroll((await createPool({ profile: "generic" })).id);
    const first = await kinds(enrolled.member.id);
    expect(first["agent.update"]).toEqual({ kind: "agent.update", allowed: true });
    expect(first["haproxy.backup"]?.allowed).toBe(false);
    expect(first["haproxy.backup"]?.reason).toContain("install haproxy on the VM");

    await heartbeat(enrolled, { services: { nginx: { installed: true, activeState: "active" } } });
    const after = await kinds(enrolled.member.id);
    expect(after["nginx.backup"]).toEqual({ kind: "nginx.backup", allowed: true });
    expect(after["haproxy.backup"]?.allowed).toBe(false);
  });

  it("is readable by a viewer and needs a token", async () => {
    const enrolled = await enroll((await createPool()).id);
    const { token } = await createApiToken("viewer");
    const path = `/members/${enrolled.member.id}/job-kinds`;
    expect((await withToken(token, path)).status).toBe(200);
    expectError(await call(`/api/v1${path}`), 401, "unauthorized");
  });

  it("answers 404 for an unknown member", async () => {
    expectError(await admin(`/members/${MISSING_MEMBER}/job-kinds`), 404, "not_found");
  });
});
