import { defineConfig } from "drizzle-kit";

// Generates migrations/NNNN_name.sql from worker/db/schema; wrangler applies them to D1.
export default defineConfig({
  dialect: "sqlite",
  schema: "./worker/db/schema/index.ts",
  out: "./migrations",
});
