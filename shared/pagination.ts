import { z } from "zod";

export const MAX_PAGE_SIZE = 200;
export const DEFAULT_PAGE_SIZE = 50;

/** Query of every list endpoint: `?limit=&cursor=`; `nextCursor` of one page fetches the next. */
export const PageQuery = z.object({
  limit: z.coerce.number().int().min(1).max(MAX_PAGE_SIZE).default(DEFAULT_PAGE_SIZE),
  cursor: z.string().min(1).max(100).optional(),
});
export type PageQuery = z.infer<typeof PageQuery>;
