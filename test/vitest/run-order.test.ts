import { describe, expect, it } from "vitest";
import { type RunFile, runOrder } from "./run-order";

const file = (name: string, project: string, lastMs?: number, bytes = 1000) => ({
  name,
  project,
  lastMs,
  bytes,
});
const names = (files: (RunFile & { name: string })[]) => runOrder(files).map((f) => f.name);

describe("runOrder", () => {
  it("starts a long daemons file before shorter browser files, not after every browser file", () => {
    expect(
      names([
        file("browser-short", "browser", 20_000),
        file("browser-long", "browser", 90_000),
        file("installer", "daemons", 60_000),
        file("daemons-short", "daemons", 3_000),
      ]),
    ).toEqual(["browser-long", "installer", "browser-short", "daemons-short"]);
  });

  it("keeps the worker files together, then the unit files, after the waiting ones", () => {
    expect(
      names([
        file("unit-slow", "unit", 9_000),
        file("worker-slow", "worker", 8_000),
        file("daemons-quick", "daemons", 1_000),
        file("worker-quick", "worker", 500),
        file("unit-quick", "unit", 100),
      ]),
    ).toEqual(["daemons-quick", "worker-slow", "worker-quick", "unit-slow", "unit-quick"]);
  });

  it("without recorded times (a fresh clone) takes each project's typical time, then size", () => {
    expect(
      names([
        file("daemons-small", "daemons", undefined, 2_000),
        file("browser-small", "browser", undefined, 3_000),
        file("browser-big", "browser", undefined, 20_000),
        file("daemons-timed-long", "daemons", 70_000),
      ]),
    ).toEqual(["daemons-timed-long", "browser-big", "browser-small", "daemons-small"]);
  });
});
