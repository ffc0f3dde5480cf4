import { describe, expect, it } from "vitest";
import { CertificateRefusal, checkUpload } from "../../../worker/certificates/check";
import * as fx from "./fixtures";

const NOW = Date.UTC(2030, 0, 1);
const chain = (...pems: string[]) => pems.join("");

async function refusal(certificate: string, privateKey: string, now = NOW) {
  try {
    await checkUpload({ certificate, privateKey }, now);
  } catch (error) {
    if (error instanceof CertificateRefusal) {
      return { code: error.code, field: error.field, message: error.message };
    }
    throw error;
  }
  throw new Error("the upload was accepted");
}

describe("checkUpload accepts", () => {
  it.each([
    [
      "RSA leaf + intermediate, PKCS#8 key",
      chain(fx.RSA_LEAF, fx.INTERMEDIATE),
      fx.RSA_KEY,
      "rsa-2048",
      2,
    ],
    ["RSA leaf, PKCS#1 key", fx.RSA_LEAF, fx.RSA_KEY_PKCS1, "rsa-2048", 1],
    [
      "the full chain up to the root",
      chain(fx.RSA_LEAF, fx.INTERMEDIATE, fx.ROOT),
      fx.RSA_KEY,
      "rsa-2048",
      3,
    ],
    ["ECDSA P-256, PKCS#8 key", chain(fx.P256_LEAF, fx.INTERMEDIATE), fx.P256_KEY, "ecdsa-p256", 2],
    ["ECDSA P-256, SEC1 key", fx.P256_LEAF, fx.P256_KEY_SEC1, "ecdsa-p256", 1],
    ["ECDSA P-384", fx.P384_LEAF, fx.P384_KEY, "ecdsa-p384", 1],
    [
      "an ECDSA chain up to the RSA root (ECDSA and RSA signatures checked)",
      chain(fx.EC_SIGNED_LEAF, fx.EC_INTERMEDIATE, fx.ROOT),
      fx.EC_SIGNED_KEY,
      "ecdsa-p256",
      3,
    ],
  ])("%s", async (_name, certificate, privateKey, keyType, length) => {
    const checked = await checkUpload({ certificate, privateKey }, NOW);
    expect(checked.keyType).toBe(keyType);
    expect(checked.chain).toHaveLength(length);
    // The file for the VM: the chain as uploaded (leaf first), then the key.
    expect(checked.pem.match(/-----BEGIN CERTIFICATE-----/g)).toHaveLength(length);
    expect(checked.pem.trimEnd().endsWith("PRIVATE KEY-----")).toBe(true);
    expect(
      checked.pem.indexOf(checked.pem.match(/-----BEGIN [A-Z ]*PRIVATE KEY-----/)?.[0] ?? ""),
    ).toBeGreaterThan(checked.pem.lastIndexOf("-----END CERTIFICATE-----"));
  });

  it("reads subject, SANs (DNS and IP), issuer and dates of the leaf", async () => {
    const { leaf } = await checkUpload(
      {
        certificate: `Bag Attributes: ignored\n${fx.RSA_LEAF}${fx.INTERMEDIATE}`,
        privateKey: fx.RSA_KEY,
      },
      NOW,
    );
    expect(leaf.subject).toBe("CN=shop.example.test, O=Example Shop");
    expect(leaf.commonName).toBe("shop.example.test");
    expect(leaf.sans).toEqual(["shop.example.test", "www.shop.example.test", "192.0.2.10"]);
    expect(leaf.issuer).toBe("CN=Baton Test Intermediate, O=Baton Test");
    expect(leaf.notAfter - leaf.notBefore).toBe(36_500 * 86_400_000);
  });

  it("reads GeneralizedTime dates (years from 2050) and UTCTime ones", async () => {
    const future = await checkUpload(
      { certificate: fx.FUTURE_LEAF, privateKey: fx.FUTURE_KEY },
      Date.UTC(2091, 0, 1),
    );
    expect(new Date(future.leaf.notBefore).toISOString()).toBe("2090-01-01T00:00:00.000Z");
    const expired = await checkUpload(
      { certificate: fx.EXPIRED_LEAF, privateKey: fx.EXPIRED_KEY },
      Date.UTC(2020, 5, 1),
    );
    expect(new Date(expired.leaf.notAfter).toISOString()).toBe("2021-01-01T00:00:00.000Z");
  });
});

