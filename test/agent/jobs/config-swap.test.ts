/**
 * The validate → swap → reload → verify → roll back transaction, against a stand-in service
 * (fake-target.ts): what ends up on disk, what the service loaded, what the job says, and that
 * no staged or saved copy is left behind on any path.
 */
import { chmod, mkdtemp, readdir, readFile, rm, stat, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { replaceMainConfig } from "../../../agent/jobs/service-jobs";
import type { ServiceTarget } from "../../../agent/jobs/target";
import { FakeServices, fakeTarget } from "./fake-target";
import { failure, testJob } from "./job-context";

const OLD = "frontend old\n";
let dir: string;
let target: ServiceTarget;
let services: FakeServices;

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), "baton-swap-"));
  target = fakeTarget(dir);
  services = new FakeServices(target.configFile);
  await writeFile(target.configFile, OLD);
  await chmod(target.configFile, 0o640);
});

afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe("replacing the main config", () => {
  it("swaps a valid config in, keeps the file's mode, reloads it and leaves no temp files", async () => {
    const { ctx, lines } = testJob({ kind: "haproxy.config.apply", services });
    await replaceMainConfig(ctx, target, "frontend new\n");
    expect(await readFile(target.configFile, "utf8")).toBe("frontend new\n");
    expect((await stat(target.configFile)).mode & 0o777).toBe(0o640);
    expect(services.loaded).toEqual(["frontend new\n"]);
    expect(await readdir(dir)).toEqual(["main.cfg"]);
    expect(lines.join("\n")).toMatch(/new configuration is valid/);
  });

  it("refuses a config the validator rejects: file untouched, no reload, validator's line in the output", async () => {
    const { ctx, lines } = testJob({ kind: "haproxy.config.apply", services });
    const error = await failure(replaceMainConfig(ctx, target, "global\nBROKEN here\n"));
    expect(error.message).toMatch(/unknown keyword 'BROKEN'/);
    // The candidate's temp name is shown as the file it would have become.
    expect(lines.join("\n")).toContain(`parsing [${target.configFile}:2]`);
    expect(await readFile(target.configFile, "utf8")).toBe(OLD);
    expect(services.loaded).toEqual([]);
    expect(await readdir(dir)).toEqual(["main.cfg"]);
  });

  it("rolls back a config that validates but fails to load, and reloads the previous one", async () => {
    const { ctx, lines } = testJob({ kind: "haproxy.config.apply", services });
    const error = await failure(replaceMainConfig(ctx, target, "FAILS_ON_RELOAD\n"));
    expect(error.message).toMatch(/reload failed.*previous configuration restored and reloaded/);
    expect(lines.join("\n")).toContain("cannot bind socket");
    expect(await readFile(target.configFile, "utf8")).toBe(OLD);
    expect((await stat(target.configFile)).mode & 0o777).toBe(0o640);
    expect(services.loaded).toEqual([OLD]);
    expect(await readdir(dir)).toEqual(["main.cfg"]);
  });

  it("rolls back when the service is not active after the reload", async () => {
    services.reload = async () => {
      services.activeState = "failed";
    };
    const { ctx } = testJob({ kind: "haproxy.config.apply", services });
    const error = await failure(replaceMainConfig(ctx, target, "frontend new\n"));
    expect(error.message).toMatch(/haproxy is failed after the reload/);
    expect(await readFile(target.configFile, "utf8")).toBe(OLD);
    expect(await readdir(dir)).toEqual(["main.cfg"]);
  });

  it("stops at the timeout while validating: nothing swapped, temp file removed", async () => {
    target = fakeTarget(dir, { validateDelayMs: 10_000 });
    const { ctx, abort } = testJob({ kind: "haproxy.config.apply", services });
    setTimeout(abort, 200);
    const started = Date.now();
    const error = await failure(replaceMainConfig(ctx, target, "frontend new\n"));
    expect(Date.now() - started).toBeLessThan(5_000);
    expect(error.message).toMatch(/interrupted/);
    expect(await readFile(target.configFile, "utf8")).toBe(OLD);
    expect(services.loaded).toEqual([]);
    expect(await readdir(dir)).toEqual(["main.cfg"]);
  });
});
