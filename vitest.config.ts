import { spawnSync } from "node:child_process";
import { mkdirSync } from "node:fs";
import { availableParallelism } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { cloudflareTest, readD1Migrations } from "@cloudflare/vitest-plugin";
import { defineConfig } from "vitest/config";
import { TEST_ADMIN_TOKEN } from "./test/constants.ts";
import { testFilesByProject } from "./test/vitest/projects.ts";
import LongestFirstSequencer from "./test/vitest/sequencer.ts";

// wrangler.toml's [assets] directory (the agent bundle) must exist before the Worker starts, and
// the installer tests download the bundle built from the current sources. A build that fails
// (say, an agent file mid-edit) leaves the last bundle and does not stop the other tests.
const root = fileURLToPath(new URL(".", import.meta.url));
const assets = spawnSync(process.execPath, ["scripts/build-agent.mjs"], {
  cwd: root,
  encoding: "utf8",
});
if (assets.status !== 0) {
  console.warn(`building dist/public failed; tests use the last build:\n${assets.stderr}`);
  mkdirSync(join(root, "dist", "public"), { recursive: true });
}

const files = testFilesByProject(root);

// A test may wait this long before it is called hung (vitest's default, 5 s, failed tests that
// only waited for a loaded machine: a test must never fail because the machine was slow).
const SLOW_MACHINE_TIMEOUT_MS = 30_000;

// Four projects; test/vitest/projects.ts says which file runs where (from what it imports).
// `npm run test:unit` runs "unit" and "worker": nothing is started outside vitest.
export default defineConfig({
  test: {
    // Files of the daemons and browser projects mostly wait (failover delays, live refreshes), so
    // one more worker than cores (vitest's default is one fewer) overlaps their waits. test:unit,
    // all CPU, runs one worker per core (--maxWorkers=100%).
    maxWorkers: availableParallelism() + 1,
    // The per-project timing table; .ci/run prints it before its closing line.
    reporters: ["default", "./test/vitest/durations-reporter.ts"],
    // Longest files first across the browser and daemons projects, then worker, then unit
    // (vitest's own order runs the projects one after another by name): test/vitest/run-order.ts.
    sequence: { sequencer: LongestFirstSequencer },
    projects: [
      {
        plugins: [
          cloudflareTest(async () => ({
            wrangler: { configPath: "./wrangler.toml" },
            miniflare: {
              bindings: {
                ADMIN_TOKEN: TEST_ADMIN_TOKEN,
                SECRETS_KEY: "test-secrets-key-0123456789abcdef0123456789",
                LOG_LEVEL: "warn",
                // Tests talk to fakes on loopback; deployed Workers never have it.
                ALLOW_PRIVATE_URLS: "true",
                TEST_MIGRATIONS: await readD1Migrations("migrations"),
              },
            },
          })),
        ],
        test: {
          name: "worker",
          testTimeout: SLOW_MACHINE_TIMEOUT_MS,
          include: files.worker,
          // One workerd and one loaded Worker for all files (loading it took most of each file's
          // time); test/worker/setup.ts empties storage and stops Durable Objects between files.
          isolate: false,
          setupFiles: ["test/worker/setup.ts"],
        },
      },
      // Pure logic of every part (worker rules, agent parsers and jobs, shared schemas) in Node.
      // Files share their Node process and loaded modules (importing them anew per file took half
      // the time); the few tests that touch globals (fake timers, TZ) restore them afterwards.
      {
        test: {
          name: "unit",
          include: files.unit,
          environment: "node",
          isolate: false,
          testTimeout: SLOW_MACHINE_TIMEOUT_MS,
        },
      },
      // Real HAProxy, nginx, PowerDNS and control planes (wrangler dev), driven from Node.
      {
        test: {
          name: "daemons",
          include: files.daemons,
          environment: "node",
          testTimeout: SLOW_MACHINE_TIMEOUT_MS,
        },
      },
      // The dashboard in Debian's Chromium (playwright-core) against a real control plane.
      // One wrangler dev and one Chromium for the files that share them (global-setup.ts).
      {
        test: {
          name: "browser",
          include: files.browser,
          environment: "node",
          testTimeout: SLOW_MACHINE_TIMEOUT_MS,
          globalSetup: ["test/browser/global-setup.ts"],
        },
      },
    ],
  },
});
