import { describe, expect, it } from "vitest";
import { expiryNoticeFor } from "../../../worker/certificates/expiry";

const DAY_MS = 86_400_000;
const END = Date.UTC(2031, 5, 1);
const fresh = { notAfter: END, expiringNoticedAt: null, expiredNoticedAt: null };
const warned = { ...fresh, expiringNoticedAt: END - 14 * DAY_MS };
const done = { ...warned, expiredNoticedAt: END };

describe("expiryNoticeFor", () => {
  it.each([
    ["15 days ahead: nothing yet", fresh, END - 15 * DAY_MS, null],
    [
      "exactly 14 days ahead: expiring",
      fresh,
      END - 14 * DAY_MS,
      { kind: "expiring", daysLeft: 14 },
    ],
    [
      "13.5 days ahead: expiring, 14 days rounded up",
      fresh,
      END - 13.5 * DAY_MS,
      { kind: "expiring", daysLeft: 14 },
    ],
    ["an hour ahead: expiring in 1 day", fresh, END - 3_600_000, { kind: "expiring", daysLeft: 1 }],
    ["already warned: nothing until the end", warned, END - 1, null],
    ["at the end: expired", warned, END, { kind: "expired" }],
    ["past the end, never warned: only expired", fresh, END + DAY_MS, { kind: "expired" }],
    ["both said: nothing more, ever", done, END + 400 * DAY_MS, null],
  ])("%s", (_name, certificate, now, notice) => {
    expect(expiryNoticeFor(certificate, now)).toEqual(notice);
  });
});
