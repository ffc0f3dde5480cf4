/**
 * Every name a person reads refuses control characters, bidirectional overrides and unpaired
 * surrogates with a 400 naming the field; a heartbeat's hostname too.
 */
import { describe, expect, it } from "vitest";
import type { ErrorBody } from "../../../shared/errors";
import { admin, createPool, enroll, expectError, heartbeat, uniqueHostname } from "../helpers";

const BAD_NAMES = [
  ["a newline", "edge\n1"],
  ["NUL", "edge\u00001"],
  ["a right-to-left override", "edge\u202e1"],
  ["a lone surrogate", "edge\ud8001"],
] as const;

function expectFieldRefused(result: { status: number; body: unknown }, field: string) {
  expectError(result, 400, "validation_failed");
  const error = (result.body as ErrorBody).error;
  expect(error.issues?.map((issue) => issue.path)).toEqual([field]);
  expect(error.message).toMatch(/control or bidirectional|unpaired surrogate/);
}

describe.each(BAD_NAMES)("a name with %s", (_what, bad) => {
  it("is refused for a pool, on create and on update", async () => {
    const created = await admin("/pools", {
      body: { name: bad, failoverHostname: uniqueHostname() },
    });
    expectFieldRefused(created, "name");
    const pool = await createPool();
    const updated = await admin(`/pools/${pool.id}`, { method: "PATCH", body: { name: bad } });
    expectFieldRefused(updated, "name");
  });

  it("is refused for a member, on create and on update", async () => {
    const pool = await createPool();
    const created = await admin(`/pools/${pool.id}/members`, {
      body: { name: bad, hostname: "edge-x", allowedIps: ["203.0.113.10"] },
    });
    expectFieldRefused(created, "name");
    const { member } = await enroll(pool.id);
    const updated = await admin(`/members/${member.id}`, { method: "PATCH", body: { name: bad } });
    expectFieldRefused(updated, "name");
  });

  it("is refused for an API token and a DNS account", async () => {
    expectFieldRefused(await admin("/tokens", { body: { name: bad, role: "viewer" } }), "name");
    const provider = {
      kind: "cloudflare",
      apiToken: "cf-token-0123456789abcdefghij",
      zoneId: "0123456789abcdef0123456789abcdef",
    };
    expectFieldRefused(await admin("/dns-accounts", { body: { name: bad, provider } }), "name");
  });

  it("is refused as a heartbeat's hostname or agent version", async () => {
    const enrolled = await enroll((await createPool()).id);
    expectFieldRefused(await heartbeat(enrolled, { hostname: bad }), "hostname");
    expectFieldRefused(await heartbeat(enrolled, { agentVersion: bad }), "agentVersion");
  });
});

describe("names people write", () => {
  it("keep accents, other scripts and emoji", async () => {
    const pool = await createPool({ name: "Zürich – 東京 😀" });
    expect(pool.name).toBe("Zürich – 東京 😀");
  });
});
