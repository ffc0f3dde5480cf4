import type { BatchItem } from "drizzle-orm/batch";
import type { Db } from "./client";

export type Write = BatchItem<"sqlite">;

/** Runs writes as one D1 batch (one round trip, applied all or nothing); nothing when empty. */
export async function runWrites(db: Db, writes: Write[]): Promise<void> {
  const [first, ...rest] = writes;
  if (first) await db.batch([first, ...rest]);
}
