import { inArray } from "drizzle-orm";
import type { Db } from "../../db/client";
import { users } from "../../db/schema/users";

/**
 * Usernames of the dashboard users among `actorIds` (`user:<id>` → username), for pages that
 * say who did something. Other actors (tokens, schedules, agents, `system`) are not looked up.
 */
export async function actorNames(db: Db, actorIds: string[]): Promise<Map<string, string>> {
  const userIds = [...new Set(actorIds.filter((id) => id.startsWith("user:")))].map((id) =>
    id.slice("user:".length),
  );
  if (userIds.length === 0) return new Map();
  const rows = await db
    .select({ id: users.id, username: users.username })
    .from(users)
    .where(inArray(users.id, userIds));
  return new Map(rows.map((row) => [`user:${row.id}`, row.username]));
}
