#!/usr/bin/env node
// `npm run release:keygen -- --out PATH`: makes the Ed25519 release key that signs agent bundles
// (docs/decisions/0012). The private key goes to PATH (mode 0600, never overwritten); keep it
// off the control plane. The public key it prints is what every VM pins with install.sh
// --release-key and what RELEASE_PUBLIC_KEY in wrangler.toml puts into the install one-liner.
import { writeFileSync } from "node:fs";
import { resolve } from "node:path";
import { parseArgs } from "node:util";
import { generateReleaseKey } from "./release-key.mjs";

const USAGE = "usage: npm run release:keygen -- --out PATH";

let out;
try {
  ({ out } = parseArgs({ options: { out: { type: "string" } } }).values);
} catch (error) {
  console.error(`${error.message}\n${USAGE}`);
  process.exit(2);
}
if (!out) {
  console.error(
    `--out PATH is required: where to keep the private key, off the control plane\n${USAGE}`,
  );
  process.exit(2);
}

const { pem, publicKey } = generateReleaseKey();
const path = resolve(out);
try {
  writeFileSync(path, pem, { mode: 0o600, flag: "wx" });
} catch (error) {
  const why = error.code === "EEXIST" ? "it already exists (never overwritten)" : error.code;
  console.error(`cannot write ${path}: ${why}`);
  process.exit(1);
}
console.log(
  `Release private key: ${path} (mode 0600). Keep it off the control plane and back it up.`,
);
console.log(`Release public key: ${publicKey}`);
console.log(`
Next:
  - wrangler.toml [vars]: RELEASE_PUBLIC_KEY = "${publicKey}"  (the install one-liner pins it)
  - each release: npm run build && npm run release:sign -- --key-file ${path} && wrangler deploy
  - VMs installed before: re-run install.sh with --release-key ${publicKey}`);
