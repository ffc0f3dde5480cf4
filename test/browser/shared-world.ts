// What test/browser/global-setup.ts shares with the browser files through vitest's provide/inject.
import { existsSync, readFileSync } from "node:fs";
import { setTimeout as sleep } from "node:timers/promises";
import { fileURLToPath } from "node:url";
import type { ControlPlane } from "../harness/control-plane.mjs";

export const root = fileURLToPath(new URL("../..", import.meta.url));

/** The shared control plane's extra variables: monitoring.test.ts charts a sample every 2 s. */
export const SHARED_PLANE_VARS = { METRIC_SAMPLE_INTERVAL_S: "2" };

/** What the cases need of a control plane, shared or a file's own. */
export type PlaneRef = Pick<ControlPlane, "url" | "adminToken">;

export interface SharedWorld {
  /** The shared control plane: http://127.0.0.1:<port>, and its bootstrap admin token. */
  url: string;
  adminToken: string;
  /** Where the shared Chromium (playwright's browser server) listens. */
  wsEndpoint: string;
}

declare module "vitest" {
  interface ProvidedContext {
    /** Where global-setup.ts writes the SharedWorld (or why it failed) once it has started. */
    sharedBrowserWorldFile: string;
  }
}

/** Waits for global-setup.ts to start the shared world; throws why it did not. */
export async function sharedWorld(worldFile: string, timeoutMs: number): Promise<SharedWorld> {
  for (const deadline = Date.now() + timeoutMs; !existsSync(worldFile); await sleep(250))
    if (Date.now() > deadline)
      throw new Error(`the shared Chromium and control plane were not up after ${timeoutMs} ms`);
  const world = JSON.parse(readFileSync(worldFile, "utf8")) as SharedWorld | { error: string };
  if ("error" in world)
    throw new Error(`the shared Chromium or control plane did not start: ${world.error}`);
  return world;
}
