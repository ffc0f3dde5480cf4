import { describe, expect, it } from "vitest";
import type { ErrorBody } from "../../../shared/errors";
import type { Event } from "../../../shared/events";
import {
  admin,
  call,
  createApiToken,
  createPool,
  enroll,
  expectError,
  heartbeat,
  queueJob,
  withToken,
} from "../helpers";

interface EventPage {
  events: Event[];
  nextCursor: string | null;
}

/** A pool with a known history: created, updated, one member enrolled, online, a job queued. */
async function poolWithHistory() {
  const pool = await createPool();
  const patched = await admin(`/pools/${pool.id}`, { method: "PATCH", body: { name: "renamed" } });
  expect(patched.status).toBe(200);
  const enrolled = await enroll(pool.id);
  expect((await heartbeat(enrolled)).status).toBe(200);
  const job = await queueJob(enrolled.member.id, { kind: "haproxy.reload" });
  return { pool, enrolled, job };
}

function types(events: Event[]) {
  return events.map((event) => event.type);
}

describe("GET /api/v1/pools/:poolId/events", () => {
  it("lists the pool's events newest first", async () => {
    const { pool, enrolled, job } = await poolWithHistory();
    await createPool(); // another pool's events stay out of this list
    const result = await admin<EventPage>(`/pools/${pool.id}/events`);
    expect(result.status).toBe(200);
    expect(types(result.body.events)).toEqual([
      "job.queued",
      "member.online",
      "member.enrolled",
      "pool.updated",
      "pool.created",
    ]);
    expect(result.body.nextCursor).toBeNull();
    const ats = result.body.events.map((event) => event.at);
    expect(ats).toEqual([...ats].sort((a, b) => b - a));
    expect(result.body.events.every((event) => event.poolId === pool.id)).toBe(true);
    expect(result.body.events[0]).toMatchObject({
      memberId: enrolled.member.id,
      actor: "bootstrap",
      data: { jobId: job.id, kind: "haproxy.reload" },
    });
    expect(result.body.events[1]).toMatchObject({ actor: "system" });
  });

  it("pages with ?limit and nextCursor without gaps or repeats", async () => {
    const { pool } = await poolWithHistory();
    const all = await admin<EventPage>(`/pools/${pool.id}/events`);
    const pages: string[][] = [];
    let cursor: string | null = null;
    do {
      const query: string = cursor ? `?limit=2&cursor=${cursor}` : "?limit=2";
      const result: { status: number; body: EventPage } = await admin<EventPage>(
        `/pools/${pool.id}/events${query}`,
      );
      expect(result.status).toBe(200);
      pages.push(result.body.events.map((event) => event.id));
      cursor = result.body.nextCursor;
    } while (cursor);
    expect(pages.map((page) => page.length)).toEqual([2, 2, 1]);
    expect(pages.flat()).toEqual(all.body.events.map((event) => event.id));
  });

  it("filters by exact type, by a list, and by prefix", async () => {
    const { pool } = await poolWithHistory();
    const exact = await admin<EventPage>(`/pools/${pool.id}/events?type=pool.updated`);
    expect(types(exact.body.events)).toEqual(["pool.updated"]);

    const list = await admin<EventPage>(`/pools/${pool.id}/events?type=pool.created,job.queued`);
    expect(types(list.body.events)).toEqual(["job.queued", "pool.created"]);

    const prefix = await admin<EventPage>(`/pools/${pool.id}/events?type=member.*`);
    expect(types(prefix.body.events)).toEqual(["member.online", "member.enrolled"]);

    const mixed = await admin<EventPage>(`/pools/${pool.id}/events?type=pool.*,job.queued`);
    expect(types(mixed.body.events)).toEqual(["job.queued", "pool.updated", "pool.created"]);

    const none = await admin<EventPage>(`/pools/${pool.id}/events?type=token.*`);
    expect(none.body.events).toEqual([]);
  });

  it("refuses an unknown type or a malformed prefix", async () => {
    const pool = await createPool();
    for (const type of ["member.bogus", "member", "*", "member.on*", "pool.created,nope"]) {
      const result = await admin(`/pools/${pool.id}/events?type=${encodeURIComponent(type)}`);
      expectError(result, 400, "validation_failed");
      expect((result.body as ErrorBody).error.message).toContain("type");
    }
  });

  it("refuses a bad page size", async () => {
    const pool = await createPool();
    expectError(await admin(`/pools/${pool.id}/events?limit=0`), 400, "validation_failed");
  });

  it("is readable by a viewer and needs a token", async () => {
    const pool = await createPool();
    const { token } = await createApiToken("viewer");
    const result = await withToken<EventPage>(token, `/pools/${pool.id}/events`);
    expect(result.status).toBe(200);
    expect(types(result.body.events)).toEqual(["pool.created"]);
    expectError(await call(`/api/v1/pools/${pool.id}/events`), 401, "unauthorized");
  });

  it("answers 404 for an unknown pool", async () => {
    expectError(await admin("/pools/pool_00000000000000000000000000/events"), 404, "not_found");
  });
});

describe("GET /api/v1/events", () => {
  it("keeps the audit trail of deleted pools and of API tokens", async () => {
    const pool = await createPool();
    expect((await admin(`/pools/${pool.id}`, { method: "DELETE" })).status).toBe(200);
    const token = await createApiToken("viewer", "audit reader");

    const all = await withToken<EventPage>(
      token.token,
      "/events?type=pool.deleted,token.*&limit=200",
    );
    expect(all.status).toBe(200);
    const types = all.body.events.map(
      (event) => `${event.type} ${event.poolId ?? event.data.tokenId}`,
    );
    expect(types).toContain(`pool.deleted ${pool.id}`);
    expect(types).toContain(`token.created ${token.apiToken.id}`);
    // Newest first: the token came after the deletion.
    expect(types.indexOf(`token.created ${token.apiToken.id}`)).toBeLessThan(
      types.indexOf(`pool.deleted ${pool.id}`),
    );
  });

  it("pages, filters, and refuses bad filters and missing tokens", async () => {
    await poolWithHistory();
    const first = await admin<EventPage>("/events?limit=2");
    expect(first.body.events).toHaveLength(2);
    expect(first.body.nextCursor).toBe(first.body.events[1]?.id);
    const second = await admin<EventPage>(`/events?limit=2&cursor=${first.body.nextCursor}`);
    expect((second.body.events[0]?.id ?? "") < (first.body.events[1]?.id ?? "")).toBe(true);
    expectError(await admin("/events?type=nonsense"), 400, "validation_failed");
    expectError(await call("/api/v1/events"), 401, "unauthorized");
  });
});
