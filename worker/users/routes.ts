import { Hono } from "hono";
import { PageQuery } from "../../shared/pagination";
import { CreateUser, UpdateUser } from "../../shared/users";
import { allow, authenticateAdmin } from "../auth/admin";
import type { AppEnv } from "../types";
import { validate } from "../validation";
import { createUser, deleteUser, listUsers, toUser, updateUser } from "./store";

/**
 * /api/v1/users, admins only. Mounted with the dashboard's routes (ahead of the admin API), so
 * it authenticates itself exactly as the admin API does.
 */
export const userApiRoutes = new Hono<AppEnv>()
  .use("*", authenticateAdmin, allow("admin"))
  .get("/", validate("query", PageQuery), async (c) => {
    const { items, nextCursor } = await listUsers(c.get("db"), c.req.valid("query"));
    return c.json({ users: items.map(toUser), nextCursor });
  })
  .post("/", validate("json", CreateUser), async (c) => {
    const row = await createUser(c.get("db"), c.req.valid("json"), c.get("actor").id, Date.now());
    return c.json({ user: toUser(row) }, 201);
  })
  .patch("/:userId", validate("json", UpdateUser), async (c) => {
    const userId = c.req.param("userId");
    const session = c.get("session");
    // Changing your own password keeps you signed in here and signs you out elsewhere.
    const keepCsrf = session?.userId === userId ? session.csrf : undefined;
    const row = await updateUser(
      c.get("db"),
      userId,
      c.req.valid("json"),
      c.get("actor").id,
      Date.now(),
      keepCsrf,
    );
    return c.json({ user: toUser(row) });
  })
  .delete("/:userId", async (c) => {
    const row = await deleteUser(c.get("db"), c.req.param("userId"), c.get("actor").id, Date.now());
    return c.json({ user: toUser(row), deleted: true });
  });
