/**
 * `*.install`: install the distribution's package with whichever of apt-get (Debian, Ubuntu) or
 * dnf (RHEL, Rocky, Alma, Fedora) the VM has, non-interactively, keeping any config already in
 * place (`--force-confold`), then start the service. The search PATH is a parameter so tests run
 * recording fake package managers instead of the real ones.
 */
import { accessSync, constants } from "node:fs";
import { delimiter, isAbsolute, join } from "node:path";
import { describeExit, exec } from "../exec";
import type { MonitoredService } from "../services/manager";
import { waitActive } from "./reload";
import type { ServiceTarget } from "./target";
import { type JobContext, JobFailed } from "./types";

/** Long enough for a slow mirror; the job's own timeout (10 min) still bounds it. */
const INSTALL_TIMEOUT_MS = 9 * 60_000;
const UPDATE_TIMEOUT_MS = 3 * 60_000;

export interface InstallOptions {
  /** Where apt-get/dnf are looked for (default: PATH). Nothing else is searched. */
  packageManagerPath?: string;
}

/** `name` in one of `searchPath`'s directories, and nowhere else. */
function onPath(name: string, searchPath: string): string | null {
  for (const dir of searchPath.split(delimiter).filter((d) => isAbsolute(d))) {
    try {
      accessSync(join(dir, name), constants.X_OK);
      return join(dir, name);
    } catch {}
  }
  return null;
}

type Runner = (ctx: JobContext, file: string, args: string[], timeoutMs: number) => Promise<void>;

const run: Runner = async (ctx, file, args, timeoutMs) => {
  ctx.out.line(`$ ${[file, ...args].join(" ")}`);
  const result = await exec(file, args, {
    timeoutMs,
    signal: ctx.signal,
    env: { ...process.env, DEBIAN_FRONTEND: "noninteractive" },
    maxOutputChars: 16 * 1024,
  });
  const tail = `${result.stdout}\n${result.stderr}`.split("\n").filter((l) => l.trim());
  for (const line of tail.slice(-20)) ctx.out.line(`  ${line}`);
  if (result.code !== 0) throw new JobFailed(describeExit(file, result));
};

/** Installs `pkg` with the VM's package manager; JobFailed when there is none or it fails. */
export async function installPackage(
  ctx: JobContext,
  pkg: MonitoredService,
  options: InstallOptions = {},
): Promise<void> {
  const path = options.packageManagerPath ?? process.env.PATH ?? "";
  const aptGet = onPath("apt-get", path);
  if (aptGet) {
    try {
      await run(ctx, aptGet, ["update"], UPDATE_TIMEOUT_MS);
    } catch (error) {
      // Stale lists often still install; a real problem shows up in the install below.
      if (ctx.signal.aborted) throw error;
      ctx.out.line(`apt-get update failed (${(error as Error).message}); installing anyway`);
    }
    await run(
      ctx,
      aptGet,
      ["install", "-y", "--no-install-recommends", "-o", "Dpkg::Options::=--force-confold", pkg],
      INSTALL_TIMEOUT_MS,
    );
    return;
  }
  const dnf = onPath("dnf", path);
  if (dnf) {
    await run(ctx, dnf, ["install", "-y", pkg], INSTALL_TIMEOUT_MS);
    return;
  }
  throw new JobFailed(`no supported package manager: neither apt-get nor dnf found on ${path}`);
}

/** Starts the service unless it is already active, then waits for it to report active. */
export async function startService(ctx: JobContext, target: ServiceTarget): Promise<void> {
  const status = await ctx.services.status(target.service);
  if (status.activeState !== "active") {
    try {
      await ctx.services.start(target.service);
    } catch (error) {
      throw new JobFailed(`${target.service} did not start: ${(error as Error).message}`);
    }
  }
  await waitActive(ctx, target);
  ctx.out.line(`${target.service} is active`);
}
