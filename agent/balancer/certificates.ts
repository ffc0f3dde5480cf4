/**
 * The certificates a balancer revision references, staged for the swap. They live beside the
 * managed config in `baton-certs/<id>.pem` (chain then key, 0600, directory 0700), so the
 * rendered text names them relatively and is identical on every member. A staged directory is
 * built with exactly the revision's certificates: a file already on disk with the expected
 * SHA-256 is copied, any other is fetched from the control plane and checked against the hash the
 * job carries before it is written. The live directory is replaced whole, with the config, so a
 * rollback puts the previous certificates back byte for byte.
 */
import { createHash } from "node:crypto";
import { mkdir, readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { type BalancerApplyPayload, CERTIFICATE_ID_PATTERN } from "../../shared/agent-protocol";
import { type JobContext, JobFailed } from "../jobs/types";
import { reason } from "../log";

export function sha256Hex(data: string | Uint8Array): string {
  return createHash("sha256").update(data).digest("hex");
}

/** What staging did: how many certificates were already here and how many were fetched. */
export interface StagedCertificates {
  kept: number;
  fetched: number;
}

/**
 * Writes the revision's certificates into `stagedDir` (created 0700): kept from `liveDir` when
 * their hash matches, fetched otherwise. Throws JobFailed when one cannot be had or its hash is
 * not the one the job names.
 */
export async function stageCertificates(
  ctx: Pick<JobContext, "api" | "out">,
  wanted: BalancerApplyPayload["certificates"],
  liveDir: string,
  stagedDir: string,
): Promise<StagedCertificates> {
  await mkdir(stagedDir, { mode: 0o700 });
  const staged: StagedCertificates = { kept: 0, fetched: 0 };
  for (const { id, sha256 } of wanted) {
    // The schema checked the id already; a path is built from it, so check again here.
    if (!CERTIFICATE_ID_PATTERN.test(id)) throw new JobFailed(`refused certificate id ${id}`);
    const file = `${id}.pem`;
    const onDisk = await readFile(join(liveDir, file)).catch(() => null);
    let pem: string | Uint8Array;
    if (onDisk && sha256Hex(onDisk) === sha256) {
      pem = onDisk;
      staged.kept += 1;
    } else {
      pem = await fetchCertificate(ctx, id, sha256);
      staged.fetched += 1;
      ctx.out.line(`certificate ${id} fetched (sha256 ${sha256.slice(0, 12)}…)`);
    }
    await writeFile(join(stagedDir, file), pem, { mode: 0o600, flag: "wx" });
  }
  return staged;
}

async function fetchCertificate(
  ctx: Pick<JobContext, "api">,
  id: string,
  sha256: string,
): Promise<string> {
  let answer: { id: string; pem: string; sha256: string };
  try {
    answer = await ctx.api.downloadCertificate(id);
  } catch (error) {
    throw new JobFailed(`cannot fetch certificate ${id}: ${reason(error)}`);
  }
  if (answer.id !== id) throw new JobFailed(`asked for certificate ${id}, got ${answer.id}`);
  const actual = sha256Hex(answer.pem);
  if (actual !== sha256 || answer.sha256 !== sha256) {
    throw new JobFailed(
      `certificate ${id} does not match the revision (sha256 ${actual.slice(0, 12)}…, expected ${sha256.slice(0, 12)}…): not written`,
    );
  }
  return answer.pem;
}
