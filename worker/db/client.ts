import { type DrizzleD1Database, drizzle } from "drizzle-orm/d1";
import { type D1Meter, meteredD1 } from "./meter";
import * as schema from "./schema";

export type Db = DrizzleD1Database<typeof schema>;

const opened = new WeakMap<D1Database, WeakMap<D1Meter, Db>>();

/**
 * A Drizzle client over a metered D1 binding. Building one walks the whole schema, so each
 * isolate builds one per binding and meter and reuses it for every request.
 */
export function openDb(d1: D1Database, meter: D1Meter): Db {
  const byMeter = opened.get(d1) ?? new WeakMap<D1Meter, Db>();
  opened.set(d1, byMeter);
  const db = byMeter.get(meter) ?? drizzle(meteredD1(d1, meter), { schema });
  byMeter.set(meter, db);
  return db;
}
