// Bundles the agent into one file for the VM's Node (≥ 20.18): dist/agent/baton-agent.mjs and
// its SHA-256 (dist/agent/baton-agent.mjs.sha256, `sha256sum -c` format). Everything (zod,
// undici) is inside; only node: built-ins stay external.
import { createHash } from "node:crypto";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { build } from "../node_modules/esbuild/lib/main.js";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const outDir = join(root, "dist", "agent");
const outFile = join(outDir, "baton-agent.mjs");
const { version } = JSON.parse(readFileSync(join(root, "package.json"), "utf8"));

mkdirSync(outDir, { recursive: true });
await build({
  entryPoints: [join(root, "agent", "main.ts")],
  outfile: outFile,
  bundle: true,
  platform: "node",
  target: "node20",
  format: "esm",
  minify: true,
  legalComments: "none",
  logLevel: "warning",
  define: { __BATON_AGENT_VERSION__: JSON.stringify(version) },
  // CommonJS dependencies (undici) call require() for node: built-ins.
  banner: {
    js: [
      "#!/usr/bin/env node",
      'import { createRequire as __batonCreateRequire } from "node:module";',
      "const require = __batonCreateRequire(import.meta.url);",
    ].join("\n"),
  },
});
const bytes = readFileSync(outFile);
const sha256 = createHash("sha256").update(bytes).digest("hex");
writeFileSync(`${outFile}.sha256`, `${sha256}  baton-agent.mjs\n`);
console.log(`dist/agent/baton-agent.mjs ${bytes.length} bytes sha256 ${sha256}`);
