// One control plane (`wrangler dev`) and one Chromium for the browser files that can share them
// (`browserSuite()`'s default): starting both took a good part of each file's time. Each file
// still works in its own pool with its own users and browser contexts. Files that need a control
// plane nobody else touched (first-run setup, "the last admin") ask for their own.
// The world starts in the background: vitest waits for global setups before running any file,
// so awaiting it here would hold every project up. Files wait for it (shared-world.ts).
import { existsSync, mkdtempSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { chromium } from "playwright-core";
import type { TestProject } from "vitest/node";
import { startControlPlane } from "../harness/control-plane.mjs";
import { CHROMIUM_ARGS, CHROMIUM_PATH, endGroup, groupAlive } from "./browser";
import { root, SHARED_PLANE_VARS, type SharedWorld } from "./shared-world";

interface Started {
  world: SharedWorld | { error: string };
  stops: (() => Promise<void>)[];
  groups: () => number[];
  dirs: string[];
}

async function startWorld(): Promise<Started> {
  const started: Started = { world: { error: "" }, stops: [], groups: () => [], dirs: [] };
  try {
    if (!existsSync(CHROMIUM_PATH))
      throw new Error(
        `Chromium is not installed at ${CHROMIUM_PATH}: the dashboard's browser tests need ` +
          "Debian's chromium-headless-shell package (npm run setup:system installs it).",
      );
    const server = await chromium.launchServer({
      executablePath: CHROMIUM_PATH,
      args: CHROMIUM_ARGS,
      timeout: 60_000,
    });
    // Playwright starts it detached: its own process group, ended as one.
    const browserPid = server.process().pid;
    started.stops.push(async () => {
      await server.close();
      if (browserPid) await endGroup(browserPid);
    });
    const plane = await startControlPlane(root, {
      tempPrefix: "baton-browser-shared-",
      vars: SHARED_PLANE_VARS,
    });
    started.stops.push(() => plane.stop());
    started.groups = () => [...plane.groups(), ...(browserPid ? [browserPid] : [])];
    started.dirs = [plane.dir];
    started.world = {
      url: plane.url,
      adminToken: plane.adminToken,
      wsEndpoint: server.wsEndpoint(),
    };
  } catch (error) {
    // Every file that shares the world then fails with this, rather than being skipped.
    started.world = { error: (error as Error).message };
  }
  return started;
}

export default function setup(project: TestProject) {
  const dir = mkdtempSync(join(tmpdir(), "baton-browser-world-"));
  const worldFile = join(dir, "world.json");
  const starting = startWorld().then((started) => {
    writeFileSync(`${worldFile}.tmp`, JSON.stringify(started.world));
    renameSync(`${worldFile}.tmp`, worldFile); // readers never see half a file
    return started;
  });
  project.provide("sharedBrowserWorldFile", worldFile);

  return async () => {
    const started = await starting;
    const groups = started.groups();
    for (const stop of started.stops.reverse()) await stop().catch(() => {});
    rmSync(dir, { recursive: true, force: true });
    const alive = groups.filter(groupAlive);
    const left = started.dirs.filter((path) => existsSync(path));
    if (alive.length > 0 || left.length > 0)
      throw new Error(
        `the shared browser world left process groups ${alive.join(", ")} / dirs ${left.join(", ")}`,
      );
  };
}
