/**
 * Checks an agent bundle against the release key pinned on this VM (BATON_RELEASE_KEY): an
 * Ed25519 signature over the exact bytes, made by `npm run release:sign` with the admin's
 * private key. The control plane serves bundle and signature but never the key, so it cannot
 * make a bundle this check accepts.
 */
import { createPublicKey, verify } from "node:crypto";
import { ReleaseSignature } from "../shared/agent-protocol";

/** Whether `signature` (base64, as served) is the pinned key's signature of `bundle`. */
export function verifyReleaseSignature(
  bundle: Uint8Array,
  signature: string,
  releaseKey: string,
): boolean {
  const parsed = ReleaseSignature.safeParse(signature);
  if (!parsed.success) return false;
  const key = createPublicKey({
    key: { kty: "OKP", crv: "Ed25519", x: Buffer.from(releaseKey, "base64").toString("base64url") },
    format: "jwk",
  });
  return verify(null, bundle, key, Buffer.from(parsed.data, "base64"));
}
