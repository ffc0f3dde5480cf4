import { BACKUP_MAX_BYTES, SHA256_HEADER, Sha256Hex } from "../../shared/backups";
import { ApiError } from "../errors";
import { sha256HexOf } from "../lib/crypto";

const MAX_KIB = BACKUP_MAX_BYTES / 1024;

function tooLarge(sizeBytes: number | null): ApiError {
  const size = sizeBytes === null ? "larger than that" : `${sizeBytes} bytes`;
  return new ApiError(
    "backup_too_large",
    `Backups are stored up to ${MAX_KIB} KiB (${BACKUP_MAX_BYTES} bytes); this archive is ${size}: leave logs and other large files out of it`,
  );
}

/** Reads a body of at most `maxBytes`; null as soon as it proves longer (the rest is not read). */
export async function readCapped(
  body: ReadableStream<Uint8Array> | null,
  maxBytes: number,
): Promise<Uint8Array | null> {
  if (!body) return new Uint8Array();
  const chunks: Uint8Array[] = [];
  let length = 0;
  const reader = body.getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    length += value.byteLength;
    if (length > maxBytes) {
      await reader.cancel();
      return null;
    }
    chunks.push(value);
  }
  const bytes = new Uint8Array(length);
  let offset = 0;
  for (const chunk of chunks) {
    bytes.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return bytes;
}

export interface UploadRequest {
  /** The X-Baton-Sha256 header as sent. */
  sha256: string | undefined;
  contentLength: string | undefined;
  body: ReadableStream<Uint8Array> | null;
}

/**
 * Reads and checks an uploaded backup: the declared SHA-256 (400), the size (413, refused from
 * Content-Length before reading when it can be), a gzip archive (400), and the checksum
 * recomputed here (400 `checksum_mismatch`). Returns the bytes and their SHA-256.
 */
export async function readBackupUpload(request: UploadRequest) {
  const declared = Sha256Hex.safeParse(request.sha256?.trim().toLowerCase());
  if (!declared.success) {
    throw new ApiError(
      "validation_failed",
      `Send the archive's SHA-256 as 64 hex characters in ${SHA256_HEADER}`,
      [{ path: SHA256_HEADER, message: "must be 64 hex characters" }],
    );
  }
  const declaredLength = Number(request.contentLength);
  if (Number.isFinite(declaredLength) && declaredLength > BACKUP_MAX_BYTES) {
    throw tooLarge(declaredLength);
  }
  const archive = await readCapped(request.body, BACKUP_MAX_BYTES);
  if (!archive) throw tooLarge(null);
  // Every gzip stream starts with 1f 8b.
  if (archive.byteLength < 2 || archive[0] !== 0x1f || archive[1] !== 0x8b) {
    throw new ApiError(
      "validation_failed",
      "The body must be the backup itself, a gzip-compressed tar archive (tar.gz)",
    );
  }
  const sha256 = await sha256HexOf(archive);
  if (sha256 !== declared.data) {
    throw new ApiError(
      "checksum_mismatch",
      `The archive received has SHA-256 ${sha256}, but ${SHA256_HEADER} says ${declared.data}: the upload was damaged or the header names another file; send it again`,
    );
  }
  return { archive, sha256 };
}