describe("checkUpload refuses, naming the field and what to do", () => {
  it.each([
    [
      "a key of another certificate",
      fx.RSA_LEAF,
      fx.OTHER_RSA_KEY,
      "key_mismatch",
      "privateKey",
      /does not belong to the certificate for shop\.example\.test/,
    ],
    [
      "an EC key for an RSA certificate",
      fx.RSA_LEAF,
      fx.P256_KEY,
      "key_mismatch",
      "privateKey",
      /does not belong/,
    ],
    [
      "a P-256 key for a P-384 certificate",
      fx.P384_LEAF,
      fx.P256_KEY,
      "key_mismatch",
      "privateKey",
      /does not belong/,
    ],
    [
      "the intermediate before the leaf",
      chain(fx.INTERMEDIATE, fx.RSA_LEAF),
      fx.RSA_KEY,
      "chain_out_of_order",
      "certificate",
      /belongs to certificate 2 \(shop\.example\.test\)/,
    ],
    [
      "a root between leaf and intermediate",
      chain(fx.RSA_LEAF, fx.ROOT, fx.INTERMEDIATE),
      fx.RSA_KEY,
      "chain_out_of_order",
      "certificate",
      /certificate 1 \(shop\.example\.test\) was issued by CN=Baton Test Intermediate/,
    ],
    [
      "an intermediate of the right name that did not sign the leaf",
      chain(fx.RSA_LEAF, fx.IMPOSTOR_INTERMEDIATE),
      fx.RSA_KEY,
      "chain_signature_invalid",
      "certificate",
      /certificate 2 \(Baton Test Intermediate\) has the right name but did not sign certificate 1/,
    ],
    [
      "an expired certificate",
      fx.EXPIRED_LEAF,
      fx.EXPIRED_KEY,
      "certificate_expired",
      "certificate",
      /expired on 2021-01-01: renew it/,
    ],
    [
      "a certificate valid only from 2090",
      fx.FUTURE_LEAF,
      fx.FUTURE_KEY,
      "certificate_not_yet_valid",
      "certificate",
      /valid only from 2090-01-01/,
    ],
    [
      "a key with a passphrase",
      fx.RSA_LEAF,
      fx.RSA_KEY_ENCRYPTED,
      "private_key_unreadable",
      "privateKey",
      /decrypt it first/,
    ],
    [
      "no key",
      fx.RSA_LEAF,
      "hello",
      "private_key_unreadable",
      "privateKey",
      /No private key found/,
    ],
    [
      "no certificate",
      "hello",
      fx.RSA_KEY,
      "certificate_unreadable",
      "certificate",
      /No certificate found/,
    ],
    [
      "a damaged certificate",
      fx.RSA_LEAF.replace(/\n[A-Za-z0-9+/]{64}\n/, "\nAAAA\n"),
      fx.RSA_KEY,
      "certificate_unreadable",
      "certificate",
      /Certificate 1 of the chain is damaged/,
    ],
  ])("%s", async (_name, certificate, privateKey, code, field, message) => {
    const answer = await refusal(certificate, privateKey);
    expect(answer).toMatchObject({ code, field });
    expect(answer.message).toMatch(message);
  });

  it("a chain past its end is refused at the leaf, the certificate the server presents", async () => {
    const answer = await refusal(
      chain(fx.RSA_LEAF, fx.INTERMEDIATE),
      fx.RSA_KEY,
      Date.UTC(2200, 0, 1),
    );
    expect(answer.code).toBe("certificate_expired");
    expect(answer.message).toMatch(/^The certificate expired/);
  });
});

describe("checkUpload on damaged input", () => {
  // Every damaged upload must be refused with a reason, never crash the request (a 500).
  const toBase64 = (bytes: Uint8Array) => btoa(String.fromCharCode(...bytes));
  const derOf = (pem: string) =>
    Uint8Array.from(atob(pem.replace(/-----[A-Z ]+-----|\s/g, "")), (char) => char.charCodeAt(0));
  const pemOf = (label: string, bytes: Uint8Array) =>
    `-----BEGIN ${label}-----\n${toBase64(bytes)}\n-----END ${label}-----\n`;

  /** A small deterministic generator, so a failure can be replayed. */
  function random(seed: number) {
    let state = seed;
    return (below: number) => {
      state = (state * 1_103_515_245 + 12_345) % 2 ** 31;
      return state % below;
    };
  }

  it.each([
    ["certificate", fx.P256_LEAF, "CERTIFICATE"],
    ["privateKey", fx.P256_KEY_SEC1, "EC PRIVATE KEY"],
    ["privateKey", fx.RSA_KEY, "PRIVATE KEY"],
  ])(
    "%s: 300 corruptions and truncations are each refused or accepted, never thrown",
    async (field, pem, label) => {
      const next = random(field.length * 7 + label.length);
      const der = derOf(pem);
      for (let round = 0; round < 300; round++) {
        const damaged = der.slice(0, round % 3 === 0 ? next(der.length) : der.length);
        for (let flips = 0; flips < 1 + next(4); flips++) damaged[next(damaged.length)] = next(256);
        const input = {
          certificate: fx.P256_LEAF,
          privateKey: fx.P256_KEY_SEC1,
          [field]: pemOf(label, damaged),
        };
        try {
          await checkUpload(input, NOW);
        } catch (error) {
          expect(error, `round ${round}`).toBeInstanceOf(CertificateRefusal);
        }
      }
    },
  );
});
