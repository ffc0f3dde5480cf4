// Bundles the agent into one file for the VM's Node (≥ 20.18) and publishes it, with the systemd
// unit, into the Worker's static assets (wrangler.toml [assets], directory dist/public):
//   dist/public/agent/baton-agent.mjs (+ .sha256, `sha256sum -c` format)
//   dist/public/agent/baton-agent.service (+ .sha256): systemd/baton-agent.service, unchanged
//   dist/public/agent/latest.json: { version, sha256, size } of the bundle
//   dist/public/agent/baton-agent.mjs.sig: written by `npm run release:sign`, not here; kept only
//   while the bundle's bytes stay the same, so a stale signature is never served beside a new one
// dist/agent/baton-agent.mjs (+ .sha256) stays the local build for running the agent by hand.
// Everything (zod, croner, ws) is inside the bundle; only node: built-ins stay external, and ws's
// optional native helpers (bufferutil, utf-8-validate), which it loads in a try and does without. Files are
// written to a temporary name and renamed, so a concurrent build or a running server never sees
// half a file. The dashboard's CSS and JS are copied beside them (scripts/build-dashboard.mjs).
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { build } from "../node_modules/esbuild/lib/main.js";
import { buildDashboard } from "./build-dashboard.mjs";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const localDir = join(root, "dist", "agent");
const publicDir = join(root, "dist", "public", "agent");
const { version } = JSON.parse(readFileSync(join(root, "package.json"), "utf8"));

const result = await build({
  entryPoints: [join(root, "agent", "main.ts")],
  outfile: join(localDir, "baton-agent.mjs"),
  write: false,
  bundle: true,
  platform: "node",
  target: "node20",
  format: "esm",
  minify: true,
  legalComments: "none",
  logLevel: "warning",
  define: { __BATON_AGENT_VERSION__: JSON.stringify(version) },
  external: ["bufferutil", "utf-8-validate"],
  // CommonJS dependencies call require() for node: built-ins.
  banner: {
    js: [
      "#!/usr/bin/env node",
      'import { createRequire as __batonCreateRequire } from "node:module";',
      "const require = __batonCreateRequire(import.meta.url);",
    ].join("\n"),
  },
});
const bundle = result.outputFiles[0].contents;
const unit = readFileSync(join(root, "systemd", "baton-agent.service"));

const sha256 = (bytes) => createHash("sha256").update(bytes).digest("hex");

function writeAtomically(file, bytes, mode = 0o644) {
  mkdirSync(dirname(file), { recursive: true });
  const temp = `${file}.${process.pid}.tmp`;
  writeFileSync(temp, bytes, { mode });
  renameSync(temp, file);
}

/** Writes `name` and `name.sha256` (`<hex>  <name>`, what `sha256sum -c` reads) into `dir`. */
function publish(dir, name, bytes, mode) {
  const hash = sha256(bytes);
  writeAtomically(join(dir, name), bytes, mode);
  writeAtomically(join(dir, `${name}.sha256`), `${hash}  ${name}\n`);
  return hash;
}

const published = join(publicDir, "baton-agent.mjs");
if (!(existsSync(published) && readFileSync(published).equals(bundle))) {
  rmSync(`${published}.sig`, { force: true });
}
const bundleSha256 = publish(localDir, "baton-agent.mjs", bundle, 0o755);
publish(publicDir, "baton-agent.mjs", bundle, 0o644);
publish(publicDir, "baton-agent.service", unit, 0o644);
const manifest = { version, sha256: bundleSha256, size: bundle.length };
writeAtomically(join(publicDir, "latest.json"), `${JSON.stringify(manifest)}\n`);
console.log(
  `dist/public/agent/baton-agent.mjs ${version} ${bundle.length} bytes sha256 ${bundleSha256}`,
);
console.log(`dist/public/dashboard: ${buildDashboard().join(", ")}`);
