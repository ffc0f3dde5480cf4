/**
 * `balancer.apply`: puts one revision of the pool's managed balancer on this member. The payload
 * is untrusted (DESIGN.md, security model): its size and certificate ids are bounded by the
 * schema, its target must be a service installed here, its text must hash to its sha256 and
 * name its revision in the header, and no path comes from it (the config file is the agent's
 * own, certificates go to `baton-certs/` beside it under ids checked by regex).
 *
 * Steps: stage the text and the certificates in a work directory inside the config directory
 * (so relative certificate paths resolve there) → the local policy and `haproxy -c`/`nginx -t`
 * on that copy, with the certificates in place → swap config and certificate directory
 * (renames) → reload → every listener accepts and the local probe passes → backends reach their
 * health state. Any failure puts the previous file and certificates back byte for byte and
 * reloads them (config-swap.ts); the output says what happened and for how long.
 */
import { mkdtemp, readdir, rm, writeFile } from "node:fs/promises";
import { basename, join } from "node:path";
import {
  type BalancerApplyPayload,
  CERTIFICATE_DIRECTORY,
  revisionFromHeader,
} from "../../shared/agent-protocol";
import { adoptModeAndOwner, applyConfigChange, type Replacement } from "../jobs/config-swap";
import { haproxyTarget } from "../jobs/haproxy-target";
import { nginxTarget } from "../jobs/nginx-target";
import type { ServiceTarget } from "../jobs/target";
import { type JobContext, JobFailed } from "../jobs/types";
import { readBackendsUp, verifyBackendHealth } from "./backend-health";
import { sha256Hex, stageCertificates } from "./certificates";

export interface BalancerApplyOptions {
  /** The daemons' binaries (default: found on PATH, then sbin). */
  binaries?: Partial<Record<"haproxy" | "nginx", string>>;
}

/** The service the revision is for, refused unless it is installed on this VM. */
async function targetOf(
  payload: BalancerApplyPayload,
  ctx: JobContext,
  options: BalancerApplyOptions,
): Promise<ServiceTarget> {
  const service = payload.target;
  const status = await ctx.services.status(service);
  if (!status.installed) {
    throw new JobFailed(
      `this revision is for ${service}, which is not installed on this VM: set the pool's profile to the service its members run`,
    );
  }
  const binary = options.binaries?.[service];
  return service === "haproxy"
    ? haproxyTarget(ctx.config, binary)
    : nginxTarget(ctx.config, binary);
}

/** Refuses a text that is not what the control plane rendered for this revision. */
function checkText(payload: BalancerApplyPayload): void {
  const actual = sha256Hex(payload.text);
  if (actual !== payload.sha256) {
    throw new JobFailed(
      `the text does not hash to the revision's sha256 (${actual.slice(0, 12)}…, expected ${payload.sha256.slice(0, 12)}…): not applied`,
    );
  }
  const named = revisionFromHeader(payload.text);
  if (named !== payload.revision) {
    throw new JobFailed(
      `the text's header names revision ${named ?? "none"}, the job revision ${payload.revision}: not applied`,
    );
  }
}

const WORK_PREFIX = ".baton-balancer-";

/** Work directories an agent stopped mid-job left behind (jobs run one at a time). */
async function removeStaleWork(configDir: string): Promise<void> {
  const names = await readdir(configDir).catch(() => [] as string[]);
  const stale = names.filter((name) => name.startsWith(WORK_PREFIX));
  await Promise.all(
    stale.map((name) => rm(join(configDir, name), { recursive: true, force: true })),
  );
}

export async function applyBalancer(
  payload: BalancerApplyPayload,
  ctx: JobContext,
  options: BalancerApplyOptions = {},
): Promise<void> {
  checkText(payload);
  const target = await targetOf(payload, ctx, options);
  const began = Date.now();
  await removeStaleWork(target.configDir);
  // A sibling of the live files: every swap is a rename within one filesystem.
  const work = await mkdtemp(join(target.configDir, WORK_PREFIX)).catch((error) => {
    throw new JobFailed(`cannot write in ${target.configDir}: ${(error as Error).message}`);
  });
  try {
    const candidate = join(work, basename(target.configFile));
    await writeFile(candidate, payload.text, { mode: 0o644, flag: "wx" });
    await adoptModeAndOwner(candidate, target.configFile);
    const liveCerts = join(target.configDir, CERTIFICATE_DIRECTORY);
    const stagedCerts = join(work, CERTIFICATE_DIRECTORY);
    const certs = await stageCertificates(ctx, payload.certificates, liveCerts, stagedCerts);
    if (payload.certificates.length > 0) {
      ctx.out.line(`certificates: ${certs.kept} already here, ${certs.fetched} fetched`);
    }
    const replacements: Replacement[] = [
      { target: target.configFile, staged: candidate },
      { target: liveCerts, staged: stagedCerts },
    ];
    const before =
      target.service === "haproxy" ? await readBackendsUp(ctx.config.haproxySocket) : null;
    const timing: { swappedAt?: number; restoredAt?: number } = {};
    try {
      await applyConfigChange(ctx, {
        target,
        replacements,
        candidate,
        timing,
        verify: () =>
          target.service === "haproxy" ? verifyBackendHealth(ctx, before) : Promise.resolve(),
      });
    } catch (error) {
      const { swappedAt, restoredAt } = timing;
      if (!(error instanceof JobFailed) || swappedAt === undefined) throw error;
      const inPlace =
        restoredAt === undefined ? "" : ` (in place for ${restoredAt - swappedAt} ms)`;
      throw new JobFailed(`revision ${payload.revision} rolled back${inPlace}: ${error.message}`);
    }
    ctx.out.line(
      `revision ${payload.revision} (sha256 ${payload.sha256.slice(0, 12)}…) applied to ${target.configFile} in ${Date.now() - began} ms`,
    );
  } finally {
    await rm(work, { recursive: true, force: true });
  }
}
