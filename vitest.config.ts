import { spawnSync } from "node:child_process";
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { cloudflareTest, readD1Migrations } from "@cloudflare/vitest-plugin";
import { configDefaults, defineConfig } from "vitest/config";
import { TEST_ADMIN_TOKEN } from "./test/constants.ts";

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

export default defineConfig({
  test: {
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
          include: ["test/worker/**/*.test.ts"],
          // DNS providers are plain fetch code tested in Node against fakes and a real PowerDNS.
          exclude: [...configDefaults.exclude, "test/worker/dns/**", "test/worker/alerts/**"],
          setupFiles: ["test/worker/setup.ts"],
        },
      },
      {
        test: {
          name: "node",
          include: [
            "test/shared/**/*.test.ts",
            "test/agent/**/*.test.ts",
            "test/bench/**/*.test.ts",
            // The proving ground's pure figures (lab/); the lab itself needs root and runs by hand.
            "test/lab/**/*.test.ts",
            "test/worker/dns/**/*.test.ts",
            "test/worker/alerts/**/*.test.ts",
            // A real control plane (wrangler dev) and a real PowerDNS, driven from Node.
            "test/e2e/**/*.test.ts",
            // npm run release:keygen / release:sign (scripts/).
            "test/scripts/**/*.test.ts",
            // install.sh in a throwaway root against a real control plane.
            "test/install/**/*.test.ts",
            // The dashboard in Debian's Chromium (playwright-core) against a real control plane.
            "test/browser/**/*.test.ts",
          ],
          environment: "node",
        },
      },
    ],
  },
});
