import { type Backup, SERVICE_HEADER, SHA256_HEADER } from "../../shared/backups";
import { archiveFileName } from "./store";

/**
 * A stored archive as a download, for the admin API and the dashboard alike: saved under a name
 * that says whose backup it is and when, with its checksum and service in headers.
 */
export function archiveDownload(row: Backup & { archive: Uint8Array }): Response {
  return new Response(row.archive, {
    headers: {
      "Content-Type": "application/gzip",
      "Content-Disposition": `attachment; filename="${archiveFileName(row)}"`,
      "Cache-Control": "no-store",
      [SHA256_HEADER]: row.sha256,
      [SERVICE_HEADER]: row.service,
    },
  });
}
