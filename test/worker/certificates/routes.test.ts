import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import type { AgentCertificate, Certificate } from "../../../shared/certificates";
import type { Event } from "../../../shared/events";
import { minimalModel } from "../../shared/balancer-models";
import {
  admin,
  agentCall,
  createApiToken,
  createPool,
  enroll,
  expectError,
  heartbeat,
  withToken,
} from "../helpers";
import * as fx from "./fixtures";

const RSA_UPLOAD = { certificate: fx.RSA_LEAF + fx.INTERMEDIATE, privateKey: fx.RSA_KEY };

async function upload(poolId: string, body: Record<string, unknown> = RSA_UPLOAD) {
  const result = await admin<{ certificate: Certificate }>(`/pools/${poolId}/certificates`, {
    body,
  });
  expect(result.status).toBe(201);
  return result.body.certificate;
}

async function sha256(text: string) {
  const digest = await crypto.subtle.digest("SHA-256", new TextEncoder().encode(text));
  return [...new Uint8Array(digest)].map((byte) => byte.toString(16).padStart(2, "0")).join("");
}

describe("certificates API", () => {
  it("stores an upload sealed and shows subject, SANs, issuer, dates and fingerprint, never the key", async () => {
    const pool = await createPool();
    const certificate = await upload(pool.id, { ...RSA_UPLOAD, name: "shop" });
    expect(certificate).toMatchObject({
      poolId: pool.id,
      name: "shop",
      subject: "CN=shop.example.test, O=Example Shop",
      sans: ["shop.example.test", "www.shop.example.test", "192.0.2.10"],
      issuer: "CN=Baton Test Intermediate, O=Baton Test",
      keyType: "rsa-2048",
      chainLength: 2,
      createdBy: "bootstrap",
    });
    expect(certificate.id).toMatch(/^crt_[a-z0-9]{16}$/);
    expect(certificate.fingerprintSha256).toMatch(/^[0-9a-f]{64}$/);
    expect(certificate.notAfter).toBeGreaterThan(Date.now());

    const listed = await admin<{ certificates: Certificate[] }>(`/pools/${pool.id}/certificates`);
    expect(listed.body.certificates).toEqual([certificate]);
    const one = await admin<{ certificate: Certificate }>(
      `/pools/${pool.id}/certificates/${certificate.id}`,
    );
    expect(one.body.certificate).toEqual(certificate);
    for (const text of [JSON.stringify(listed.body), JSON.stringify(one.body)]) {
      expect(text).not.toContain("PRIVATE KEY");
    }
    // At rest: sealed with SECRETS_KEY, no PEM in the row.
    const row = await env.DB.prepare("SELECT * FROM certificates WHERE id = ?")
      .bind(certificate.id)
      .first();
    expect(JSON.stringify(row)).not.toContain("BEGIN");
    expect(row?.sealed).toMatch(/^v1\./);

    const events = await admin<{ events: Event[] }>(`/pools/${pool.id}/events?type=certificate.*`);
    expect(events.body.events.map((event) => event.type)).toEqual(["certificate.uploaded"]);
    expect(events.body.events[0]?.message).toMatch(
      /^Certificate shop \(shop\.example\.test, www\.shop\.example\.test, 192\.0\.2\.10\) uploaded, valid until 2\d{3}-/,
    );
  });

  it("names a certificate after its CN when no name is given; ECDSA works too", async () => {
    const pool = await createPool();
    const certificate = await upload(pool.id, {
      certificate: fx.P256_LEAF,
      privateKey: fx.P256_KEY_SEC1,
    });
    expect(certificate).toMatchObject({
      name: "p256.example.test",
      keyType: "ecdsa-p256",
      sans: ["p256.example.test"],
    });
    // Signatures of the chain checked with workerd's WebCrypto: ECDSA (P-384) and RSA.
    const chained = await upload(pool.id, {
      certificate: fx.EC_SIGNED_LEAF + fx.EC_INTERMEDIATE + fx.ROOT,
      privateKey: fx.EC_SIGNED_KEY,
    });
    expect(chained).toMatchObject({ name: "ec.example.test", chainLength: 3 });
  });

  it.each([
    [
      "a key of another certificate",
      { privateKey: fx.OTHER_RSA_KEY },
      "key_mismatch",
      "privateKey",
    ],
    [
      "the chain in the wrong order",
      { certificate: fx.INTERMEDIATE + fx.RSA_LEAF },
      "chain_out_of_order",
      "certificate",
    ],
    [
      "an intermediate of the right name that did not sign the leaf",
      { certificate: fx.RSA_LEAF + fx.IMPOSTOR_INTERMEDIATE },
      "chain_signature_invalid",
      "certificate",
    ],

    [
      "an expired certificate",
      { certificate: fx.EXPIRED_LEAF, privateKey: fx.EXPIRED_KEY },
      "certificate_expired",
      "certificate",
    ],
    [
      "a certificate not valid yet",
      { certificate: fx.FUTURE_LEAF, privateKey: fx.FUTURE_KEY },
      "certificate_not_yet_valid",
      "certificate",
    ],
    [
      "a key with a passphrase",
      { privateKey: fx.RSA_KEY_ENCRYPTED },
      "private_key_unreadable",
      "privateKey",
    ],
  ])(
    "refuses %s with 400, its code and the field, and stores nothing",
    async (_name, change, code, field) => {
      const pool = await createPool();
      const result = await admin(`/pools/${pool.id}/certificates`, {
        body: { ...RSA_UPLOAD, ...change },
      });
      expectError(result, 400, code);
      const error = (result.body as { error: { issues: { path: string }[] } }).error;
      expect(error.issues.map((issue) => issue.path)).toEqual([field]);
      const listed = await admin<{ certificates: Certificate[] }>(`/pools/${pool.id}/certificates`);
      expect(listed.body.certificates).toEqual([]);
    },
  );

  it("refuses a body without the PEM fields with validation_failed naming them", async () => {
    const pool = await createPool();
    const result = await admin(`/pools/${pool.id}/certificates`, { body: { name: "x" } });
    expectError(result, 400, "validation_failed");
    expect(result.body).toMatchObject({
      error: { message: expect.stringMatching(/certificate.*privateKey/) },
    });
  });

  it("takes an admin to upload or delete; every role may read", async () => {
    const pool = await createPool();
    const certificate = await upload(pool.id);
    const { token } = await createApiToken("operator");
    const operator = (path: string, options = {}) => withToken(token, path, options);
    expectError(
      await operator(`/pools/${pool.id}/certificates`, { body: RSA_UPLOAD }),
      403,
      "forbidden",
    );
    expectError(
      await operator(`/pools/${pool.id}/certificates/${certificate.id}`, { method: "DELETE" }),
      403,
      "forbidden",
    );
    const viewerToken = (await createApiToken("viewer")).token;
    const viewer = (path: string) => withToken(viewerToken, path);
    expect((await viewer(`/pools/${pool.id}/certificates/${certificate.id}`)).status).toBe(200);
  });

  it("answers 404 for an unknown pool, an unknown certificate, and another pool's certificate", async () => {
    const pool = await createPool();
    const other = await createPool();
    const certificate = await upload(other.id);
    expectError(
      await admin("/pools/pool_missing/certificates", { body: RSA_UPLOAD }),
      404,
      "not_found",
    );
    expectError(await admin("/pools/pool_missing/certificates"), 404, "not_found");
    expectError(
      await admin(`/pools/${pool.id}/certificates/crt_0000000000000000`),
      404,
      "not_found",
    );
    expectError(await admin(`/pools/${pool.id}/certificates/${certificate.id}`), 404, "not_found");
    expectError(
      await admin(`/pools/${pool.id}/certificates/${certificate.id}`, { method: "DELETE" }),
      404,
      "not_found",
    );
  });

  it("deletes a certificate with an event; it is gone afterwards", async () => {
    const pool = await createPool();
    const certificate = await upload(pool.id);
    const deleted = await admin(`/pools/${pool.id}/certificates/${certificate.id}`, {
      method: "DELETE",
    });
    expect(deleted).toMatchObject({ status: 200, body: { deleted: true } });
    expectError(await admin(`/pools/${pool.id}/certificates/${certificate.id}`), 404, "not_found");
    const events = await admin<{ events: Event[] }>(`/pools/${pool.id}/events?type=certificate.*`);
    expect(events.body.events.map((event) => event.type)).toEqual([
      "certificate.deleted",
      "certificate.uploaded",
    ]);
  });
});

