#!/usr/bin/env node
// `npm run release:sign -- --key-file PATH`: signs dist/public/agent/baton-agent.mjs (built by
// `npm run build`) with the Ed25519 release key, writing baton-agent.mjs.sig beside it for
// `wrangler deploy` to upload (docs/decisions/0012). The key comes from --key-file, or from
// BATON_RELEASE_PRIVATE_KEY_FILE (a path) or BATON_RELEASE_PRIVATE_KEY (the PEM text) in the
// environment, for CI. --bundle PATH signs another file (tests). It is only read here: nothing writes it anywhere, least of all the Worker.
import { existsSync, readFileSync } from "node:fs";
import { relative } from "node:path";
import { parseArgs } from "node:util";
import { PUBLISHED_BUNDLE, parsePrivateKey, root, signPublishedBundle } from "./release-key.mjs";

const USAGE =
  "usage: npm run release:sign -- --key-file PATH   (or BATON_RELEASE_PRIVATE_KEY_FILE / BATON_RELEASE_PRIVATE_KEY)";

function fail(message, code = 1) {
  console.error(`release:sign: ${message}`);
  process.exit(code);
}

let options;
try {
  options = parseArgs({
    options: { "key-file": { type: "string" }, bundle: { type: "string" } },
  }).values;
} catch (error) {
  fail(`${error.message}\n${USAGE}`, 2);
}
const file = options["key-file"] ?? process.env.BATON_RELEASE_PRIVATE_KEY_FILE;
const inline = process.env.BATON_RELEASE_PRIVATE_KEY;

let pem;
let source;
if (file) {
  source = file;
  try {
    pem = readFileSync(file, "utf8");
  } catch (error) {
    fail(`cannot read the release key ${file} (${error.code ?? error.message})`);
  }
} else if (inline) {
  source = "BATON_RELEASE_PRIVATE_KEY";
  pem = inline;
} else {
  fail(
    `no release key: pass --key-file PATH or set BATON_RELEASE_PRIVATE_KEY(_FILE); make one with npm run release:keygen -- --out PATH\n${USAGE}`,
    2,
  );
}
const bundle = options.bundle ?? PUBLISHED_BUNDLE;
if (!existsSync(bundle)) fail(`${bundle} does not exist: run npm run build first`);

try {
  const { publicKey, size } = signPublishedBundle(parsePrivateKey(pem, source), bundle);
  const shown = bundle.startsWith(root) ? relative(root, bundle) : bundle;
  console.log(`${shown}.sig: ${size} bytes signed by release key ${publicKey}`);
} catch (error) {
  fail(error.message);
}
