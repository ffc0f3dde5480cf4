import { describe, expect, it } from "vitest";
import type { ErrorBody } from "../../../shared/errors";
import type { Member } from "../../../shared/members";
import { ENROLLMENT_SECRET_LENGTH } from "../../../shared/protocol";
import { setClock } from "../coordinator/clock";
import {
  AGENT_IP,
  admin,
  BASE,
  call,
  createApiToken,
  createPool,
  type Enrolled,
  enroll,
  expectError,
  heartbeat,
  withToken,
} from "../helpers";

const MISSING_POOL = "pool_00000000000000000000000000";
const MISSING_MEMBER = "mem_00000000000000000000000000";

function issuePaths(result: { body: unknown }) {
  return (result.body as ErrorBody).error.issues?.map((issue) => issue.path);
}

describe("POST /api/v1/pools/:poolId/members", () => {
  it("enrolls a member and shows its secret once, inside the install command", async () => {
    const pool = await createPool();
    const result = await admin<Enrolled>(`/pools/${pool.id}/members`, {
      body: { name: "edge 1", hostname: "Edge-1.Example.com", allowedIps: ["203.0.113.0/24"] },
    });
    expect(result.status).toBe(201);
    const { member, secret, installCommand } = result.body;
    expect(member).toMatchObject({
      poolId: pool.id,
      name: "edge 1",
      hostname: "edge-1.example.com",
      allowedIps: ["203.0.113.0/24"],
      priority: 100,
      status: "unknown",
      lastHeartbeatAt: null,
    });
    expect(secret).toMatch(new RegExp(`^[A-Za-z0-9]{${ENROLLMENT_SECRET_LENGTH}}$`));
    expect(secret).toHaveLength(48);
    // The secret reaches install.sh only through printf (a builtin) and its standard input.
    expect(installCommand).toBe(
      ` f="$(mktemp)" && curl -fsSL ${BASE}/install.sh -o "$f" && printf '%s\\n' '${secret}' | sudo bash "$f" --token-stdin; rm -f "$f"`,
    );

    const fetched = await admin<Record<string, unknown>>(`/members/${member.id}`);
    expect(fetched.body).not.toHaveProperty("secret");
    expect(JSON.stringify(fetched.body)).not.toContain(secret);
  });

  it("refuses invalid fields, naming them", async () => {
    const pool = await createPool();
    const result = await admin(`/pools/${pool.id}/members`, {
      body: { name: "x", hostname: "not a host", allowedIps: ["999.1.1.1"], priority: 1.5 },
    });
    expectError(result, 400, "validation_failed");
    expect(issuePaths(result)).toEqual(
      expect.arrayContaining(["hostname", "allowedIps.0", "priority"]),
    );
  });

  it("refuses an empty allowed IP list", async () => {
    const pool = await createPool();
    const result = await admin(`/pools/${pool.id}/members`, {
      body: { name: "x", hostname: "edge-x", allowedIps: [] },
    });
    expectError(result, 400, "validation_failed");
    expect(issuePaths(result)).toEqual(["allowedIps"]);
  });

  it("refuses a hostname the pool already has, whatever its case", async () => {
    const pool = await createPool();
    await enroll(pool.id, { hostname: "edge-dup" });
    const result = await admin(`/pools/${pool.id}/members`, {
      body: { name: "again", hostname: "EDGE-DUP", allowedIps: [AGENT_IP] },
    });
    expectError(result, 409, "hostname_taken");
    // Another pool may use the same hostname.
    await enroll((await createPool()).id, { hostname: "edge-dup" });
  });

  it("needs the admin role", async () => {
    const pool = await createPool();
    const body = { name: "x", hostname: "edge-x", allowedIps: [AGENT_IP] };
    const { token } = await createApiToken("operator");
    expectError(await withToken(token, `/pools/${pool.id}/members`, { body }), 403, "forbidden");
    expectError(await call(`/api/v1/pools/${pool.id}/members`, { body }), 401, "unauthorized");
  });

  it("answers 404 for an unknown pool", async () => {
    const result = await admin(`/pools/${MISSING_POOL}/members`, {
      body: { name: "x", hostname: "edge-x", allowedIps: [AGENT_IP] },
    });
    expectError(result, 404, "not_found");
  });
});