describe("a certificate the balancer uses", () => {
  it("cannot be deleted while the newest balancer revision serves it; can once a revision drops it", async () => {
    const pool = await createPool();
    const certificate = await upload(pool.id);
    const model = minimalModel();
    model.frontends.push({
      name: "secure",
      binds: [{ port: 443, tls: { certificateId: certificate.id } }],
      defaultBackend: model.frontends[0]?.defaultBackend ?? "app",
    });
    const saved = await admin(`/pools/${pool.id}/balancer`, { method: "PUT", body: model });
    expect(saved.status).toBe(201);
    const path = `/pools/${pool.id}/certificates/${certificate.id}`;
    const refused = await admin(path, { method: "DELETE" });
    expectError(refused, 409, "certificate_in_use");
    expect(JSON.stringify(refused.body)).toContain("balancer revision 1");
    expect((await admin(path)).status).toBe(200);

    const without = await admin(`/pools/${pool.id}/balancer`, {
      method: "PUT",
      body: minimalModel(),
    });
    expect(without.status).toBe(201);
    expect((await admin(path, { method: "DELETE" })).status).toBe(200);
  });
});

describe("a pool's certificates and the pool", () => {
  it("go with it when the pool is deleted (no sealed key is left behind)", async () => {
    const pool = await createPool();
    const certificate = await upload(pool.id);
    expect((await admin(`/pools/${pool.id}`, { method: "DELETE" })).status).toBe(200);
    const row = await env.DB.prepare("SELECT id FROM certificates WHERE id = ?")
      .bind(certificate.id)
      .first();
    expect(row).toBeNull();
  });
});

