// The throwaway control plane's start: D1's migrations are applied once into a template kept
// between planes (and runs), and each plane starts from a copy of it. Applying them took one
// `wrangler d1 migrations apply` per plane, the costliest step of a start (about 20 s of CPU on
// the loaded 2-core machine), and eleven planes start in one `npm test`.
import {
  appendFileSync,
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, describe, expect, it } from "vitest";
import { adminApi, type ControlPlane, startControlPlane } from "./control-plane.mjs";
import { migratedState, migrationsKey, TEMPLATES_DIR } from "./migrated-state.mjs";
import { signalGroup } from "./process-group.mjs";

const root = fileURLToPath(new URL("../..", import.meta.url));
const START_TIMEOUT_MS = 180_000;

const planes: ControlPlane[] = [];

afterAll(async () => {
  const groups = planes.flatMap((plane) => plane.groups());
  await Promise.all(planes.map((plane) => plane.stop()));
  expect(groups.filter((pid) => signalGroup(pid, 0))).toEqual([]);
  expect(planes.map((plane) => plane.dir).filter((dir) => existsSync(dir))).toEqual([]);
}, 60_000);

async function start(): Promise<ControlPlane> {
  const plane = await startControlPlane(root, { tempPrefix: "baton-plane-test-" });
  planes.push(plane);
  return plane;
}

describe("startControlPlane", () => {
  it(
    "starts from the migrated template: no migrations applied at start, yet the whole schema is there",
    async () => {
      // The first plane of a run makes the template for the others.
      if (!existsSync(join(TEMPLATES_DIR, migrationsKey(root)))) await start();
      const plane = await start();
      expect(readFileSync(plane.logFile, "utf8")).not.toContain("Migrations to be applied");
      // Every table is there: a pool goes in, with its member, and comes back.
      const { pool } = await adminApi(plane, "POST", "/api/v1/pools", {
        name: "edge-template",
        profile: "haproxy",
        failoverHostname: "lb-template.example.com",
      });
      await adminApi(plane, "POST", `/api/v1/pools/${pool.id}/members`, {
        name: "edge-a",
        hostname: "edge-a",
        allowedIps: ["127.0.0.1"],
      });
      const { members } = await adminApi(plane, "GET", `/api/v1/pools/${pool.id}/members`);
      expect(members.map((member: { name: string }) => member.name)).toEqual(["edge-a"]);
    },
    2 * START_TIMEOUT_MS,
  );
});

describe("the migrated D1 template", () => {
  /** A repository of its own migrations (so its own template), removed with its template. */
  function fakeRepo() {
    const repo = mkdtempSync(join(tmpdir(), "baton-template-test-"));
    cpSync(join(root, "migrations"), join(repo, "migrations"), { recursive: true });
    cpSync(join(root, "wrangler.toml"), join(repo, "wrangler.toml"));
    writeFileSync(join(repo, "migrations", "9999_test_only.sql"), `-- ${repo}\n`);
    return repo;
  }
  const repos: string[] = [];
  const templates: string[] = [];
  afterAll(() => {
    for (const path of [...repos, ...templates]) rmSync(path, { recursive: true, force: true });
  });

  it("is made anew when a migration changes or is added", () => {
    const repo = fakeRepo();
    repos.push(repo);
    const before = migrationsKey(repo);
    expect(migrationsKey(repo)).toBe(before);
    appendFileSync(join(repo, "migrations", "0000_init.sql"), "-- changed\n");
    const changed = migrationsKey(repo);
    expect(changed).not.toBe(before);
    writeFileSync(join(repo, "migrations", "9998_added.sql"), "SELECT 1;\n");
    const added = migrationsKey(repo);
    expect(added).not.toBe(changed);
    // The installer tests' copies point [assets] elsewhere: the same D1, the same template.
    const toml = readFileSync(join(repo, "wrangler.toml"), "utf8");
    const pointed = toml.replace(/^directory = .*$/m, `directory = "${repo}/assets"`);
    expect(pointed).not.toBe(toml);
    writeFileSync(join(repo, "wrangler.toml"), pointed);
    expect(migrationsKey(repo)).toBe(added);
  });

  it("is built once for planes starting together, and a failed build leaves none behind", async () => {
    const repo = fakeRepo();
    repos.push(repo);
    await expect(
      migratedState(repo, async () => {
        throw new Error("wrangler failed");
      }),
    ).rejects.toThrow("wrangler failed");
    expect(existsSync(join(TEMPLATES_DIR, migrationsKey(repo))), "a half-built template").toBe(
      false,
    );
    let builds = 0;
    const build = async (into: string) => {
      builds += 1;
      mkdirSync(into);
      writeFileSync(join(into, "db.sqlite"), "migrated");
    };
    const [first, second] = await Promise.all([
      migratedState(repo, build),
      migratedState(repo, build),
    ]);
    templates.push(first);
    expect(builds).toBe(1);
    expect(second).toBe(first);
    expect(readFileSync(join(first, "db.sqlite"), "utf8")).toBe("migrated");
    expect(existsSync(`${first}.lock`), "the builder's lock").toBe(false);
  });
});
