import { type CloudflareIssue, type RecordStore, recordStore } from "./cloudflare-records";
import { type RecordedRequest, type Reply, startFakeServer } from "./server";

export type { CloudflareRecord } from "./cloudflare-records";

/**
 * The slice of Cloudflare's API v4 that Baton uses, base path /client/v4, with its envelope
 * `{ success, errors, messages, result }` and its error bodies: GET /user/tokens/verify,
 * GET /zones/:zone_id, and the zone's DNS records (list, POST, PATCH, PUT, DELETE, and
 * POST /dns_records/batch: deletes, patches, puts, posts in that order, all or nothing).
 * Permissions per token: "edit" (DNS Write), "read" (DNS Read), "none" (a valid token without
 * this zone); `inactive` lists tokens that verify as disabled.
 */
type Access = "edit" | "read" | "none";
type Failure = { status: number; errors: CloudflareIssue[]; retryAfterS?: number };

const RATE_LIMITED = {
  code: 10100,
  message:
    "More than 1200 requests per 300 seconds reached. Please wait and consider throttling your request speed",
};
const INTERNAL = { code: 10000, message: "Internal server error" };
const AUTH_ERROR = { code: 10000, message: "Authentication error" };
const INVALID_TOKEN = { code: 1000, message: "Invalid API Token" };

const envelope = (result: unknown, extra: object = {}) => ({
  success: true,
  errors: [],
  messages: [],
  result,
  ...extra,
});
const failure = (status: number, errors: CloudflareIssue[], headers?: Record<string, string>) =>
  ({
    status,
    json: { success: false, errors, messages: [], result: null },
    headers,
  }) satisfies Reply;
const ok = (result: unknown) => ({ status: 200, json: envelope(result) });

export async function startFakeCloudflare(options: {
  zoneId: string;
  tokens: Record<string, Access>;
  zoneName?: string;
  inactive?: string[];
}) {
  const zoneName = options.zoneName ?? "example.com";
  const store = recordStore(zoneName);
  const failures: Failure[] = [];

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
    const path = url.pathname.replace(/^\/client\/v4/, "");
    if (path === "/user/tokens/verify") {
      if (!access) return failure(401, [INVALID_TOKEN]);
      const status = options.inactive?.includes(token) ? "disabled" : "active";
      return ok({ id: "f267e341f3dd4697bd3b9f71dd96247f", status });
    }
    if (!access) return failure(401, [AUTH_ERROR]);
    const match = /^\/zones\/([^/]+)(\/dns_records(?:\/([^/]+))?)?$/.exec(path);
    if (!match || match[1] !== options.zoneId) {
      const message = `Could not route to ${path}, perhaps your object identifier is invalid?`;
      return failure(404, [{ code: 7003, message }]);
    }
    if (access === "none") return failure(403, [AUTH_ERROR]);
    if (!match[2]) return ok({ id: options.zoneId, name: zoneName, status: "active" });
    const id = match[3];
    if (request.method !== "GET" && access !== "edit") return failure(403, [AUTH_ERROR]);
    if (request.method === "GET" && !id) return list(url.searchParams);
    if (request.method === "POST" && id === "batch") return batch(JSON.parse(request.body));
    if (request.method === "POST" && !id) return single("POST", undefined, request.body);
    if (!id || !store.find(id)) {
      return failure(404, [{ code: 81044, message: "Record does not exist." }]);
    }
    if (request.method === "PUT" || request.method === "PATCH") {
      return single(request.method, id, request.body);
    }
    if (request.method === "DELETE") {
      store.remove(id);
      return ok({ id });
    }
    return failure(405, [{ code: 10405, message: "Method not allowed for this endpoint" }]);
  }

  function list(query: URLSearchParams): Reply {
    const name = query.get("name.exact") ?? query.get("name");
    const matching = store.records.filter(
      (record) =>
        (!query.get("type") || record.type === query.get("type")) &&
        (!name || record.name === name.toLowerCase()),
    );
    const page = Number(query.get("page") ?? 1);
    const perPage = Number(query.get("per_page") ?? 100);
    const result = matching.slice((page - 1) * perPage, page * perPage);
    const result_info = {
      page,
      per_page: perPage,
      count: result.length,
      total_count: matching.length,
      total_pages: Math.ceil(matching.length / perPage),
    };
    return { status: 200, json: envelope(result, { result_info }) };
  }

  function single(method: "POST" | "PUT" | "PATCH", id: string | undefined, body: string): Reply {
    const { record, issue } = store.prepare(method, id, JSON.parse(body));
    if (issue) return failure(400, [issue]);
    store.store(record);
    return ok(record);
  }

  /** One transaction: every operation applies, or none does (the first issue is answered). */
  function batch(body: {
    deletes?: { id: string }[];
    patches?: ({ id: string } & object)[];
    puts?: ({ id: string } & object)[];
    posts?: object[];
  }): Reply {
    const before = structuredClone(store.records);
    const result = { deletes: [] as unknown[], patches: [], puts: [], posts: [] } as Record<
      string,
      unknown[]
    >;
    const undo = (issue: CloudflareIssue) => {
      store.records.splice(0, store.records.length, ...before);
      return failure(400, [issue]);
    };
    for (const { id } of body.deletes ?? []) {
      const record = store.find(id);
      if (!record) return undo({ code: 81044, message: "Record does not exist." });
      store.remove(id);
      result.deletes?.push(record);
    }
    const steps = [
      ["patches", "PATCH", body.patches ?? []],
      ["puts", "PUT", body.puts ?? []],
      ["posts", "POST", body.posts ?? []],
    ] as const;
    for (const [key, method, items] of steps) {
      for (const item of items) {
        const id = (item as { id?: string }).id;
        if (method !== "POST" && (!id || !store.find(id))) {
          return undo({ code: 81044, message: "Record does not exist." });
        }
        const { record, issue } = store.prepare(method, id, item);
        if (issue) return undo(issue);
        store.store(record);
        result[key]?.push(record);
      }
    }
    return ok(result);
  }

  const server = await startFakeServer(handle);
  return {
    ...server,
    apiBaseUrl: `${server.url}/client/v4`,
    records: store.records,
    store: store as RecordStore,
    /** Adds a record as if made in the dashboard. */
    seed(
      content: string,
      name: string,
      ttl = 60,
      proxied = false,
      extra: { comment?: string; tags?: string[]; type?: string } = {},
    ) {
      const { record } = store.prepare("POST", undefined, {
        type: "A",
        name,
        content,
        ttl,
        proxied,
        ...extra,
      });
      store.store(record);
      return record;
    },
    /** The next request gets this failure instead of an answer. */
    failNext(status: 429 | 500, retryAfterS?: number) {
      failures.push({ status, errors: [status === 429 ? RATE_LIMITED : INTERNAL], retryAfterS });
    },
  };
}

export type FakeCloudflare = Awaited<ReturnType<typeof startFakeCloudflare>>;
