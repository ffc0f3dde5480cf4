// Local D1 state with every migration applied, made once and copied into each control plane's
// state directory (control-plane.mjs). `wrangler d1 migrations apply --local` was the costliest
// step of starting a plane (about 20 s of CPU on a loaded 2-core machine) and one `npm test`
// starts eleven. The template is kept in the OS temp directory under a key of everything its
// contents follow from (the migrations, wrangler.toml, wrangler's version), so a changed or new
// migration makes a new one; planes starting together wait for the one that builds it.
import { createHash } from "node:crypto";
import {
  closeSync,
  existsSync,
  mkdirSync,
  openSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
  utimesSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";

/** Where templates are kept; one directory per key. */
export const TEMPLATES_DIR = join(tmpdir(), "baton-d1-migrated");
/** A builder that held the lock this long is taken for dead (its wrangler run has a timeout). */
const BUILD_TIMEOUT_MS = 180_000;
/** Templates of other keys (older migrations, other checkouts) unused this long are removed. */
const UNUSED_FOR_MS = 24 * 3600_000;

/** The files under `dir`, recursively, as paths relative to it, sorted. */
function filesUnder(dir, prefix = "") {
  return readdirSync(join(dir, prefix), { withFileTypes: true })
    .flatMap((entry) => {
      const path = join(prefix, entry.name);
      return entry.isDirectory() ? filesUnder(dir, path) : [path];
    })
    .sort();
}

/** What a template's contents follow from: every migration, wrangler.toml (but its assets
 * directory), wrangler's version. */
export function migrationsKey(root) {
  const hash = createHash("sha256");
  for (const name of filesUnder(join(root, "migrations")))
    hash
      .update(`${name}\0`)
      .update(readFileSync(join(root, "migrations", name)))
      .update("\0");
  // The [assets] directory does not touch D1; the installer tests point it at a temp copy.
  const toml = readFileSync(join(root, "wrangler.toml"), "utf8");
  hash.update(toml.replace(/^directory = .*$/m, ""));
  const wrangler = join(root, "node_modules", "wrangler", "package.json");
  hash.update(existsSync(wrangler) ? JSON.parse(readFileSync(wrangler, "utf8")).version : "");
  return hash.digest("hex").slice(0, 24);
}

/** Drops templates of other keys nobody used for a day (their lock files too). */
function pruneUnused(keep) {
  for (const name of readdirSync(TEMPLATES_DIR)) {
    if (name.startsWith(keep)) continue;
    const path = join(TEMPLATES_DIR, name);
    try {
      if (Date.now() - statSync(path).mtimeMs > UNUSED_FOR_MS)
        rmSync(path, { recursive: true, force: true });
    } catch {} // another run removed it first
  }
}

/**
 * The template directory for `root`'s migrations (a `--persist-to` directory), built by
 * `build(into)` if nobody has yet: `build` must leave the migrated state in `into` or throw.
 */
export async function migratedState(root, build) {
  mkdirSync(TEMPLATES_DIR, { recursive: true });
  const key = migrationsKey(root);
  const template = join(TEMPLATES_DIR, key);
  const lock = `${template}.lock`;
  const deadline = Date.now() + 2 * BUILD_TIMEOUT_MS;
  while (!existsSync(template)) {
    let held;
    try {
      held = openSync(lock, "wx");
    } catch {
      // Another plane is building it: wait, unless its builder died holding the lock.
      try {
        if (Date.now() - statSync(lock).mtimeMs > BUILD_TIMEOUT_MS) rmSync(lock, { force: true });
      } catch {} // the lock went meanwhile: look again
      if (Date.now() > deadline)
        throw new Error(
          `no migrated D1 state at ${template} after ${(2 * BUILD_TIMEOUT_MS) / 1000} s`,
        );
      await sleep(250);
      continue;
    }
    closeSync(held);
    const building = `${template}.${process.pid}.building`;
    try {
      if (existsSync(template)) break; // built between our look and taking the lock
      rmSync(building, { recursive: true, force: true });
      await build(building);
      renameSync(building, template); // whole or not at all for the planes that wait
      pruneUnused(key);
    } finally {
      rmSync(building, { recursive: true, force: true });
      rmSync(lock, { force: true });
    }
  }
  const now = new Date();
  utimesSync(template, now, now); // in use: pruneUnused keeps it
  return template;
}
