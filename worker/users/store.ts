import { and, asc, eq, gt, isNotNull, ne, or, type SQL, sql } from "drizzle-orm";
import type { PageQuery } from "../../shared/pagination";
import type { CreateUser, UpdateUser, User } from "../../shared/users";
import type { Db } from "../db/client";
import { type UserRow, users } from "../db/schema/users";
import { ApiError } from "../errors";
import { insertEvent } from "../events/store";
import { newId } from "../lib/ids";
import { page } from "../lib/page";
import { hashPassword } from "./passwords";
import { endUserSessions } from "./sessions";

export function toUser(row: UserRow): User {
  const { id, username, role, createdAt, updatedAt, disabledAt } = row;
  return { id, username, role, createdAt, updatedAt, disabledAt };
}

/** Whether anyone can sign in yet; until then the dashboard sends people to /setup. */
export async function hasUsers(db: Db): Promise<boolean> {
  const row = await db.select({ id: users.id }).from(users).limit(1).get();
  return row !== undefined;
}

function usernameIs(username: string): SQL {
  // Matches the expression of the unique index users_username_lower, so the index serves it.
  return sql`lower(${users.username}) = ${username.toLowerCase()}`;
}

export async function findUserByUsername(db: Db, username: string) {
  return db.select().from(users).where(usernameIs(username.trim())).get();
}

export async function getUser(db: Db, userId: string): Promise<UserRow> {
  const row = await db.select().from(users).where(eq(users.id, userId)).get();
  if (!row) throw new ApiError("not_found", `User ${userId} does not exist`);
  return row;
}

function usernameTaken(username: string) {
  return new ApiError("username_taken", `The username ${username} is taken (case does not count)`);
}

async function newUserRow(input: CreateUser, now: number): Promise<UserRow> {
  return {
    id: newId("usr", now),
    username: input.username,
    role: input.role,
    ...(await hashPassword(input.password)),
    createdAt: now,
    updatedAt: now,
    disabledAt: null,
  };
}

export async function createUser(db: Db, input: CreateUser, actor: string, now: number) {
  if (await findUserByUsername(db, input.username)) throw usernameTaken(input.username);
  const row = await newUserRow(input, now);
  try {
    await db.batch([
      db.insert(users).values(row),
      insertEvent(
        db,
        {
          poolId: null,
          type: "user.created",
          actor,
          message: `User ${row.username} (${row.role}) created`,
          data: { userId: row.id },
        },
        now,
      ),
    ]);
  } catch (error) {
    // Two requests racing for one name: the unique index decides.
    if (String(error).includes("UNIQUE constraint failed")) throw usernameTaken(input.username);
    throw error;
  }
  return row;
}

/**
 * Creates the first admin, authorised by the bootstrap token; null when a user exists already.
 * The insert itself checks that the table is empty, so two racing setups cannot both succeed.
 */
export async function createFirstAdmin(
  db: Db,
  input: Omit<CreateUser, "role">,
  now: number,
): Promise<UserRow | null> {
  const row = await newUserRow({ ...input, role: "admin" }, now);
  const inserted = await db.run(sql`
    INSERT INTO users (id, username, role, password_hash, password_salt, password_iterations,
      created_at, updated_at, disabled_at)
    SELECT ${row.id}, ${row.username}, ${row.role}, ${row.passwordHash}, ${row.passwordSalt},
      ${row.passwordIterations}, ${now}, ${now}, NULL
    WHERE NOT EXISTS (SELECT 1 FROM users)`);
  if (inserted.meta.changes !== 1) return null;
  await insertEvent(
    db,
    {
      poolId: null,
      type: "user.created",
      actor: "bootstrap",
      message: `First admin ${row.username} created through /setup`,
      data: { userId: row.id, via: "setup" },
    },
    now,
  ).run();
  return row;
}

/** Users oldest first. */
export async function listUsers(db: Db, query: PageQuery) {
  const rows = await db
    .select()
    .from(users)
    .where(query.cursor ? gt(users.id, query.cursor) : undefined)
    .orderBy(asc(users.id))
    .limit(query.limit + 1);
  return page(rows, query.limit);
}

/**
 * The condition under which `userId` may stop being an active admin: it is not one now, or
 * another active admin remains. Part of the write itself, so two admins demoting each other at
 * once cannot leave none.
 */
function mayStopBeingAdmin(userId: string): SQL | undefined {
  return or(
    ne(users.role, "admin"),
    isNotNull(users.disabledAt),
    sql`EXISTS (SELECT 1 FROM users AS other WHERE other.role = 'admin'
      AND other.disabled_at IS NULL AND other.id <> ${userId})`,
  );
}

function lastAdmin(username: string) {
  return new ApiError(
    "last_admin",
    `${username} is the last active admin; make another user admin first`,
  );
}

function describeChange(update: UpdateUser): string {
  const parts: string[] = [];
  if (update.role) parts.push(`role ${update.role}`);
  if (update.password) parts.push("password changed");
  if (update.disabled !== undefined) parts.push(update.disabled ? "disabled" : "enabled");
  return parts.join(", ");
}

/**
 * Changes a user's role, password or disabled state. Disabling ends all their sessions; a new
 * password ends all but `keepCsrf`'s (the caller's own, when they change their own password).
 */
export async function updateUser(
  db: Db,
  userId: string,
  update: UpdateUser,
  actor: string,
  now: number,
  keepCsrf?: string,
): Promise<UserRow> {
  const row = await getUser(db, userId);
  const next: Partial<UserRow> = { updatedAt: now };
  if (update.role) next.role = update.role;
  if (update.password) Object.assign(next, await hashPassword(update.password));
  if (update.disabled !== undefined) {
    next.disabledAt = update.disabled ? (row.disabledAt ?? now) : null;
  }
  const staysActiveAdmin =
    (next.role ?? row.role) === "admin" &&
    (next.disabledAt === undefined ? row.disabledAt : next.disabledAt) === null;
  const updated = await db
    .update(users)
    .set(next)
    .where(and(eq(users.id, userId), staysActiveAdmin ? undefined : mayStopBeingAdmin(userId)))
    .returning()
    .get();
  if (!updated) throw lastAdmin(row.username);
  const endSessions = update.disabled === true ? endUserSessions(db, userId) : undefined;
  const endOtherSessions =
    !endSessions && update.password ? endUserSessions(db, userId, keepCsrf) : undefined;
  const event = insertEvent(
    db,
    {
      poolId: null,
      type: "user.updated",
      actor,
      message: `User ${row.username}: ${describeChange(update)}`,
      data: { userId, ...(update.role ? { role: update.role } : {}), disabled: update.disabled },
    },
    now,
  );
  const sessionsEnd = endSessions ?? endOtherSessions;
  await (sessionsEnd ? db.batch([sessionsEnd, event]) : event.run());
  return updated;
}

/** Deletes a user; their sessions go with them (foreign key cascade). */
export async function deleteUser(db: Db, userId: string, actor: string, now: number) {
  const row = await getUser(db, userId);
  const deleted = await db
    .delete(users)
    .where(and(eq(users.id, userId), mayStopBeingAdmin(userId)))
    .returning()
    .get();
  if (!deleted) throw lastAdmin(row.username);
  await insertEvent(
    db,
    {
      poolId: null,
      type: "user.deleted",
      actor,
      message: `User ${row.username} deleted`,
      data: { userId },
    },
    now,
  ).run();
  return row;
}
