import type { Certificate, UploadCertificate } from "../../shared/certificates";
import type { Db } from "../db/client";
import { ApiError } from "../errors";
import { getPool } from "../pools/store";
import { CertificateRefusal, type CheckedUpload, checkUpload } from "./check";
import { storeCertificate } from "./store";

/** The upload check, its refusals as 400s naming the field (forms show them beside it). */
async function checked(input: UploadCertificate, now: number): Promise<CheckedUpload> {
  try {
    return await checkUpload(input, now);
  } catch (error) {
    if (!(error instanceof CertificateRefusal)) throw error;
    throw new ApiError(error.code, error.message, [{ path: error.field, message: error.message }]);
  }
}

/** Checks an upload for the pool (which must exist) and stores it sealed: the API's and the dashboard's one way in. */
export async function uploadCertificate(
  db: Db,
  secretsKey: string,
  poolId: string,
  input: UploadCertificate,
  actor: string,
  now: number,
): Promise<Certificate> {
  await getPool(db, poolId);
  return storeCertificate(db, secretsKey, poolId, input, await checked(input, now), actor, now);
}
