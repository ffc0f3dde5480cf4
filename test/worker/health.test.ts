import { exports } from "cloudflare:workers";
import { expect, it } from "vitest";

it("answers /healthz without authentication", async () => {
  const response = await exports.default.fetch("http://baton.test/healthz");
  expect(response.status).toBe(200);
  expect(await response.json()).toEqual({ ok: true });
});
