// The static assets (agent bundle, dashboard CSS/JS) are answered by Workers Static Assets
// without running the Worker, so its middleware never sees them: `_headers` must carry the same
// security headers. Checked against a real `wrangler dev`.
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type ControlPlane, startControlPlane } from "../harness/control-plane.mjs";

const root = fileURLToPath(new URL("../..", import.meta.url));
let plane: ControlPlane | undefined;

beforeAll(async () => {
  plane = await startControlPlane(root, { tempPrefix: "baton-headers-" });
}, 90_000);
afterAll(() => plane?.stop());

describe("static assets under wrangler dev", () => {
  it.each([
    "/agent/baton-agent.mjs",
    "/agent/latest.json",
    "/dashboard/app.css",
    "/dashboard/auth.css",
    // Every page links it: without it each page load logged a favicon.ico 404.
    "/dashboard/favicon.svg",
  ])("%s carries the security headers", async (path) => {
    const response = await fetch(`${plane?.url}${path}`);
    await response.arrayBuffer();
    expect(response.status).toBe(200);
    expect(response.headers.get("Content-Security-Policy")).toContain("frame-ancestors 'none'");
    expect(response.headers.get("X-Content-Type-Options")).toBe("nosniff");
    expect(response.headers.get("Referrer-Policy")).toBe("same-origin");
  });

  it("does not serve _headers itself", async () => {
    const response = await fetch(`${plane?.url}/_headers`);
    expect(await response.text()).not.toContain("Content-Security-Policy");
  });
});
