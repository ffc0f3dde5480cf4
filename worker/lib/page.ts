/**
 * One page of a list queried with `limit + 1` rows: the extra row only tells that there is a
 * next page, whose cursor is the last returned item's id.
 */
export function page<T extends { id: string }>(rows: T[], limit: number) {
  const items = rows.slice(0, limit);
  const last = items.at(-1);
  return { items, nextCursor: rows.length > limit && last ? last.id : null };
}
