import { and, asc, eq } from "drizzle-orm";
import type { AgentCertificate, Certificate, UploadCertificate } from "../../shared/certificates";
import type { Db } from "../db/client";
import { type CertificateRow, certificates } from "../db/schema/certificates";
import { runWrites } from "../db/writes";
import { ApiError } from "../errors";
import { insertEvent } from "../events/store";
import { sha256Hex, sha256HexOf } from "../lib/crypto";
import { decryptJson, encryptJson } from "../lib/secrets";
import { getPool } from "../pools/store";
import type { CheckedUpload } from "./check";
import { revisionsUsingCertificate } from "./references";

const BASE32 = "0123456789abcdefghjkmnpqrstvwxyz";

/** `crt_` + 16 random lowercase base32 characters (80 bits), the form the balancer model checks. */
export function newCertificateId(): string {
  const random = crypto.getRandomValues(new Uint8Array(16));
  return `crt_${[...random].map((byte) => BASE32[byte % 32]).join("")}`;
}

/** What is sealed: the PEM the VMs get. A record, so more can join it without a new format. */
interface SealedCertificate {
  pem: string;
}

/** The API's view: named field by field, so a column added later is never shown by accident. */
export function toCertificate(row: CertificateRow): Certificate {
  return {
    id: row.id,
    poolId: row.poolId,
    name: row.name,
    subject: row.subject,
    sans: row.sans,
    issuer: row.issuer,
    notBefore: row.notBefore,
    notAfter: row.notAfter,
    fingerprintSha256: row.fingerprintSha256,
    keyType: row.keyType,
    chainLength: row.chainLength,
    createdAt: row.createdAt,
    createdBy: row.createdBy,
  };
}

/** Stores a checked upload (upload.ts checks it), sealed with SECRETS_KEY, with its `certificate.uploaded` event. */
export async function storeCertificate(
  db: Db,
  secretsKey: string,
  poolId: string,
  input: UploadCertificate,
  checked: CheckedUpload,
  actor: string,
  now: number,
): Promise<Certificate> {
  const { leaf } = checked;
  const row: CertificateRow = {
    id: newCertificateId(),
    poolId,
    name: input.name ?? leaf.commonName ?? leaf.sans[0] ?? "certificate",
    subject: leaf.subject,
    sans: leaf.sans,
    issuer: leaf.issuer,
    notBefore: leaf.notBefore,
    notAfter: leaf.notAfter,
    fingerprintSha256: await sha256HexOf(leaf.der),
    keyType: checked.keyType,
    chainLength: checked.chain.length,
    pemSha256: await sha256Hex(checked.pem),
    sealed: await encryptJson(secretsKey, { pem: checked.pem } satisfies SealedCertificate),
    createdAt: now,
    createdBy: actor,
    expiringNoticedAt: null,
    expiredNoticedAt: null,
  };
  const until = new Date(row.notAfter).toISOString().slice(0, 10);
  await runWrites(db, [
    db.insert(certificates).values(row),
    insertEvent(
      db,
      {
        poolId,
        type: "certificate.uploaded",
        actor,
        message: `Certificate ${row.name} (${row.sans.join(", ") || row.subject}) uploaded, valid until ${until}`,
        data: {
          certificateId: row.id,
          subject: row.subject,
          sans: row.sans,
          notAfter: row.notAfter,
        },
      },
      now,
    ),
  ]);
  return toCertificate(row);
}

async function findRow(
  db: Db,
  poolId: string,
  certId: string,
): Promise<CertificateRow | undefined> {
  return db
    .select()
    .from(certificates)
    .where(and(eq(certificates.id, certId), eq(certificates.poolId, poolId)))
    .get();
}

/** A pool's certificate; another pool's is answered as a missing one. */
export async function getCertificate(db: Db, poolId: string, certId: string): Promise<Certificate> {
  const row = await findRow(db, poolId, certId);
  if (!row)
    throw new ApiError("not_found", `Certificate ${certId} does not exist in pool ${poolId}`);
  return toCertificate(row);
}

/** A pool's certificates, oldest first (a pool holds a handful, so no paging). */
export async function listCertificates(db: Db, poolId: string): Promise<Certificate[]> {
  await getPool(db, poolId);
  const rows = await db
    .select()
    .from(certificates)
    .where(eq(certificates.poolId, poolId))
    .orderBy(asc(certificates.createdAt), asc(certificates.id));
  return rows.map(toCertificate);
}

/** Whether the pool has this certificate: the balancer model's check of a TLS bind. */
export async function certificateExists(db: Db, poolId: string, certId: string): Promise<boolean> {
  const row = await db
    .select({ id: certificates.id })
    .from(certificates)
    .where(and(eq(certificates.id, certId), eq(certificates.poolId, poolId)))
    .get();
  return row !== undefined;
}

/** The SHA-256 of each certificate's PEM, for the `certificates` of a `balancer.apply` job. */
export async function certificateHashes(
  db: Db,
  poolId: string,
  certIds: string[],
): Promise<{ id: string; sha256: string }[]> {
  const rows = await db
    .select({ id: certificates.id, sha256: certificates.pemSha256 })
    .from(certificates)
    .where(eq(certificates.poolId, poolId));
  return certIds.map((id) => {
    const row = rows.find((candidate) => candidate.id === id);
    if (!row) throw new ApiError("not_found", `Certificate ${id} does not exist in pool ${poolId}`);
    return row;
  });
}

/** The file an agent writes for a certificate of its pool: chain then key, and its hash. */
export async function certificateFile(
  db: Db,
  secretsKey: string,
  poolId: string,
  certId: string,
): Promise<AgentCertificate> {
  const row = await findRow(db, poolId, certId);
  if (!row) throw new ApiError("not_found", `Certificate ${certId} does not exist in this pool`);
  const { pem } = (await decryptJson(secretsKey, row.sealed)) as SealedCertificate;
  return { id: row.id, pem, sha256: row.pemSha256 };
}

/** Deletes a certificate no balancer revision uses, with its `certificate.deleted` event. */
export async function deleteCertificate(
  db: Db,
  poolId: string,
  certId: string,
  actor: string,
  now: number,
): Promise<void> {
  const row = await findRow(db, poolId, certId);
  if (!row)
    throw new ApiError("not_found", `Certificate ${certId} does not exist in pool ${poolId}`);
  const revisions = await revisionsUsingCertificate(db, poolId, certId);
  if (revisions.length > 0) {
    throw new ApiError(
      "certificate_in_use",
      `Certificate ${row.name} is used by balancer revision ${revisions.join(", ")}: make a revision without it and roll that out first`,
    );
  }
  await runWrites(db, [
    db.delete(certificates).where(eq(certificates.id, certId)),
    insertEvent(
      db,
      {
        poolId,
        type: "certificate.deleted",
        actor,
        message: `Certificate ${row.name} deleted`,
        data: { certificateId: certId, subject: row.subject },
      },
      now,
    ),
  ]);
}
