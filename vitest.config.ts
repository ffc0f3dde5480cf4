import { cloudflareTest, readD1Migrations } from "@cloudflare/vitest-plugin";
import { defineConfig } from "vitest/config";
import { TEST_ADMIN_TOKEN } from "./test/constants.ts";

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
                LOG_LEVEL: "warn",
                TEST_MIGRATIONS: await readD1Migrations("migrations"),
              },
            },
          })),
        ],
        test: {
          name: "worker",
          include: ["test/worker/**/*.test.ts"],
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
          ],
          environment: "node",
        },
      },
    ],
  },
});
