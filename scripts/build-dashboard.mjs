// Copies the dashboard's static files (dashboard/*.css, *.js) into the Worker's assets as
// dist/public/dashboard/, where wrangler [assets] serves them. No bundler: they are plain files.
// Written to a temporary name and renamed, like the agent bundle, so a running server never
// serves half a file.
import { mkdirSync, readdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const source = join(root, "dashboard");
const target = join(root, "dist", "public", "dashboard");

export function buildDashboard() {
  mkdirSync(target, { recursive: true });
  const files = readdirSync(source).filter((name) => /\.(css|js)$/.test(name));
  for (const name of files) {
    const temp = join(target, `${name}.${process.pid}.tmp`);
    writeFileSync(temp, readFileSync(join(source, name)));
    renameSync(temp, join(target, name));
  }
  return files;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  console.log(`dist/public/dashboard: ${buildDashboard().join(", ")}`);
}
