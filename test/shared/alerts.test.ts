import { describe, expect, it } from "vitest";
import { AlertSettings, DEFAULT_ALERT_EVENTS } from "../../shared/alerts";

const secret = "0123456789abcdef";

/** The first issue's message, or "ok". */
function check(input: Record<string, unknown>): string {
  const result = AlertSettings.safeParse({ url: "https://hooks.example.com/x", secret, ...input });
  return result.success ? "ok" : (result.error.issues[0]?.message ?? "?");
}

describe("AlertSettings", () => {
  // The shape only: which hosts the control plane may call is worker/lib/outbound-url.ts's rule.
  it.each([
    { url: "https://hooks.slack.com/services/T/B/X", expected: "ok" },
    { url: "http://127.0.0.1:8787/hook", expected: "ok" },
    { url: "ftp://hooks.example.com/", expected: "must be an http(s):// URL" },
    { url: "hooks.example.com", expected: "must be an http(s):// URL" },
    {
      url: `https://hooks.example.com/${"x".repeat(2048)}`,
      expected: "must be at most 2048 characters",
    },
  ])("url $url → $expected", ({ url, expected }) => {
    expect(check({ url })).toBe(expected);
  });

  it.each([
    { secret: "s".repeat(15), expected: "must be at least 16 characters" },
    { secret: "s".repeat(16), expected: "ok" },
    { secret: "s".repeat(256), expected: "ok" },
    { secret: "s".repeat(257), expected: "must be at most 256 characters" },
  ])("secret of $secret.length characters → $expected", ({ secret, expected }) => {
    expect(check({ secret })).toBe(expected);
  });

  it("defaults events to the ones someone should act on", () => {
    const settings = AlertSettings.parse({ url: "https://h.example.com/", secret });
    expect(settings.events).toEqual([...DEFAULT_ALERT_EVENTS]);
    expect(settings.events).toContain("failover.promoted");
    expect(settings.events).not.toContain("member.enrolled");
  });

  it.each([
    { input: { events: ["member.offline"] }, expected: "ok" },
    { input: { events: ["member.exploded"] }, expected: "Invalid option" },
    { input: { extra: true }, expected: 'Unrecognized key: "extra"' },
  ])("$input → $expected", ({ input, expected }) => {
    expect(check(input)).toContain(expected);
  });
});
