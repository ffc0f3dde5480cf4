import { describe, expect, it } from "vitest";
import { EVENT_TYPES, EventListQuery } from "../../../shared/events";
import {
  categoryOf,
  EVENT_CATEGORIES,
  eventFilterOf,
  eventTypesOf,
  filterQuery,
  inCategory,
} from "../../../worker/dashboard/events/filter";

describe("Events tab categories", () => {
  it("put every event type Baton records in some category", () => {
    const orphans = EVENT_TYPES.filter((type) =>
      EVENT_CATEGORIES.every((category) => !inCategory(type, category.id)),
    );
    expect(orphans).toEqual([]);
  });

  it("name only types and prefixes the API's ?type= filter accepts", () => {
    for (const category of EVENT_CATEGORIES) {
      const parsed = EventListQuery.safeParse({ type: category.types.join(",") });
      expect(parsed.success, category.id).toBe(true);
    }
  });

  it.each([
    ["failover.promoted", "failover"],
    ["failover.paused", "failover"],
    ["member.offline", "members"],
    ["job.failed", "jobs"],
    ["backup.stored", "jobs"],
    ["dns.error", "dns"],
    ["pool.updated", "changes"],
  ] as const)("labels %s as %s", (type, category) => {
    expect(categoryOf(type)).toBe(category);
  });

  it("counts a drain and a pause as changes someone made too", () => {
    expect(inCategory("member.drained", "changes")).toBe(true);
    expect(inCategory("failover.paused", "changes")).toBe(true);
    expect(inCategory("failover.promoted", "changes")).toBe(false);
    expect(inCategory("member.online", "changes")).toBe(false);
  });
});

describe("eventFilterOf and eventTypesOf", () => {
  it("maps ticked categories to the API's type filter", () => {
    const filter = eventFilterOf({ cat: ["failover", "dns"] });
    expect(filter).toEqual({ categories: ["failover", "dns"], memberId: null });
    expect(eventTypesOf(filter)).toEqual(["failover.*", "dns.*"]);
    expect(eventTypesOf(eventFilterOf({ cat: ["jobs"] }))).toEqual(["job.*", "backup.*"]);
  });

  it("shows everything with no category, with all of them, and ignores unknown ones", () => {
    expect(eventTypesOf(eventFilterOf({}))).toBeUndefined();
    expect(eventTypesOf(eventFilterOf({ cat: ["bogus"] }))).toBeUndefined();
    const all = eventFilterOf({ cat: EVENT_CATEGORIES.map((category) => category.id) });
    expect(eventTypesOf(all)).toBeUndefined();
  });

  it("does not repeat a type two categories share", () => {
    const types = eventTypesOf(eventFilterOf({ cat: ["jobs", "changes"] })) ?? [];
    expect(new Set(types).size).toBe(types.length);
    expect(types).toContain("job.queued");
    expect(types).toContain("job.*");
  });

  it("keeps the member, trimmed, and drops an empty one", () => {
    expect(eventFilterOf({ member: " mem_a " }).memberId).toBe("mem_a");
    expect(eventFilterOf({ member: "" }).memberId).toBeNull();
  });
});

describe("filterQuery", () => {
  it("keeps the filter and the page in links", () => {
    const filter = { categories: ["failover", "members"] as const, memberId: "mem_a" };
    expect(filterQuery({ ...filter, categories: [...filter.categories] }, "evt_9")).toBe(
      "?cat=failover&cat=members&member=mem_a&cursor=evt_9",
    );
    expect(filterQuery({ categories: [], memberId: null })).toBe("");
  });
});