describe("GET /api/v1/pools/:poolId/members", () => {
  it("lists the pool's members with their live state, in pages", async () => {
    const pool = await createPool();
    const first = await enroll(pool.id);
    const second = await enroll(pool.id);
    await enroll(await createPool().then((other) => other.id));
    expect((await heartbeat(first, { agentVersion: "1.2.3" })).status).toBe(200);

    const all = await admin<{ members: Member[]; nextCursor: string | null }>(
      `/pools/${pool.id}/members`,
    );
    expect(all.status).toBe(200);
    expect(all.body.nextCursor).toBeNull();
    expect(all.body.members.map((member) => member.id).sort()).toEqual(
      [first.member.id, second.member.id].sort(),
    );
    const live = all.body.members.find((member) => member.id === first.member.id);
    expect(live).toMatchObject({ status: "online", agentVersion: "1.2.3" });

    const page1 = await admin<{ members: Member[]; nextCursor: string | null }>(
      `/pools/${pool.id}/members?limit=1`,
    );
    expect(page1.body.members).toHaveLength(1);
    expect(page1.body.nextCursor).not.toBeNull();
    const page2 = await admin<{ members: Member[]; nextCursor: string | null }>(
      `/pools/${pool.id}/members?limit=1&cursor=${page1.body.nextCursor}`,
    );
    expect(page2.body.members).toHaveLength(1);
    expect(page2.body.members[0]?.id).not.toBe(page1.body.members[0]?.id);
    expect(page2.body.nextCursor).toBeNull();
  });

  it("is readable by a viewer", async () => {
    const pool = await createPool();
    const enrolled = await enroll(pool.id);
    const { token } = await createApiToken("viewer");
    const result = await withToken<{ members: Member[] }>(token, `/pools/${pool.id}/members`);
    expect(result.status).toBe(200);
    expect(result.body.members.map((member) => member.id)).toEqual([enrolled.member.id]);
  });

  it("refuses a bad page size", async () => {
    const pool = await createPool();
    expectError(await admin(`/pools/${pool.id}/members?limit=abc`), 400, "validation_failed");
  });

  it("needs a token", async () => {
    const pool = await createPool();
    expectError(await call(`/api/v1/pools/${pool.id}/members`), 401, "unauthorized");
  });

  it("answers 404 for an unknown pool", async () => {
    expectError(await admin(`/pools/${MISSING_POOL}/members`), 404, "not_found");
  });
});

describe("GET /api/v1/members/:memberId", () => {
  it("returns the member with what its last heartbeat told", async () => {
    const pool = await createPool();
    const enrolled = await enroll(pool.id);
    const before = await admin<{ member: Member }>(`/members/${enrolled.member.id}`);
    expect(before.status).toBe(200);
    expect(before.body.member).toMatchObject({ status: "unknown", agentVersion: null });

    await heartbeat(enrolled, { agentVersion: "0.9.0", publicIp: "198.51.100.4" });
    const after = await admin<{ member: Member }>(`/members/${enrolled.member.id}`);
    expect(after.body.member).toMatchObject({
      status: "online",
      agentVersion: "0.9.0",
      publicIp: "198.51.100.4",
    });
    expect(after.body.member.lastHeartbeatAt).toEqual(expect.any(Number));
  });

  it("shows the balancer file its last heartbeat reported, so scripts can check parity", async () => {
    const pool = await createPool();
    const enrolled = await enroll(pool.id);
    const before = await admin<{ member: Member }>(`/members/${enrolled.member.id}`);
    expect(before.body.member.balancer).toBeNull();
    const balancer = { revision: 3, sha256: "ab".repeat(32) };
    await heartbeat(enrolled, { balancer });
    const after = await admin<{ member: Member }>(`/members/${enrolled.member.id}`);
    expect(after.body.member.balancer).toEqual(balancer);
  });

  it("needs a token", async () => {
    const pool = await createPool();
    const enrolled = await enroll(pool.id);
    expectError(await call(`/api/v1/members/${enrolled.member.id}`), 401, "unauthorized");
  });

  it("answers 404 for an unknown member", async () => {
    expectError(await admin(`/members/${MISSING_MEMBER}`), 404, "not_found");
  });
});

