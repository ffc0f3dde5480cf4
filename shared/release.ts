/**
 * Release signing (docs/decisions/0012): the admin signs each agent bundle with an Ed25519 key
 * kept off the control plane, and every VM pins the public key at install. These are the forms
 * the key and signature travel in: plain base64, one line, safe unquoted in agent.env and shell.
 */
import { z } from "zod";

/** Where the signature of /agent/baton-agent.mjs is served, beside the bundle. */
export const AGENT_SIGNATURE_PATH = "/agent/baton-agent.mjs.sig";

/** A release public key: base64 of the raw 32-byte Ed25519 key (44 characters). */
export const RELEASE_PUBLIC_KEY_PATTERN = /^[A-Za-z0-9+/]{43}=$/;
export const ReleasePublicKey = z
  .string()
  .trim()
  .regex(
    RELEASE_PUBLIC_KEY_PATTERN,
    "must be the release public key npm run release:keygen printed (44 base64 characters)",
  );
export type ReleasePublicKey = z.infer<typeof ReleasePublicKey>;

/** A release signature: base64 of the 64-byte Ed25519 signature over the exact bundle bytes. */
export const ReleaseSignature = z
  .string()
  .trim()
  .regex(/^[A-Za-z0-9+/]{86}==$/, "must be a base64 Ed25519 signature (88 characters)");
export type ReleaseSignature = z.infer<typeof ReleaseSignature>;
