import { expect, it } from "vitest";
import { newId } from "../../../worker/lib/ids";
import { page } from "../../../worker/lib/page";

it("makes ids that sort by creation time", () => {
  const times = [0, 1, 31, 32, 1_795_000_000_000, 1_795_000_000_001, 2_000_000_000_000];
  const ids = times.map((at) => newId("evt", at));
  expect([...ids].sort()).toEqual(ids);
  for (const id of ids) expect(id).toMatch(/^evt_[0-9A-HJKMNP-TV-Z]{22}$/);
});

it("keeps ids made in the same millisecond in the order they were made", () => {
  const ids = Array.from({ length: 1000 }, () => newId("x", 3_000_000_000_000));
  expect(new Set(ids).size).toBe(1000);
  expect([...ids].sort()).toEqual(ids);
});

it("never goes backwards when the clock does", () => {
  const later = newId("x", 4_000_000_000_000);
  const earlier = newId("x", 3_999_999_999_000);
  expect(earlier > later).toBe(true);
});

it("pages with a cursor only when more rows exist", () => {
  const rows = [{ id: "a" }, { id: "b" }, { id: "c" }];
  expect(page(rows, 2)).toEqual({ items: [{ id: "a" }, { id: "b" }], nextCursor: "b" });
  expect(page(rows, 3)).toEqual({ items: rows, nextCursor: null });
  expect(page([], 3)).toEqual({ items: [], nextCursor: null });
});
