#!/usr/bin/env node
// `npm start`: the whole control plane on this machine. Builds the static assets (the agent
// bundle in dist/public), applies D1 migrations to the local database (.wrangler/), makes sure
// .dev.vars holds ADMIN_TOKEN and SECRETS_KEY, signs the bundle with a local dev release key
// (.dev-release-key.pem, made once, gitignored) so agent.update works end to end, and runs
// `wrangler dev` on 127.0.0.1:$BATON_PORT (default 8787) until interrupted, with that key's
// public half as RELEASE_PUBLIC_KEY so the install one-liner pins it.
import { spawn, spawnSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { generateReleaseKey, parsePrivateKey, signPublishedBundle } from "./release-key.mjs";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const port = process.env.BATON_PORT ?? "8787";
const env = {
  ...process.env,
  PATH: `${join(root, "node_modules", ".bin")}:${process.env.PATH}`,
  CLOUDFLARE_CF_FETCH_ENABLED: "false",
  WRANGLER_SEND_METRICS: "false",
  CI: "true", // keeps wrangler from asking questions
};

if (!/^\d{1,5}$/.test(port)) {
  console.error(`BATON_PORT must be a port number, not "${port}"`);
  process.exit(1);
}

/** Makes sure .dev.vars holds `name`; writes a random value the first time. */
function ensureDevVar(name) {
  const file = join(root, ".dev.vars");
  const text = existsSync(file) ? readFileSync(file, "utf8") : "";
  const existing = new RegExp(`^${name}\\s*=\\s*"?([^"\\n]+)"?\\s*$`, "m").exec(text);
  if (existing) return { value: existing[1], created: false };
  const value = randomBytes(24).toString("base64url");
  const separator = text === "" || text.endsWith("\n") ? "" : "\n";
  writeFileSync(file, `${text}${separator}${name}="${value}"\n`, { mode: 0o600 });
  return { value, created: true };
}

const { value: token, created } = ensureDevVar("ADMIN_TOKEN");
// Encrypts DNS provider credentials at rest (a Worker secret in production).
ensureDevVar("SECRETS_KEY");

// The agent bundle and unit the Worker serves as static assets (wrangler.toml [assets]).
const built = spawnSync(process.execPath, [join(root, "scripts", "build-agent.mjs")], {
  cwd: root,
  env,
  stdio: ["ignore", "inherit", "inherit"],
});
if (built.status !== 0) {
  console.error("Building the agent bundle (dist/public) failed; see the output above.");
  process.exit(built.status ?? 1);
}

// A dev release key, never used for real releases (those are signed with the admin's own key).
const devKeyFile = join(root, ".dev-release-key.pem");
if (!existsSync(devKeyFile)) {
  writeFileSync(devKeyFile, generateReleaseKey().pem, { mode: 0o600, flag: "wx" });
}
const { publicKey: releaseKey } = signPublishedBundle(
  parsePrivateKey(readFileSync(devKeyFile, "utf8"), devKeyFile),
);

// wrangler prints every migration in a table, twice; one line per migration applied is enough.
const migrate = spawnSync("wrangler", ["d1", "migrations", "apply", "DB", "--local"], {
  cwd: root,
  env,
  encoding: "utf8",
});
if (migrate.status !== 0) {
  process.stderr.write(`${migrate.stdout}${migrate.stderr}`);
  console.error("Applying D1 migrations failed; see the output above.");
  process.exit(migrate.status ?? 1);
}
const applied = pendingMigrations(migrate.stdout);
for (const name of applied) console.log(`D1 migration applied: ${name}`);
if (applied.length === 0) console.log("D1 migrations: up to date");

const url = `http://127.0.0.1:${port}`;
console.log(`\nBaton control plane: ${url}`);
console.log(
  created
    ? `Bootstrap admin token (written to .dev.vars): ${token}`
    : "Bootstrap admin token: ADMIN_TOKEN in .dev.vars",
);
console.log(`Try: curl -H "Authorization: Bearer $ADMIN_TOKEN" ${url}/api/v1/pools`);
console.log(
  `Dev release key (.dev-release-key.pem) signed the agent bundle; VMs pin it with install.sh --release-key ${releaseKey}\n`,
);

// ALLOW_PRIVATE_URLS: a local PowerDNS or webhook receiver on this machine may be used. It is
// passed here, not written to .dev.vars, so it never travels with secrets to a deployment.
const devArgs = ["dev", "--ip", "127.0.0.1", "--port", port, "--var", "ALLOW_PRIVATE_URLS:true"];
const dev = spawn("wrangler", [...devArgs, "--var", `RELEASE_PUBLIC_KEY:${releaseKey}`], {
  cwd: root,
  env,
  stdio: "inherit",
});
for (const signal of ["SIGINT", "SIGTERM"]) process.on(signal, () => dev.kill(signal));
dev.on("exit", (code, signal) => process.exit(code ?? (signal ? 0 : 1)));

/** The migrations wrangler listed under "Migrations to be applied" before applying them. */
function pendingMigrations(output) {
  const start = output.indexOf("Migrations to be applied");
  if (start === -1) return [];
  const table = output.slice(start).split("About to apply")[0];
  return [...table.matchAll(/│\s*(\S+\.sql)\s*│/g)].map((row) => row[1]);
}
