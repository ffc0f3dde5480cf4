// Copies the dashboard's static files (worker/dashboard/assets/*.css, *.js, *.svg) into the
// Worker's assets as dist/public/dashboard/, where wrangler [assets] serves them. No bundler:
// they are plain files. Written to a temporary name and renamed, like the agent bundle, so a
// running server never serves half a file. Also writes dist/public/_headers: the Worker's
// security headers for the assets, which are answered without running the Worker.
import { mkdirSync, readdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { transformSync } from "../node_modules/esbuild/lib/main.js";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const source = join(root, "worker", "dashboard", "assets");
const target = join(root, "dist", "public", "dashboard");

/** `_headers` from worker/middleware/security-header-values.ts (no imports: evaluated as is). */
function assetHeaders() {
  const source = readFileSync(join(root, "worker", "middleware", "security-header-values.ts"));
  const { code } = transformSync(source.toString(), { loader: "ts", format: "cjs" });
  const module = { exports: {} };
  new Function("module", "exports", code)(module, module.exports);
  return module.exports.assetHeadersFile();
}

function writeAtomically(file, bytes) {
  const temp = `${file}.${process.pid}.tmp`;
  writeFileSync(temp, bytes);
  renameSync(temp, file);
}

export function buildDashboard() {
  mkdirSync(target, { recursive: true });
  writeAtomically(join(target, "..", "_headers"), assetHeaders());
  const files = readdirSync(source).filter((name) => /\.(css|js|svg)$/.test(name));
  for (const name of files) writeAtomically(join(target, name), readFileSync(join(source, name)));
  return files;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  console.log(`dist/public/dashboard: ${buildDashboard().join(", ")}`);
}
