import { type RecordedRequest, type Reply, startFakeServer } from "./server";

/**
 * The slice of Cloudflare's API v4 that Baton uses (DNS records of one zone), with its envelope
 * `{ success, errors, messages, result, result_info }` and its error bodies. Base path /client/v4.
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

type Access = "edit" | "read";
type Failure = {
  status: number;
  errors: { code: number; message: string }[];
  retryAfterS?: number;
};

const RATE_LIMITED = {
  code: 10100,
  message:
    "More than 1200 requests per 300 seconds reached. Please wait and consider throttling your request speed",
};
const INTERNAL = { code: 10000, message: "Internal server error" };
const AUTH_ERROR = { code: 10000, message: "Authentication error" };

const envelope = (result: unknown, extra: object = {}) => ({
  success: true,
  errors: [],
  messages: [],
  result,
  ...extra,
});
const failure = (status: number, errors: Failure["errors"], headers?: Record<string, string>) =>
  ({
    status,
    json: { success: false, errors, messages: [], result: null },
    headers,
  }) satisfies Reply;

export async function startFakeCloudflare(options: {
  zoneId: string;
  tokens: Record<string, Access>;
}) {
  const records: CloudflareRecord[] = [];
  const failures: Failure[] = [];
  let nextId = 1;

  function handle(request: RecordedRequest): Reply {
    const url = new URL(request.path, "http://fake");
    const failed = failures.shift();
    if (failed) {
      const headers = failed.retryAfterS
        ? { "Retry-After": String(failed.retryAfterS) }
        : undefined;
      return failure(failed.status, failed.errors, headers);
    }
    const token = /^Bearer (.+)$/.exec(request.headers.authorization ?? "")?.[1] ?? "";
    const access = options.tokens[token];
    if (!access) return failure(401, [AUTH_ERROR]);
    const match = /^\/client\/v4\/zones\/([^/]+)\/dns_records(?:\/([^/]+))?$/.exec(url.pathname);
    if (!match || match[1] !== options.zoneId) {
      const message = `Could not route to ${url.pathname.replace("/client/v4", "")}, perhaps your object identifier is invalid?`;
      return failure(404, [{ code: 7003, message }]);
    }
    const id = match[2];
    if (request.method !== "GET" && access !== "edit") return failure(403, [AUTH_ERROR]);
    if (request.method === "GET" && !id) return list(url.searchParams);
    if (request.method === "POST" && !id) return write(undefined, JSON.parse(request.body));
    const record = records.find((candidate) => candidate.id === id);
    if (!record) return failure(404, [{ code: 81044, message: "Record does not exist." }]);
    if (request.method === "PUT") return write(record, JSON.parse(request.body));
    if (request.method === "DELETE") {
      records.splice(records.indexOf(record), 1);
      return { status: 200, json: envelope({ id: record.id }) };
    }
    return failure(405, [{ code: 10405, message: "Method not allowed for this endpoint" }]);
  }

  function list(query: URLSearchParams): Reply {
    const name = query.get("name.exact") ?? query.get("name");
    const matching = records.filter(
      (record) =>
        (!query.get("type") || record.type === query.get("type")) &&
        (!name || record.name === name.toLowerCase()),
    );
    const page = Number(query.get("page") ?? 1);
    const perPage = Number(query.get("per_page") ?? 100);
    const result = matching.slice((page - 1) * perPage, page * perPage);
    const total_pages = Math.ceil(matching.length / perPage);
    const result_info = {
      page,
      per_page: perPage,
      count: result.length,
      total_count: matching.length,
      total_pages,
    };
    return { status: 200, json: envelope(result, { result_info }) };
  }

  /** POST (record undefined) or PUT: the whole record is given; proxied records get TTL 1. */
  function write(record: CloudflareRecord | undefined, body: Partial<CloudflareRecord>): Reply {
    if (body.type !== "A" || !body.name || !/^\d+\.\d+\.\d+\.\d+$/.test(body.content ?? "")) {
      return failure(400, [
        { code: 9005, message: "Content for A record must be a valid IPv4 address." },
      ]);
    }
    const name = body.name.toLowerCase();
    const duplicate = records.find(
      (other) =>
        other !== record &&
        other.name === name &&
        other.type === "A" &&
        other.content === body.content,
    );
    if (duplicate)
      return failure(400, [{ code: 81058, message: "An identical record already exists." }]);
    const now = new Date(0).toISOString();
    const proxied = body.proxied ?? false;
    const written: CloudflareRecord = {
      ...(record ?? {
        id: `rec${nextId++}`,
        created_on: now,
        settings: {},
        meta: {},
        tags: [],
        comment: null,
      }),
      name,
      type: "A",
      content: body.content ?? "",
      ttl: proxied ? 1 : (body.ttl ?? 1),
      proxied,
      proxiable: true,
      modified_on: now,
    } as CloudflareRecord;
    if (record) records.splice(records.indexOf(record), 1, written);
    else records.push(written);
    return { status: 200, json: envelope(written) };
  }

  const server = await startFakeServer(handle);
  return {
    ...server,
    apiBaseUrl: `${server.url}/client/v4`,
    records,
    /** Adds a record as if made in the dashboard. */
    seed(content: string, name: string, ttl = 60, proxied = false) {
      write(undefined, { type: "A", name, content, ttl, proxied });
    },
    /** The next request gets this failure instead of an answer. */
    failNext(status: 429 | 500, retryAfterS?: number) {
      failures.push({ status, errors: [status === 429 ? RATE_LIMITED : INTERNAL], retryAfterS });
    },
  };
}

export type FakeCloudflare = Awaited<ReturnType<typeof startFakeCloudflare>>;
