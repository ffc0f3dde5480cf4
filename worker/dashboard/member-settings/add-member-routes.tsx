import { type Context, Hono } from "hono";
import type { Child } from "hono/jsx";
import { allow } from "../../auth/admin";
import { coordinatorFor } from "../../coordinator/client";
import type { PoolRow } from "../../db/schema/pools";
import { controlPlaneUrl, installCommand } from "../../members/install-command";
import { getMember } from "../../members/store";
import { getPool } from "../../pools/store";
import type { AppEnv } from "../../types";
import { emptyForm, type FormState, refusedForm } from "../common/form-fields";
import { Layout } from "../common/layout";
import { flashOf, fragment, page } from "../common/render";
import { canAdmin } from "../overview/pool-live";
import { AddMemberForm, Enrolled, FirstHeartbeatView } from "./add-member-view";
import { balancerSyncOf } from "./balancer-sync";
import { firstHeartbeat } from "./first-heartbeat";
import { createMemberFromForm, type FieldErrors, memberFormInput, refusalErrors } from "./form";

function addMemberPage(c: Context<AppEnv>, pool: PoolRow, body: Child) {
  return page(
    c,
    <Layout title={`Add member · ${pool.name}`} session={c.get("session")} flash={flashOf(c)}>
      <p class="crumbs">
        <a href={`/pools/${pool.id}`}>{pool.name}</a> ›
      </p>
      <h1>Add member</h1>
      <p class="muted">
        {pool.failoverHostname} · {pool.profile} pool
      </p>
      {body}
    </Layout>,
  );
}

function formPage(c: Context<AppEnv>, pool: PoolRow, state: FormState) {
  const session = c.get("session");
  return addMemberPage(
    c,
    pool,
    <AddMemberForm poolId={pool.id} state={state} session={session} canAdmin={canAdmin(session)} />,
  );
}

/**
 * Add member: enrolls through the coordinator's enrollMember with the API's CreateMember schema,
 * as POST /api/v1/pools/:poolId/members does, and answers (200, never a redirect: the secret must
 * not travel in a URL) with the install command and the first heartbeat arriving.
 */
export const addMemberPages = new Hono<AppEnv>()
  .get("/pools/:poolId/members/new", async (c) => {
    const pool = await getPool(c.get("db"), c.req.param("poolId"));
    return formPage(c, pool, emptyForm());
  })
  .post("/pools/:poolId/members/new", allow("admin"), async (c) => {
    const pool = await getPool(c.get("db"), c.req.param("poolId"));
    const input = memberFormInput(await c.req.parseBody({ all: true }));
    const refused = (errors: FieldErrors) => {
      c.status(400);
      return formPage(c, pool, refusedForm(input, errors));
    };
    const create = createMemberFromForm(input);
    if (!create.ok) return refused(create.errors);
    const coordinator = coordinatorFor(c.env, pool.id);
    const enrolled = await coordinator.enrollMember(pool, create.value, c.get("actor").id);
    if (!enrolled.ok) return refused(refusalErrors(enrolled, input));
    const { row, secret } = enrolled.value;
    const command = installCommand(
      controlPlaneUrl(c.get("config").publicUrl, c.req.url),
      secret,
      c.get("config").releasePublicKey,
    );
    return addMemberPage(c, pool, <Enrolled member={row} poolId={pool.id} command={command} />);
  })
  .get("/ui/members/:memberId/first-heartbeat/fragment", async (c) => {
    const member = await getMember(c.get("db"), c.req.param("memberId"));
    const [first, sync] = await Promise.all([
      firstHeartbeat(c.get("db"), member),
      balancerSyncOf(c.get("db"), member),
    ]);
    return fragment(
      c,
      <FirstHeartbeatView memberId={member.id} name={member.name} first={first} sync={sync} />,
    );
  });
