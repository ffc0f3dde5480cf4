import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { app } from "../../../worker/app";
import { createUser, signIn, withSession } from "../dashboard/auth-helpers";
import { ADMIN, admin, BASE, createPool, expectError } from "../helpers";

const SECRET = "webhook-secret-0123456789";
const SLACK = "https://hooks.slack.com/services/T000/B000/XXXXXXXXXXXXXXXX";

/** Calls the admin API as a deployed Worker: no ALLOW_PRIVATE_URLS. */
async function deployed(path: string, options: { method?: string; body?: unknown } = {}) {
  const request = new Request(`${BASE}/api/v1${path}`, {
    method: options.method ?? "POST",
    headers: { ...ADMIN, "Content-Type": "application/json" },
    body: JSON.stringify(options.body),
  });
  const response = await app.fetch(request, { ...env, ALLOW_PRIVATE_URLS: "false" });
  return { status: response.status, body: (await response.json()) as unknown };
}

function issues(result: { body: unknown }) {
  return (result.body as { error: { issues?: { path: string; message: string }[] } }).error.issues;
}

const powerdns = (baseUrl: string) => ({
  kind: "powerdns",
  baseUrl,
  apiKey: "key",
  zone: "example.com",
});

describe("a deployed control plane refuses to call private addresses", () => {
  it.each([
    ["http://127.0.0.1:8081/?", "127.0.0.1 is a loopback address"],
    ["https://2130706433/", "127.0.0.1 is a loopback address"],
    ["https://169.254.169.254/", "169.254.169.254 is a link-local address"],
    ["https://10.0.0.8/", "10.0.0.8 is a private address"],
    ["https://metadata.google.internal/", "metadata.google.internal is a local name"],
  ])("DNS provider at %s: not saved, not tested", async (baseUrl, why) => {
    const pool = await createPool();
    const saved = await deployed(`/pools/${pool.id}/dns`, {
      method: "PUT",
      body: { provider: powerdns(baseUrl) },
    });
    expectError(saved, 400, "validation_failed");
    expect(issues(saved)).toEqual([
      { path: "provider.baseUrl", message: expect.stringContaining(`URL refused: ${why}`) },
    ]);
    expect((await admin<{ dns: unknown }>(`/pools/${pool.id}/dns`)).body.dns).toBeNull();
  });

  it("refuses a provider sent to test, a DNS account and a webhook alike", async () => {
    const pool = await createPool();
    const tested = await deployed(`/pools/${pool.id}/dns/test`, {
      body: { provider: powerdns("http://127.0.0.1:8081/?") },
    });
    expectError(tested, 400, "validation_failed");
    expect(issues(tested)?.[0]?.path).toBe("provider.baseUrl");

    const account = await deployed("/dns-accounts", {
      body: { name: "local", provider: powerdns("https://[::1]:8081/") },
    });
    expectError(account, 400, "validation_failed");
    expect(issues(account)?.[0]?.message).toContain("::1 is a loopback address");

    const webhook = await deployed(`/pools/${pool.id}/alerts`, {
      method: "PUT",
      body: { url: "https://169.254.169.254/latest/meta-data/", secret: "short" },
    });
    expectError(webhook, 400, "validation_failed");
    expect(issues(webhook)?.map((issue) => issue.path)).toEqual(["url", "secret"]);
    expect(issues(webhook)?.[0]?.message).toContain("link-local address");
  });

  it("refuses a provider at a bare public IP address, which a deployed Worker cannot fetch", async () => {
    const pool = await createPool();
    const cpanel = {
      kind: "cpanel",
      baseUrl: "https://203.0.113.7:2083",
      username: "u",
      apiToken: "t",
      zone: "example.com",
    };
    const saved = await deployed(`/pools/${pool.id}/dns`, {
      method: "PUT",
      body: { provider: cpanel },
    });
    expectError(saved, 400, "validation_failed");
    expect(issues(saved)).toEqual([
      {
        path: "provider.baseUrl",
        message: expect.stringContaining(
          "203.0.113.7 is an IP address: a deployed Worker cannot fetch one (Cloudflare answers error 1003); use its host name, e.g. https://cpanel.example.com",
        ),
      },
    ]);
  });

  it("accepts public https URLs", async () => {
    const pool = await createPool();
    const saved = await deployed(`/pools/${pool.id}/dns`, {
      method: "PUT",
      body: { provider: powerdns("https://pdns.example.com:8081") },
    });
    expect(saved.status).toBe(200);
    const webhook = await deployed(`/pools/${pool.id}/alerts`, {
      method: "PUT",
      body: { url: SLACK, secret: SECRET },
    });
    expect(webhook.status).toBe(200);
  });

  it("with ALLOW_PRIVATE_URLS (npm start, tests) a loopback PowerDNS is accepted", async () => {
    const pool = await createPool();
    const saved = await admin(`/pools/${pool.id}/dns`, {
      method: "PUT",
      body: { provider: powerdns("http://127.0.0.1:8081") },
    });
    expect(saved.status).toBe(200);
  });
});

