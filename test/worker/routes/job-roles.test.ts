/**
 * Who may queue which job kind (issue #11): raw config apply, restore, install and agent.update
 * change what a VM runs as root, so they need admin; operators keep reload, backup, drain and
 * ready. The same for API tokens and dashboard sessions, and `job-kinds` tells each caller.
 */
import { describe, expect, it } from "vitest";
import type { ErrorBody } from "../../../shared/errors";
import { JOB_KINDS, type JobKind, type JobKindAvailability } from "../../../shared/jobs";
import type { Role } from "../../../shared/tokens";
import { browserAs, fetchAs } from "../dashboard/pages-as";
import { createApiToken, createPool, enroll, expectError, withToken } from "../helpers";

const ADMIN_KINDS: JobKind[] = [
  "haproxy.config.apply",
  "haproxy.restore",
  "haproxy.install",
  "nginx.config.apply",
  "nginx.restore",
  "nginx.install",
  "agent.update",
];
const OPERATOR_KINDS = JOB_KINDS.filter((kind) => !ADMIN_KINDS.includes(kind));

const PAYLOADS: Partial<Record<JobKind, unknown>> = {
  "haproxy.config.apply": { config: "global\n" },
  "nginx.config.apply": { config: "events {}\n" },
  "haproxy.restore": { backupId: "bk_missing" },
  "nginx.restore": { backupId: "bk_missing" },
  "haproxy.drain": { backend: "be_app" },
  "haproxy.ready": { backend: "be_app" },
  "agent.update": { version: "0.2.0", sha256: "a".repeat(64) },
};

async function genericMember() {
  // A generic pool whose agent has reported nothing: gating by service refuses HAProxy and nginx
  // jobs with 409, so a 403 can only come from the role.
  return (await enroll((await createPool({ profile: "generic" })).id)).member.id;
}

async function kindsFor(token: string, memberId: string) {
  const result = await withToken<{ kinds: JobKindAvailability[] }>(
    token,
    `/members/${memberId}/job-kinds`,
  );
  expect(result.status).toBe(200);
  return new Map(result.body.kinds.map((entry) => [entry.kind, entry]));
}

describe("queuing a job by role", () => {
  it.each(ADMIN_KINDS)(
    "refuses %s to an operator token with 403 naming the admin role",
    async (kind) => {
      const memberId = await genericMember();
      const { token } = await createApiToken("operator");
      const result = await withToken(token, `/members/${memberId}/jobs`, {
        body: { kind, payload: PAYLOADS[kind] ?? {} },
      });
      expectError(result, 403, "forbidden");
      expect((result.body as ErrorBody).error.message).toBe(
        `Queuing ${kind} needs the admin role; your token has operator (raw config apply, restore, install and agent update change what a VM runs as root)`,
      );
    },
  );

  it("lets an admin token past the role check for every kind", async () => {
    const memberId = await genericMember();
    const { token } = await createApiToken("admin");
    for (const kind of ADMIN_KINDS) {
      const result = await withToken(token, `/members/${memberId}/jobs`, {
        body: { kind, payload: PAYLOADS[kind] ?? {} },
      });
      // Past the role: 201, or the member's own gating (409) / a missing backup (404).
      expect([201, 404, 409], kind).toContain(result.status);
    }
  });

  it("lets an operator queue the operator kinds", async () => {
    const member = await enroll((await createPool({ profile: "haproxy" })).id);
    const { token } = await createApiToken("operator");
    for (const kind of OPERATOR_KINDS.filter((k) => k.startsWith("haproxy."))) {
      const result = await withToken(token, `/members/${member.member.id}/jobs`, {
        body: { kind, payload: PAYLOADS[kind] ?? {} },
      });
      expect(result.status, kind).toBe(201);
    }
  });

  it("refuses an operator's dashboard session on the API alike", async () => {
    const memberId = await genericMember();
    const operator = await browserAs("operator");
    const response = await fetchAs(operator, `/api/v1/members/${memberId}/jobs`, {
      method: "POST",
      headers: { "Content-Type": "application/json", "X-Baton-CSRF": operator.csrf },
      body: JSON.stringify({ kind: "haproxy.config.apply", payload: { config: "global\n" } }),
    });
    expect(response.status).toBe(403);
    const body = (await response.json()) as ErrorBody;
    expect(body.error.code).toBe("forbidden");
    expect(body.error.message).toContain("needs the admin role; your account has operator");
  });
});

describe("GET /api/v1/members/:memberId/job-kinds by role", () => {
  it.each<[Role, JobKind, boolean, string | undefined]>([
    ["admin", "agent.update", true, undefined],
    ["operator", "agent.update", false, "Needs the admin role (you have operator)"],
    ["operator", "haproxy.config.apply", false, "Needs the admin role (you have operator)"],
    ["operator", "haproxy.backup", true, undefined],
    ["viewer", "haproxy.backup", false, "Needs the operator role (you have viewer)"],
  ])("tells a %s whether %s may be queued", async (role, kind, allowed, reason) => {
    const member = await enroll((await createPool({ profile: "haproxy" })).id);
    const { token } = await createApiToken(role);
    const entry = (await kindsFor(token, member.member.id)).get(kind);
    expect(entry?.allowed).toBe(allowed);
    if (reason) expect(entry?.reason).toContain(reason);
    else expect(entry?.reason).toBeUndefined();
  });

  it("keeps the member's own reason when the member cannot run the kind at all", async () => {
    const member = await enroll((await createPool({ profile: "haproxy" })).id);
    const { token } = await createApiToken("operator");
    expect((await kindsFor(token, member.member.id)).get("nginx.install")?.reason).toContain(
      "haproxy pool",
    );
  });
});
