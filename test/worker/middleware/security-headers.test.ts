import { exports } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { ADMIN } from "../helpers";

const HTTP = "http://baton.test";
const HTTPS = "https://baton.test";

async function headersOf(url: string, init: RequestInit = {}) {
  const response = await exports.default.fetch(url, { redirect: "manual", ...init });
  await response.arrayBuffer();
  return { status: response.status, headers: response.headers };
}

describe("security headers", () => {
  it.each([
    ["the health check", "/healthz", {}, 200],
    ["the admin API", "/api/v1/pools", { headers: ADMIN }, 200],
    ["an admin API refusal", "/api/v1/pools", {}, 401],
    ["the agent API", "/agent/v1/heartbeat", { method: "POST", body: "{}" }, 401],
    ["the installer", "/install.sh", {}, 200],
    // No user exists in this file: the first-run page answers, sign-in sends there.
    ["the first-run setup page", "/setup", {}, 200],
    ["the sign-in page's redirect", "/login", {}, 302],
    ["a redirect to sign in", "/", {}, 302],
    ["an unknown API path", "/api/v1/nothing-here", { headers: ADMIN }, 404],
    ["an unknown page", "/nothing-here", { headers: { Accept: "text/html" } }, 404],
  ] as const)("are on %s", async (_, path, init, status) => {
    const { status: actual, headers } = await headersOf(`${HTTP}${path}`, init as RequestInit);
    expect(actual).toBe(status);
    expect(headers.get("Content-Security-Policy")).toContain("frame-ancestors 'none'");
    expect(headers.get("X-Content-Type-Options")).toBe("nosniff");
    expect(headers.get("Referrer-Policy")).toBe("same-origin");
    expect(headers.get("X-Frame-Options")).toBe("DENY");
    // Plain http (wrangler dev): a browser would ignore HSTS, so none is sent.
    expect(headers.get("Strict-Transport-Security")).toBeNull();
  });

  it("add HSTS over https", async () => {
    for (const path of ["/healthz", "/login", "/api/v1/nothing-here"]) {
      const { headers } = await headersOf(`${HTTPS}${path}`);
      expect(headers.get("Strict-Transport-Security")).toBe("max-age=31536000");
    }
  });
});