describe("GET /agent/v1/certificates/:certId", () => {
  it("gives a member of the pool the chain then the key, and its SHA-256", async () => {
    const pool = await createPool();
    const member = await enroll(pool.id);
    expect((await heartbeat(member)).status).toBe(200);
    const certificate = await upload(pool.id);
    const result = await agentCall<AgentCertificate>(member, `/certificates/${certificate.id}`);
    expect(result.status).toBe(200);
    expect(result.headers.get("Cache-Control")).toBe("no-store");
    const { id, pem, sha256: hash } = result.body;
    expect(id).toBe(certificate.id);
    expect(hash).toBe(await sha256(pem));
    expect(pem.match(/-----BEGIN [A-Z ]+-----/g)).toEqual([
      "-----BEGIN CERTIFICATE-----",
      "-----BEGIN CERTIFICATE-----",
      "-----BEGIN PRIVATE KEY-----",
    ]);
    expect(pem).toBe(fx.RSA_LEAF + fx.INTERMEDIATE + fx.RSA_KEY);
  });

  it("answers another pool's member 404, and a bad secret 401", async () => {
    const pool = await createPool();
    const other = await createPool();
    const stranger = await enroll(other.id);
    const certificate = await upload(pool.id);
    expectError(await agentCall(stranger, `/certificates/${certificate.id}`), 404, "not_found");
    const forged = { ...stranger, secret: "not-the-secret-0123456789012345678901234567890123" };
    expectError(await agentCall(forged, `/certificates/${certificate.id}`), 401, "bad_secret");
  });

  it("refuses a member's agent calling from an address it may not use", async () => {
    const pool = await createPool();
    const member = await enroll(pool.id);
    const certificate = await upload(pool.id);
    const result = await agentCall(member, `/certificates/${certificate.id}`, {
      headers: { "CF-Connecting-IP": "198.51.100.99" },
    });
    expectError(result, 403, "ip_not_allowed");
  });
});
