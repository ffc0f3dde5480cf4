/**
 * The record rules of Cloudflare's DNS records API (v4) that Baton depends on, with the codes and
 * messages Cloudflare answers: TTL 1 (automatic) or 60–86400, comments of at most 100 characters
 * (Free plan), no two identical records, names completed with the zone the way Cloudflare does
 * (`lb.other.com` in zone example.com becomes `lb.other.com.example.com`). POST and PUT take
 * the whole record (PUT drops a comment, tags and settings it is not given); PATCH changes only
 * the fields it is given.
 */
export interface CloudflareRecord {
  id: string;
  name: string;
  type: string;
  content: string;
  ttl: number;
  proxied: boolean;
  proxiable: boolean;
  settings: Record<string, unknown>;
  meta: Record<string, unknown>;
  comment: string | null;
  tags: string[];
  created_on: string;
  modified_on: string;
}

export interface CloudflareIssue {
  code: number;
  message: string;
}

export const TTL_REFUSED: CloudflareIssue = {
  code: 9021,
  message: "TTL must be between 60 and 86400 seconds, or 1 for Automatic.",
};
export const IDENTICAL_RECORD: CloudflareIssue = {
  code: 81058,
  message: "An identical record already exists.",
};
const BAD_A_CONTENT: CloudflareIssue = {
  code: 9005,
  message: "Content for A record must be a valid IPv4 address.",
};
// The 100-character limit is documented (Free plan); this code and wording are the fake's own.
const COMMENT_TOO_LONG: CloudflareIssue = {
  code: 9102,
  message: "DNS record comment cannot be longer than 100 characters.",
};
const MAX_COMMENT_CHARS = 100;

/** One zone's records. `write` returns the record written or the issue Cloudflare would answer. */
export function recordStore(zoneName: string) {
  const records: CloudflareRecord[] = [];
  let nextId = 1;

  /** Cloudflare treats a name outside the zone as relative to it. */
  function fullName(name: string): string {
    const lower = name.toLowerCase().replace(/\.$/, "");
    return lower === zoneName || lower.endsWith(`.${zoneName}`) ? lower : `${lower}.${zoneName}`;
  }

  function check(record: CloudflareRecord): CloudflareIssue | null {
    if (record.type === "A" && !/^\d+\.\d+\.\d+\.\d+$/.test(record.content)) return BAD_A_CONTENT;
    if (record.ttl !== 1 && (record.ttl < 60 || record.ttl > 86_400)) return TTL_REFUSED;
    if ((record.comment ?? "").length > MAX_COMMENT_CHARS) return COMMENT_TOO_LONG;
    const identical = records.find(
      (other) =>
        other.id !== record.id &&
        other.name === record.name &&
        other.type === record.type &&
        other.content === record.content,
    );
    return identical ? IDENTICAL_RECORD : null;
  }

  /** The record `body` makes of `base` (undefined: a new one), by `method`'s rules. */
  function build(
    method: "POST" | "PUT" | "PATCH",
    base: CloudflareRecord | undefined,
    body: Partial<CloudflareRecord>,
  ): CloudflareRecord {
    const now = new Date(0).toISOString();
    const fresh: CloudflareRecord = {
      id: base?.id ?? `rec${nextId}`,
      name: "",
      type: "A",
      content: "",
      ttl: 1,
      proxied: false,
      proxiable: true,
      settings: {},
      meta: {},
      comment: null,
      tags: [],
      created_on: base?.created_on ?? now,
      modified_on: now,
    };
    const start = method === "PATCH" && base ? { ...base, modified_on: now } : fresh;
    const merged = { ...start, ...body, id: start.id } as CloudflareRecord;
    merged.name = fullName(merged.name);
    if (merged.proxied) merged.ttl = 1;
    return merged;
  }

  return {
    records,
    fullName,
    find: (id: string) => records.find((record) => record.id === id),
    /** Builds and checks a record without storing it (a batch checks everything first). */
    prepare(method: "POST" | "PUT" | "PATCH", id: string | undefined, body: object) {
      const base = id ? records.find((record) => record.id === id) : undefined;
      const record = build(method, base, body as Partial<CloudflareRecord>);
      if (!base) nextId += 1;
      return { record, issue: check(record) };
    },
    store(record: CloudflareRecord) {
      const index = records.findIndex((other) => other.id === record.id);
      if (index >= 0) records.splice(index, 1, record);
      else records.push(record);
    },
    remove(id: string) {
      const index = records.findIndex((record) => record.id === id);
      if (index >= 0) records.splice(index, 1);
    },
  };
}

export type RecordStore = ReturnType<typeof recordStore>;
