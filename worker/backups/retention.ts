/** How many backups, and how many bytes of them, each member keeps. */
export interface BackupRetention {
  keepPerMember: number;
  maxBytesPerMember: number;
}

/**
 * The member's backups to delete when a new one of `incomingBytes` is stored: walking from the
 * newest (`existing` is newest first, the new one counted ahead of it), everything past
 * `keepPerMember` backups or past `maxBytesPerMember` bytes in total goes. The new backup is
 * always kept: parseConfig holds maxBytesPerMember at or above BACKUP_MAX_BYTES.
 */
export function backupsToPrune<T extends { sizeBytes: number }>(
  existing: readonly T[],
  incomingBytes: number,
  retention: BackupRetention,
): T[] {
  let count = 1;
  let bytes = incomingBytes;
  const prune: T[] = [];
  for (const backup of existing) {
    count += 1;
    bytes += backup.sizeBytes;
    if (count > retention.keepPerMember || bytes > retention.maxBytesPerMember) prune.push(backup);
  }
  return prune;
}

/** How the retention reads in messages: "newest 20, at most 50 MiB". */
export function retentionText(retention: BackupRetention): string {
  const mib = Math.round((retention.maxBytesPerMember / 1024 / 1024) * 10) / 10;
  return `newest ${retention.keepPerMember}, at most ${mib} MiB`;
}