describe("PATCH /api/v1/members/:memberId", () => {
  it("changes the named fields and keeps the rest", async () => {
    const pool = await createPool();
    const enrolled = await enroll(pool.id, { priority: 5 });
    const result = await admin<{ member: Member }>(`/members/${enrolled.member.id}`, {
      method: "PATCH",
      body: { allowedIps: ["198.51.100.0/24", "2001:db8::/48"] },
    });
    expect(result.status).toBe(200);
    expect(result.body.member).toMatchObject({
      name: enrolled.member.name,
      priority: 5,
      allowedIps: ["198.51.100.0/24", "2001:db8::/48"],
    });
    const fetched = await admin<{ member: Member }>(`/members/${enrolled.member.id}`);
    expect(fetched.body.member.allowedIps).toEqual(["198.51.100.0/24", "2001:db8::/48"]);
    // The new list applies to the agent at once.
    expectError(await heartbeat(enrolled), 403, "ip_not_allowed");
  });

  it("answers with the member's live state", async () => {
    const pool = await createPool();
    const enrolled = await enroll(pool.id);
    const t0 = Date.UTC(2026, 10, 22, 12);
    // The catalog row keeps the first beat (a transition); later beats live in the coordinator.
    for (const at of [t0, t0 + 5_000]) {
      await setClock(pool.id, at);
      expect((await heartbeat(enrolled)).status).toBe(200);
    }
    const patched = await admin<{ member: Member }>(`/members/${enrolled.member.id}`, {
      method: "PATCH",
      body: { priority: 1 },
    });
    expect(patched.body.member.status).toBe("online");
    expect(patched.body.member.lastHeartbeatAt).toBe(t0 + 5_000);
  });

  it("refuses an empty body and fields that cannot change", async () => {
    const pool = await createPool();
    const enrolled = await enroll(pool.id);
    const path = `/members/${enrolled.member.id}`;
    expectError(await admin(path, { method: "PATCH", body: {} }), 400, "validation_failed");
    expectError(
      await admin(path, { method: "PATCH", body: { poolId: "pool_elsewhere" } }),
      400,
      "validation_failed",
    );
    expectError(
      await admin(path, { method: "PATCH", body: { hostname: "not a host" } }),
      400,
      "validation_failed",
    );
    expectError(
      await admin(path, { method: "PATCH", body: { priority: 1001 } }),
      400,
      "validation_failed",
    );
  });

  it("renames the host: the agent must then report the new name, and a taken one is refused", async () => {
    const pool = await createPool();
    const enrolled = await enroll(pool.id);
    const other = await enroll(pool.id);
    const path = `/members/${enrolled.member.id}`;
    expectError(
      await admin(path, {
        method: "PATCH",
        body: { hostname: other.member.hostname.toUpperCase() },
      }),
      409,
      "hostname_taken",
    );
    const result = await admin<{ member: Member }>(path, {
      method: "PATCH",
      body: { hostname: "Edge-Renamed.example.com" },
    });
    expect(result.status).toBe(200);
    expect(result.body.member.hostname).toBe("edge-renamed.example.com");
    // Applies at once: the old name is refused, the new one accepted.
    expectError(await heartbeat(enrolled), 403, "hostname_mismatch");
    expect((await heartbeat(enrolled, { hostname: "edge-renamed.example.com" })).status).toBe(200);
    // Its own name again is no conflict.
    const same = await admin(path, {
      method: "PATCH",
      body: { hostname: "edge-renamed.example.com", priority: 7 },
    });
    expect(same.status).toBe(200);
  });

  it("needs the admin role", async () => {
    const pool = await createPool();
    const enrolled = await enroll(pool.id);
    const { token } = await createApiToken("operator");
    const patch = { method: "PATCH", body: { name: "renamed" } };
    expectError(await withToken(token, `/members/${enrolled.member.id}`, patch), 403, "forbidden");
    expectError(await call(`/api/v1/members/${enrolled.member.id}`, patch), 401, "unauthorized");
    const fetched = await admin<{ member: Member }>(`/members/${enrolled.member.id}`);
    expect(fetched.body.member.name).toBe(enrolled.member.name);
  });

  it("answers 404 for an unknown member", async () => {
    const result = await admin(`/members/${MISSING_MEMBER}`, {
      method: "PATCH",
      body: { name: "renamed" },
    });
    expectError(result, 404, "not_found");
  });
});

