import { exports } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { BASE, call, expectError } from "../helpers";

describe("GET /install.sh", () => {
  it("serves the installer with this control plane's URL filled in", async () => {
    const response = await exports.default.fetch(`${BASE}/install.sh`);
    expect(response.status).toBe(200);
    expect(response.headers.get("Content-Type")).toMatch(/^text\/x-shellscript/);
    const script = await response.text();
    expect(script.startsWith("#!/usr/bin/env bash\n")).toBe(true);
    expect(script).toContain(`BATON_URL="\${BATON_URL:-${BASE}}"`);
    expect(script).not.toContain("__BATON_URL__");
  });

  it("uses the origin the request came to", async () => {
    const origin = "https://baton.example.net:8443";
    const response = await exports.default.fetch(`${origin}/install.sh?ignored=1`);
    expect(response.status).toBe(200);
    const script = await response.text();
    expect(script).toContain(`BATON_URL="\${BATON_URL:-${origin}}"`);
    expect(script).not.toContain(BASE);
  });

  it("needs no token", async () => {
    const response = await exports.default.fetch(`${BASE}/install.sh`, {
      headers: { Authorization: "Bearer not-a-token" },
    });
    expect(response.status).toBe(200);
  });

  it("is GET only: other methods get the JSON 404", async () => {
    expectError(await call("/install.sh", { method: "POST", body: {} }), 404, "not_found");
  });
});
