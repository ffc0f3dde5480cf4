import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { safeNextPath } from "../../../worker/dashboard/auth/next-path";
import { hashPassword, PASSWORD_ITERATIONS, verifyPassword } from "../../../worker/users/passwords";
import { sessionAlive } from "../../../worker/users/sessions";
import { THROTTLE_RULES, throttledUntil } from "../../../worker/users/throttle";
import { PASSWORD, postLogin, sql } from "../dashboard/auth-helpers";

describe("safeNextPath", () => {
  it.each([
    ["/pools/p1?tab=jobs#top", "/pools/p1?tab=jobs#top"],
    ["/", "/"],
    ["//evil.example/", "/"],
    ["/\\evil.example", "/"],
    ["/\t/evil.example", "/"],
    ["https://evil.example/", "/"],
    ["javascript:alert(1)", "/"],
    ["pools", "/"],
    ["/login?next=/x", "/"],
    ["/..//evil.example", "/"],
    ["/a/../..//evil.example/x", "/"],
    ["/%2e%2e//evil.example", "/"],
    ["/.//evil.example", "/"],
    ["/pools/../pools/p1", "/pools/p1"],
    [undefined, "/"],
  ])("%s → %s", (next, expected) => {
    expect(safeNextPath(next)).toBe(expected);
  });
});

describe("throttledUntil", () => {
  const t0 = 1_000_000;
  const QUARTER = THROTTLE_RULES.pair.windowMs;
  const HOUR = THROTTLE_RULES.username.windowMs;
  // `failures` is the count the attempt being judged left, itself included.
  it.each([
    { scope: "pair", failures: 5, at: t0, until: null },
    { scope: "pair", failures: 6, at: t0, until: t0 + QUARTER },
    { scope: "pair", failures: 6, at: t0 + QUARTER, until: null },
    { scope: "ip", failures: 20, at: t0, until: null },
    { scope: "ip", failures: 21, at: t0 + 1000, until: t0 + QUARTER },
    { scope: "username", failures: 50, at: t0, until: null },
    { scope: "username", failures: 51, at: t0 + QUARTER, until: t0 + HOUR },
  ] as const)("$failures $scope attempts, asked at +$at → $until", (row) => {
    const state = { scope: row.scope, failures: row.failures, windowStartedAt: t0 };
    expect(throttledUntil([state], row.at)).toBe(row.until);
  });
});

describe("sessionAlive", () => {
  it("holds until the idle or the absolute limit, whichever is first", () => {
    const times = { lastSeenAt: 0, expiresAt: 100 * 3_600_000 };
    expect(sessionAlive(times, 12 * 3_600_000 - 1)).toBe(true);
    expect(sessionAlive(times, 12 * 3_600_000)).toBe(false);
    expect(
      sessionAlive({ lastSeenAt: 99 * 3_600_000, expiresAt: 100 * 3_600_000 }, 100 * 3_600_000),
    ).toBe(false);
  });
});

describe("passwords", () => {
  it("verify only the right password, with a fresh salt each time", async () => {
    const one = await hashPassword(PASSWORD);
    const two = await hashPassword(PASSWORD);
    expect(one.passwordIterations).toBe(100_000);
    expect(one.passwordSalt).not.toBe(two.passwordSalt);
    expect(await verifyPassword(PASSWORD, one)).toBe(true);
    expect(await verifyPassword(`${PASSWORD}!`, one)).toBe(false);
    expect(await verifyPassword(PASSWORD, { ...one, passwordIterations: 99_999 })).toBe(false);
  });

  it("hashed with an older iteration count still sign in, and are rehashed", async () => {
    const old = await hashPassword(PASSWORD, 1_000);
    await sql(
      "INSERT INTO users VALUES ('usr_old', 'legacy', 'viewer', ?, ?, ?, 0, 0, NULL)",
      old.passwordHash,
      old.passwordSalt,
      old.passwordIterations,
    );
    expect((await postLogin("legacy", PASSWORD)).status).toBe(302);
    const row = await env.DB.prepare(
      "SELECT password_iterations AS i, password_hash AS h FROM users WHERE id = 'usr_old'",
    ).first<{ i: number; h: string }>();
    expect(row?.i).toBe(PASSWORD_ITERATIONS);
    expect(row?.h).not.toBe(old.passwordHash);
    expect((await postLogin("legacy", PASSWORD)).status).toBe(302);
  });
});
