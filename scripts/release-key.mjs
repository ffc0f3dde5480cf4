// Release signing helpers shared by release-keygen.mjs, release-sign.mjs and start.mjs
// (docs/decisions/0012). The private key is a PKCS#8 PEM file (what `openssl genpkey -algorithm
// ed25519` writes too); the public key VMs pin is base64 of its raw 32 bytes; the signature is
// base64 of Ed25519 over the exact bytes of dist/public/agent/baton-agent.mjs, one line in
// baton-agent.mjs.sig beside it, which `wrangler deploy` uploads with the other static assets.
import { createPrivateKey, createPublicKey, generateKeyPairSync, sign, verify } from "node:crypto";
import { readFileSync, renameSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

export const root = join(dirname(fileURLToPath(import.meta.url)), "..");
export const PUBLISHED_BUNDLE = join(root, "dist", "public", "agent", "baton-agent.mjs");

/** A new key pair: the private key as PEM, the public key as VMs pin it. */
export function generateReleaseKey() {
  const { privateKey } = generateKeyPairSync("ed25519");
  return {
    pem: privateKey.export({ format: "pem", type: "pkcs8" }).toString(),
    publicKey: publicKeyText(privateKey),
  };
}

/** Parses a PEM private key; throws with a one-line reason if it is not an Ed25519 key. */
export function parsePrivateKey(pem, source) {
  let key;
  try {
    key = createPrivateKey(pem);
  } catch (error) {
    throw new Error(`${source} is not a PEM private key (${error.code ?? error.message})`);
  }
  if (key.asymmetricKeyType !== "ed25519") {
    throw new Error(`${source} is a ${key.asymmetricKeyType} key; the release key is Ed25519`);
  }
  return key;
}

/** The base64 raw public key of `privateKey`, the form install.sh --release-key takes. */
export function publicKeyText(privateKey) {
  const { x } = createPublicKey(privateKey).export({ format: "jwk" });
  return Buffer.from(x, "base64url").toString("base64");
}

/**
 * Signs the bundle at `path` (default: the published one), checks the signature with the public
 * half, and writes it to `path`.sig (temporary name, then rename). Returns the public key and the
 * bundle's size.
 */
export function signPublishedBundle(privateKey, path = PUBLISHED_BUNDLE) {
  const bundle = readFileSync(path);
  const signature = sign(null, bundle, privateKey);
  if (!verify(null, bundle, createPublicKey(privateKey), signature)) {
    throw new Error("the signature just made does not verify; nothing was written");
  }
  const temp = `${path}.sig.${process.pid}.tmp`;
  writeFileSync(temp, `${signature.toString("base64")}\n`, { mode: 0o644 });
  renameSync(temp, `${path}.sig`);
  return { publicKey: publicKeyText(privateKey), size: bundle.length };
}
