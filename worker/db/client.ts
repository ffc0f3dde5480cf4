import { type DrizzleD1Database, drizzle } from "drizzle-orm/d1";
import { type D1Meter, meteredD1 } from "./meter";
import * as schema from "./schema";

export type Db = DrizzleD1Database<typeof schema>;

export function openDb(d1: D1Database, meter: D1Meter): Db {
  return drizzle(meteredD1(d1, meter), { schema });
}
