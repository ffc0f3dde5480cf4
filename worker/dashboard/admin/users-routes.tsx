import { type Context, Hono } from "hono";
import { MAX_PAGE_SIZE } from "../../../shared/pagination";
import { CreateUser, UpdateUser } from "../../../shared/users";
import { allow } from "../../auth/admin";
import { attempt } from "../../coordinator/outcome";
import type { AppEnv } from "../../types";
import { lastSignIns } from "../../users/sessions";
import { createUser, deleteUser, getUser, listUsers, toUser, updateUser } from "../../users/store";
import {
  apiFieldErrors,
  emptyForm,
  type FormState,
  fieldErrors,
  firstSegment,
  refusedForm,
  textOf,
  typedTextOf,
} from "../common/form-fields";
import { type Flash, Layout } from "../common/layout";
import { flashOf, page, withFlash } from "../common/render";
import { requireRole } from "../session";
import { NewUserForm, UserCard } from "./users-view";

/** What a refused form sends back into the page. */
interface UsersPageState {
  create?: FormState;
  password?: { userId: string; error: string };
}

async function usersPage(c: Context<AppEnv>, state: UsersPageState = {}, flash?: Flash | null) {
  const db = c.get("db");
  const session = c.get("session");
  const [listed, signIns] = await Promise.all([
    listUsers(db, { limit: MAX_PAGE_SIZE }),
    lastSignIns(db),
  ]);
  const users = listed.items.map(toUser);
  const activeAdmins = users.filter((user) => user.role === "admin" && user.disabledAt === null);
  return page(
    c,
    <Layout title="Users" session={session} flash={flash === undefined ? flashOf(c) : flash}>
      <h1>Users</h1>
      <p class="muted">
        Every change here is recorded as an audit event with your name. The last active admin can be
        neither demoted nor deleted.
      </p>
      <section aria-labelledby="new-user-title">
        <h2 id="new-user-title">Add a user</h2>
        <NewUserForm csrf={session.csrf} state={state.create ?? emptyForm()} />
      </section>
      <section aria-labelledby="users-title">
        <h2 id="users-title">Users ({users.length})</h2>
        <ul class="cards user-list">
          {users.map((user) => (
            <UserCard
              user={user}
              lastSignInAt={signIns.get(user.id) ?? null}
              session={session}
              lastAdmin={activeAdmins.length === 1 && activeAdmins[0]?.id === user.id}
              passwordError={state.password?.userId === user.id ? state.password.error : undefined}
            />
          ))}
        </ul>
        {listed.nextCursor && (
          <p class="muted">
            Showing the first {MAX_PAGE_SIZE}; list the rest with <code>GET /api/v1/users</code>.
          </p>
        )}
      </section>
    </Layout>,
  );
}

function back(c: Context<AppEnv>, flash: Flash, to = "/users") {
  return c.redirect(withFlash(to, flash), 303);
}

/**
 * Users, admins only: the users API's store functions (createUser, updateUser, deleteUser), each
 * of which records its audit event with the acting user.
 */
export const userPages = new Hono<AppEnv>()
  .get("/users", requireRole("admin"), (c) => usersPage(c))
  .post("/ui/users", allow("admin"), async (c) => {
    const fields = await c.req.parseBody({ all: true });
    // The password is never put back into the page.
    const values = { username: textOf(fields, "username"), role: textOf(fields, "role") };
    const typed: Record<string, string> = { ...values, password: typedTextOf(fields, "password") };
    const parsed = CreateUser.safeParse(typed);
    if (!parsed.success) {
      const errors = fieldErrors(parsed.error.issues, firstSegment, (name) => typed[name] === "");
      c.status(400);
      return usersPage(c, { create: refusedForm(values, errors) }, null);
    }
    const created = await attempt(() =>
      createUser(c.get("db"), parsed.data, c.get("actor").id, Date.now()),
    );
    if (!created.ok) {
      c.status(created.code === "validation_failed" ? 400 : 409);
      const errors = apiFieldErrors(created.issues, created.message, firstSegment, "username");
      return usersPage(c, { create: refusedForm(values, errors) }, null);
    }
    const { username, role } = created.value;
    return back(c, { kind: "ok", message: `User ${username} (${role}) added` });
  })
  .post("/ui/users/:userId/role", allow("admin"), async (c) => {
    const db = c.get("db");
    const session = c.get("session");
    const user = await getUser(db, c.req.param("userId"));
    const update = UpdateUser.safeParse({ role: textOf(await c.req.parseBody(), "role") });
    if (!update.success) return back(c, { kind: "error", message: "Not changed: choose a role" });
    const changed = await attempt(() =>
      updateUser(db, user.id, update.data, c.get("actor").id, Date.now()),
    );
    if (!changed.ok) return back(c, { kind: "error", message: `Not changed: ${changed.message}` });
    const message = `${user.username} is now ${changed.value.role}`;
    // Demoting yourself ends your access to this page.
    const to = user.id === session.userId && changed.value.role !== "admin" ? "/" : "/users";
    return back(c, { kind: "ok", message }, to);
  })
  .post("/ui/users/:userId/password", allow("admin"), async (c) => {
    const db = c.get("db");
    const session = c.get("session");
    const user = await getUser(db, c.req.param("userId"));
    const password = typedTextOf(await c.req.parseBody(), "password");
    const update = UpdateUser.safeParse({ password });
    if (!update.success) {
      const errors = fieldErrors(update.error.issues, firstSegment, () => password === "");
      const error = errors.password ?? "Not a valid password";
      c.status(400);
      return usersPage(c, { password: { userId: user.id, error: `Not reset: ${error}` } }, null);
    }
    // Your own new password keeps this browser signed in and signs you out elsewhere.
    const keepCsrf = user.id === session.userId ? session.csrf : undefined;
    const changed = await attempt(() =>
      updateUser(db, user.id, update.data, c.get("actor").id, Date.now(), keepCsrf),
    );
    if (!changed.ok) return back(c, { kind: "error", message: `Not reset: ${changed.message}` });
    const message = `New password set for ${user.username}; their other sessions have ended`;
    return back(c, { kind: "ok", message });
  })
  .post("/ui/users/:userId/delete", allow("admin"), async (c) => {
    const deleted = await attempt(() =>
      deleteUser(c.get("db"), c.req.param("userId"), c.get("actor").id, Date.now()),
    );
    if (!deleted.ok) {
      return back(c, { kind: "error", message: `Not deleted: ${deleted.message}` });
    }
    return back(c, { kind: "ok", message: `User ${deleted.value.username} deleted` });
  });
