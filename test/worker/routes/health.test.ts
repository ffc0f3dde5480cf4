import { describe, expect, it } from "vitest";
import { admin, call, expectError } from "../helpers";

describe("GET /healthz", () => {
  it("answers without a token and carries a request id", async () => {
    const result = await call("/healthz");
    expect(result.status).toBe(200);
    expect(result.body).toEqual({ ok: true });
    expect(result.headers.get("X-Request-Id")).toMatch(/^[0-9a-f-]{36}$/);
  });

  it("is GET only: other methods get the JSON 404", async () => {
    expectError(await call("/healthz", { method: "POST", body: {} }), 404, "not_found");
  });
});

describe("unknown routes", () => {
  it("answer a JSON 404 outside the API", async () => {
    const result = await call("/no-such-page");
    expectError(result, 404, "not_found");
    expect(result.headers.get("Content-Type")).toMatch(/^application\/json/);
  });

  it("answer a JSON 404 under /api/v1 with a valid token", async () => {
    const result = await admin("/no-such-thing");
    expectError(result, 404, "not_found");
    expect((result.body as { error: { message: string } }).error.message).toContain(
      "/api/v1/no-such-thing",
    );
  });

  it("carry the same request id in the body and the X-Request-Id header", async () => {
    const result = await admin<{ error: { requestId: string } }>("/no-such-thing");
    expect(result.headers.get("X-Request-Id")).toBe(result.body.error.requestId);
  });

  it("ask for a token under /api/v1 before saying whether the route exists", async () => {
    expectError(await call("/api/v1/no-such-thing"), 401, "unauthorized");
  });
});