describe("webhook URLs are a credential", () => {
  it("are masked in events written before they were, too", async () => {
    const pool = await createPool();
    const at = Date.now();
    await env.DB.prepare(
      "INSERT INTO events (id, pool_id, member_id, type, actor, message, data, at) VALUES (?, ?, NULL, 'pool.updated', 'bootstrap', ?, ?, ?)",
    )
      .bind(
        `evt_old_${pool.id}`,
        pool.id,
        `Webhook alerts go to ${SLACK}`,
        JSON.stringify({ alerts: { url: SLACK, events: [], enabled: true } }),
        at,
      )
      .run();
    const events = await admin<{ events: { message: string; data: unknown }[] }>(
      `/pools/${pool.id}/events`,
    );
    expect(events.body.events[0]?.message).toBe("Webhook alerts go to https://hooks.slack.com/…");
    expect(JSON.stringify(events.body)).not.toContain("XXXXXXXXXXXXXXXX");
  });

  it("are shown in full to admins only, and never in events", async () => {
    const pool = await createPool();
    expect(
      (
        await admin(`/pools/${pool.id}/alerts`, {
          method: "PUT",
          body: { url: SLACK, secret: SECRET },
        })
      ).status,
    ).toBe(200);
    const asAdmin = await admin<{ alerts: { url: string } }>(`/pools/${pool.id}/alerts`);
    expect(asAdmin.body.alerts.url).toBe(SLACK);
    for (const role of ["viewer", "operator"] as const) {
      const session = await signIn((await createUser(role)).username);
      const shown = await withSession<{ alerts: { url: string } }>(
        session,
        `/pools/${pool.id}/alerts`,
      );
      expect(shown.status).toBe(200);
      expect(shown.body.alerts.url).toBe("https://hooks.slack.com/…");
      const events = await withSession<{ events: unknown[] }>(session, `/pools/${pool.id}/events`);
      expect(JSON.stringify(events.body)).toContain("hooks.slack.com");
      expect(JSON.stringify(events.body)).not.toContain("XXXXXXXXXXXXXXXX");
    }
  });
});

describe("a DNS provider nothing answers at (local development)", () => {
  it("names the address and what to check, not workerd's bare 'Network connection lost'", async () => {
    const pool = await createPool();
    const tested = await admin<{ check: { ok: boolean; detail: string } }>(
      `/pools/${pool.id}/dns/test`,
      { method: "POST", body: { provider: powerdns("http://127.0.0.1:1") } },
    );
    expect(tested.status).toBe(200);
    expect(tested.body.check.ok).toBe(false);
    expect(tested.body.check.detail).toContain("could not connect to 127.0.0.1:1");
    expect(tested.body.check.detail).not.toContain("Network connection lost");
  });
});