describe("POST /api/v1/members/:memberId/rotate-secret", () => {
  it("issues a new secret and the old one stops working at once", async () => {
    const pool = await createPool();
    const enrolled = await enroll(pool.id);
    expect((await heartbeat(enrolled)).status).toBe(200);

    const result = await admin<Enrolled>(`/members/${enrolled.member.id}/rotate-secret`, {
      method: "POST",
    });
    expect(result.status).toBe(200);
    expect(result.body.secret).toHaveLength(48);
    expect(result.body.secret).not.toBe(enrolled.secret);
    expect(result.body.installCommand).toContain(result.body.secret);
    expect(result.body.member.id).toBe(enrolled.member.id);

    expectError(await heartbeat(enrolled), 401, "bad_secret");
    expect((await heartbeat({ ...enrolled, secret: result.body.secret })).status).toBe(200);
  });

  it("needs the admin role", async () => {
    const pool = await createPool();
    const enrolled = await enroll(pool.id);
    const { token } = await createApiToken("operator");
    const path = `/members/${enrolled.member.id}/rotate-secret`;
    expectError(await withToken(token, path, { method: "POST" }), 403, "forbidden");
    expectError(await call(`/api/v1${path}`, { method: "POST" }), 401, "unauthorized");
    expect((await heartbeat(enrolled)).status).toBe(200);
  });

  it("answers 404 for an unknown member", async () => {
    const result = await admin(`/members/${MISSING_MEMBER}/rotate-secret`, { method: "POST" });
    expectError(result, 404, "not_found");
  });
});

describe("DELETE /api/v1/members/:memberId", () => {
  it("removes the member and its secret", async () => {
    const pool = await createPool();
    const enrolled = await enroll(pool.id);
    await heartbeat(enrolled);
    const result = await admin<{ member: Member; deleted: boolean }>(
      `/members/${enrolled.member.id}`,
      { method: "DELETE" },
    );
    expect(result.status).toBe(200);
    expect(result.body).toMatchObject({ member: { id: enrolled.member.id }, deleted: true });
    expectError(await admin(`/members/${enrolled.member.id}`), 404, "not_found");
    expectError(await heartbeat(enrolled), 401, "bad_secret");
    const members = await admin<{ members: Member[] }>(`/pools/${pool.id}/members`);
    expect(members.body.members).toEqual([]);
    // The pool is empty again, so it deletes without force.
    expect((await admin(`/pools/${pool.id}`, { method: "DELETE" })).status).toBe(200);
  });

  it("needs the admin role", async () => {
    const pool = await createPool();
    const enrolled = await enroll(pool.id);
    const { token } = await createApiToken("operator");
    const path = `/members/${enrolled.member.id}`;
    expectError(await withToken(token, path, { method: "DELETE" }), 403, "forbidden");
    expectError(await call(`/api/v1${path}`, { method: "DELETE" }), 401, "unauthorized");
    expect((await admin(path)).status).toBe(200);
  });

  it("answers 404 for an unknown member", async () => {
    expectError(await admin(`/members/${MISSING_MEMBER}`, { method: "DELETE" }), 404, "not_found");
  });
});
