// `npm run screenshots`: the dashboard at 1366 px and 390 px for each numbered defect of issue #15,
// made by the browser tests that prove the fixes (they save them under test-results/screenshots/,
// gitignored). Runs those test files (real Chromium, the local control plane, simulated agents),
// then lists the set and fails when one is missing.
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const dir = join(root, "test-results", "screenshots");

/** Issue #15's defects, each with its screenshots (1366 px, then 390 px). */
export const SCREENSHOTS = [
  ["1 A dead active raises the alarm", ["pool-health-at-risk-1366", "pool-health-at-risk-390"]],
  [
    "2 Old data is marked late, last known, stale",
    [
      "pool-health-late-1366",
      "pool-health-late-390",
      "pool-health-cut-off-1366",
      "pool-health-cut-off-390",
    ],
  ],
  ["3 Lost redundancy is flagged", ["lost-redundancy-1366", "lost-redundancy-390"]],
  [
    "4 Facts right after a DNS save; form errors by their fields",
    ["dns-after-save-1366", "dns-after-save-390", "dns-form-errors-1366", "dns-form-errors-390"],
  ],
  [
    "5 No dead ends (API tokens, DNS accounts)",
    ["api-token-created-1366", "api-token-created-390", "dns-accounts-1366", "dns-accounts-390"],
  ],
  ["6 Named guards", ["pool-health-cut-dialog-1366", "pool-health-cut-dialog-390"]],
  [
    "7 Readability: HAProxy table, charts, traffic view, heartbeats, favicon",
    [
      "haproxy-table-1366",
      "haproxy-table-390",
      "chart-hover-1366",
      "charts-390",
      "traffic-view-1366",
      "traffic-view-390",
      "traffic-view-dns-pending-1366",
      "heartbeat-bars-1366",
      "favicon-at-risk-1366",
    ],
  ],
];

const FILES = [
  "test/browser/pool-health.test.ts",
  "test/browser/traffic-view.test.ts",
  "test/browser/readability.test.ts",
  "test/browser/dns-tab.test.ts",
  "test/browser/admin-pages.test.ts",
];

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const env = { ...process.env, PATH: `${join(root, "node_modules", ".bin")}:${process.env.PATH}` };
  const run = spawnSync("vitest", ["run", "--project", "browser", ...FILES], {
    cwd: root,
    env,
    stdio: "inherit",
  });
  let missing = 0;
  console.log(`\nScreenshots in ${dir}:`);
  for (const [defect, names] of SCREENSHOTS) {
    console.log(defect);
    for (const name of names) {
      const there = existsSync(join(dir, `${name}.png`));
      if (!there) missing += 1;
      console.log(`  ${there ? "ok     " : "MISSING"} ${name}.png`);
    }
  }
  if (run.status !== 0 || missing > 0) {
    console.error(`\n${missing} missing; the browser tests exited ${run.status}`);
    process.exit(1);
  }
}
