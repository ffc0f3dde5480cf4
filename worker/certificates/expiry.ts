import { and, eq, isNull, lte, or } from "drizzle-orm";
import { CERTIFICATE_EXPIRY_WARNING_DAYS } from "../../shared/certificates";
import type { Db } from "../db/client";
import { type CertificateRow, certificates } from "../db/schema/certificates";
import type { Write } from "../db/writes";
import type { NewEvent } from "../events/store";

const DAY_MS = 86_400_000;
export const EXPIRY_WARNING_MS = CERTIFICATE_EXPIRY_WARNING_DAYS * DAY_MS;

/**
 * Where a certificate stands at `now`: `expired` from its end, `expiring` within the warning
 * window before it, else `valid`. The notices and the dashboard's badge both read it.
 */
export function expiryStanding(notAfter: number, now: number): "expired" | "expiring" | "valid" {
  if (notAfter <= now) return "expired";
  return notAfter - now <= EXPIRY_WARNING_MS ? "expiring" : "valid";
}

export type ExpiryNotice = { kind: "expiring"; daysLeft: number } | { kind: "expired" };

/**
 * What to say about a certificate at `now`, once per threshold: `expiring` from 14 days before
 * its end, `expired` from its end. A certificate first seen already expired gets only `expired`
 * (a warning that it "expires in -3 days" would help nobody). Null when nothing is due.
 */
export function expiryNoticeFor(
  certificate: Pick<CertificateRow, "notAfter" | "expiringNoticedAt" | "expiredNoticedAt">,
  now: number,
): ExpiryNotice | null {
  const standing = expiryStanding(certificate.notAfter, now);
  if (standing === "expired") {
    return certificate.expiredNoticedAt === null ? { kind: "expired" } : null;
  }
  if (standing === "expiring" && certificate.expiringNoticedAt === null) {
    return { kind: "expiring", daysLeft: Math.ceil((certificate.notAfter - now) / DAY_MS) };
  }
  return null;
}

/** Pools with a certificate whose notice is due at `now`: one indexed range on `not_after`. */
export async function poolsWithExpiryDue(db: Db, now: number): Promise<string[]> {
  const rows = await db
    .selectDistinct({ poolId: certificates.poolId })
    .from(certificates)
    .where(
      or(
        and(
          lte(certificates.notAfter, now + EXPIRY_WARNING_MS),
          isNull(certificates.expiringNoticedAt),
        ),
        and(lte(certificates.notAfter, now), isNull(certificates.expiredNoticedAt)),
      ),
    );
  return rows.map((row) => row.poolId);
}

type EventWrite = (event: Omit<NewEvent, "poolId">, now: number) => Write;

/**
 * The pool's due notices as writes: for each, its event and the mark that it was raised, to run
 * in one batch (so a notice is marked exactly when its event is saved). Run by the pool's
 * coordinator, one call at a time, so two overlapping crons cannot raise one notice twice.
 */
export async function expiryNoticeWrites(
  db: Db,
  poolId: string,
  event: EventWrite,
  now: number,
): Promise<Write[]> {
  const rows = await db.select().from(certificates).where(eq(certificates.poolId, poolId));
  return rows.flatMap((row) => {
    const notice = expiryNoticeFor(row, now);
    if (!notice) return [];
    const day = new Date(row.notAfter).toISOString().slice(0, 10);
    const what = `Certificate ${row.name} (${row.sans.join(", ") || row.subject})`;
    const data = { certificateId: row.id, name: row.name, notAfter: row.notAfter };
    if (notice.kind === "expired") {
      return [
        event(
          {
            type: "certificate.expired",
            actor: "system",
            message: `${what} expired on ${day}: clients now refuse it; upload a renewed one and roll it out`,
            data,
          },
          now,
        ),
        db
          .update(certificates)
          .set({ expiredNoticedAt: now, expiringNoticedAt: row.expiringNoticedAt ?? now })
          .where(eq(certificates.id, row.id)),
      ];
    }
    const days = notice.daysLeft === 1 ? "1 day" : `${notice.daysLeft} days`;
    return [
      event(
        {
          type: "certificate.expiring",
          actor: "system",
          message: `${what} expires in ${days}, on ${day}: upload a renewed one and roll it out`,
          data: { ...data, daysLeft: notice.daysLeft },
        },
        now,
      ),
      db.update(certificates).set({ expiringNoticedAt: now }).where(eq(certificates.id, row.id)),
    ];
  });
}
