import { describe, expect, it } from "vitest";
import type { Job } from "../../../shared/jobs";
import type { Pool } from "../../../shared/pools";
import type { ApiToken } from "../../../shared/tokens";
import {
  admin,
  call,
  createApiToken,
  createPool,
  enroll,
  expectError,
  withToken,
} from "../helpers";

const NEW_POOL = { name: "edge", failoverHostname: "lb.example.com" };

interface TokenPage {
  apiTokens: ApiToken[];
  nextCursor: string | null;
}

describe("POST /api/v1/tokens", () => {
  it("creates a token that works as a bearer", async () => {
    const result = await admin<{ apiToken: ApiToken; token: string }>("/tokens", {
      body: { name: " ci deploy ", role: "admin" },
    });
    expect(result.status).toBe(201);
    const { apiToken, token } = result.body;
    expect(apiToken).toMatchObject({
      name: "ci deploy",
      role: "admin",
      lastUsedAt: null,
      createdBy: "bootstrap",
    });
    expect(token).toMatch(/^bt_[A-Za-z0-9]{40}$/);
    expect(token.startsWith(apiToken.prefix)).toBe(true);

    const created = await withToken<{ pool: Pool }>(token, "/pools", { body: NEW_POOL });
    expect(created.status).toBe(201);
    const events = await admin<{ events: { actor: string }[] }>(
      `/pools/${created.body.pool.id}/events`,
    );
    expect(events.body.events[0]?.actor).toBe(`token:${apiToken.id}`);
  });

  it("defaults to the viewer role", async () => {
    const result = await admin<{ apiToken: ApiToken; token: string }>("/tokens", {
      body: { name: "read only" },
    });
    expect(result.status).toBe(201);
    expect(result.body.apiToken.role).toBe("viewer");
  });

  it("refuses an empty name or an unknown role", async () => {
    expectError(await admin("/tokens", { body: { name: "  " } }), 400, "validation_failed");
    expectError(
      await admin("/tokens", { body: { name: "x", role: "root" } }),
      400,
      "validation_failed",
    );
  });

  it("needs the admin role", async () => {
    for (const role of ["viewer", "operator"] as const) {
      const { token } = await createApiToken(role);
      const result = await withToken(token, "/tokens", {
        body: { name: "escalate", role: "admin" },
      });
      expectError(result, 403, "forbidden");
    }
    expectError(await call("/api/v1/tokens", { body: { name: "x" } }), 401, "unauthorized");
  });
});

describe("roles", () => {
  it("a viewer may read but not create pools", async () => {
    const pool = await createPool();
    const { token } = await createApiToken("viewer");
    const refused = await withToken(token, "/pools", { body: NEW_POOL });
    expectError(refused, 403, "forbidden");
    expect((refused.body as { error: { message: string } }).error.message).toContain("admin");
    expect((await withToken(token, "/pools")).status).toBe(200);
    expect((await withToken(token, `/pools/${pool.id}`)).status).toBe(200);
  });

  it("an operator may queue a job but not create pools", async () => {
    const pool = await createPool();
    const { member } = await enroll(pool.id);
    const { token } = await createApiToken("operator");
    expectError(await withToken(token, "/pools", { body: NEW_POOL }), 403, "forbidden");
    const queued = await withToken<{ job: Job }>(token, `/members/${member.id}/jobs`, {
      body: { kind: "haproxy.reload" },
    });
    expect(queued.status).toBe(201);
    expect(queued.body.job.status).toBe("queued");
  });
});

describe("GET /api/v1/tokens", () => {
  it("lists working tokens without ever returning the token", async () => {
    const created = await createApiToken("operator", "listed");
    const result = await admin<TokenPage>("/tokens?limit=200");
    expect(result.status).toBe(200);
    const listed = result.body.apiTokens.find((t) => t.id === created.apiToken.id);
    expect(listed).toMatchObject({ name: "listed", role: "operator" });
    expect(JSON.stringify(result.body)).not.toContain(created.token);
    expect(listed).not.toHaveProperty("token");
    expect(listed).not.toHaveProperty("tokenHash");
  });

  it("shows when a token was last used", async () => {
    const created = await createApiToken("viewer");
    expect((await withToken(created.token, "/pools")).status).toBe(200);
    const result = await admin<TokenPage>("/tokens?limit=200");
    const listed = result.body.apiTokens.find((t) => t.id === created.apiToken.id);
    expect(listed?.lastUsedAt).toEqual(expect.any(Number));
  });

  it("pages with ?limit and nextCursor", async () => {
    await createApiToken("viewer", "page a");
    await createApiToken("viewer", "page b");
    const first = await admin<TokenPage>("/tokens?limit=1");
    expect(first.body.apiTokens).toHaveLength(1);
    expect(first.body.nextCursor).not.toBeNull();
    const second = await admin<TokenPage>(`/tokens?limit=1&cursor=${first.body.nextCursor}`);
    expect(second.body.apiTokens).toHaveLength(1);
    expect(second.body.apiTokens[0]?.id).not.toBe(first.body.apiTokens[0]?.id);
  });

  it("refuses a bad page size", async () => {
    expectError(await admin("/tokens?limit=-1"), 400, "validation_failed");
  });

  it("needs the admin role", async () => {
    const { token } = await createApiToken("operator");
    expectError(await withToken(token, "/tokens"), 403, "forbidden");
    expectError(await call("/api/v1/tokens"), 401, "unauthorized");
  });
});

describe("DELETE /api/v1/tokens/:tokenId", () => {
  it("revokes a token: it stops working and leaves the list", async () => {
    const created = await createApiToken("admin");
    expect((await withToken(created.token, "/pools")).status).toBe(200);
    const result = await admin<{ apiToken: ApiToken; revoked: boolean }>(
      `/tokens/${created.apiToken.id}`,
      { method: "DELETE" },
    );
    expect(result.status).toBe(200);
    expect(result.body).toMatchObject({ apiToken: { id: created.apiToken.id }, revoked: true });

    expectError(await withToken(created.token, "/pools"), 401, "unauthorized");
    const list = await admin<TokenPage>("/tokens?limit=200");
    expect(list.body.apiTokens.map((t) => t.id)).not.toContain(created.apiToken.id);
    // Revoking twice: the token is gone.
    expectError(
      await admin(`/tokens/${created.apiToken.id}`, { method: "DELETE" }),
      404,
      "not_found",
    );
  });

  it("needs the admin role", async () => {
    const target = await createApiToken("viewer");
    const { token } = await createApiToken("operator");
    const path = `/tokens/${target.apiToken.id}`;
    expectError(await withToken(token, path, { method: "DELETE" }), 403, "forbidden");
    expectError(await call(`/api/v1${path}`, { method: "DELETE" }), 401, "unauthorized");
    expect((await withToken(target.token, "/pools")).status).toBe(200);
  });

  it("answers 404 for an unknown token", async () => {
    expectError(
      await admin("/tokens/tok_00000000000000000000000000", { method: "DELETE" }),
      404,
      "not_found",
    );
  });
});
