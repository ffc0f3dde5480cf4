// One control plane (`wrangler dev`) and one Chromium for the browser files that can share them
// (`browserSuite()`'s default): starting both took a good part of each file's time. Each file
// still works in its own pool with its own users and browser contexts. Files that need a control
// plane nobody else touched (first-run setup, "the last admin") ask for their own.
import { existsSync } from "node:fs";
import { chromium } from "playwright-core";
import type { TestProject } from "vitest/node";
import { startControlPlane } from "../harness/control-plane.mjs";
import { CHROMIUM_ARGS, CHROMIUM_PATH, endGroup, groupAlive } from "./browser";
import { root, SHARED_PLANE_VARS, type SharedWorld } from "./shared-world";

export default async function setup(project: TestProject) {
  const stops: (() => Promise<void>)[] = [];
  const owned: { groups: () => number[]; dirs: string[] } = { groups: () => [], dirs: [] };
  let world: SharedWorld | { error: string };
  try {
    if (!existsSync(CHROMIUM_PATH))
      throw new Error(
        `Chromium is not installed at ${CHROMIUM_PATH}: the dashboard's browser tests need ` +
          "Debian's chromium package (apt-get install chromium; .ci/run installs it).",
      );
    // Playwright starts it detached: its own process group, ended as one in teardown.
    const server = await chromium.launchServer({
      executablePath: CHROMIUM_PATH,
      args: CHROMIUM_ARGS,
      timeout: 60_000,
    });
    const browserPid = server.process().pid;
    stops.push(async () => {
      await server.close();
      if (browserPid) await endGroup(browserPid);
    });
    const plane = await startControlPlane(root, {
      tempPrefix: "baton-browser-shared-",
      vars: SHARED_PLANE_VARS,
    });
    stops.push(() => plane.stop());
    owned.groups = () => [...plane.groups(), ...(browserPid ? [browserPid] : [])];
    owned.dirs = [plane.dir];
    world = { url: plane.url, adminToken: plane.adminToken, wsEndpoint: server.wsEndpoint() };
  } catch (error) {
    // Every file that shares the world then fails with this, rather than being skipped.
    world = { error: (error as Error).message };
  }
  project.provide("sharedBrowserWorld", world);

  return async () => {
    const groups = owned.groups();
    for (const stop of stops.reverse()) await stop().catch(() => {});
    const alive = groups.filter(groupAlive);
    const left = owned.dirs.filter((dir) => existsSync(dir));
    if (alive.length > 0 || left.length > 0)
      throw new Error(
        `the shared browser world left process groups ${alive.join(", ")} / dirs ${left.join(", ")}`,
      );
  };
}
