import { Hono } from "hono";
import { CreateMember, UpdateMember } from "../../shared/members";
import { PageQuery } from "../../shared/pagination";
import { allow } from "../auth/admin";
import { coordinatorFor } from "../coordinator/client";
import { unwrap } from "../coordinator/outcome";
import { controlPlaneUrl, installCommand } from "../members/install-command";
import { getMember, listMembers, toMember } from "../members/store";
import { getPool } from "../pools/store";
import type { AppEnv } from "../types";
import { validate } from "../validation";

async function liveState(env: Env, poolId: string) {
  const live = await coordinatorFor(env, poolId).snapshot(poolId);
  return new Map(live.map((member) => [member.memberId, member]));
}

/** Reads go to D1; changes go through the pool's coordinator, which holds the members' secrets. */
export const memberRoutes = new Hono<AppEnv>()
  .post("/pools/:poolId/members", allow("admin"), validate("json", CreateMember), async (c) => {
    const pool = await getPool(c.get("db"), c.req.param("poolId"));
    const coordinator = coordinatorFor(c.env, pool.id);
    const enrolled = await coordinator.enrollMember(pool, c.req.valid("json"), c.get("actor").id);
    const { row, secret } = unwrap(enrolled);
    const command = installCommand(
      controlPlaneUrl(c.get("config").publicUrl, c.req.url),
      secret,
      c.get("config").releasePublicKey,
    );
    return c.json({ member: toMember(row), secret, installCommand: command }, 201);
  })
  .get("/pools/:poolId/members", validate("query", PageQuery), async (c) => {
    const pool = await getPool(c.get("db"), c.req.param("poolId"));
    const { items, nextCursor } = await listMembers(c.get("db"), pool.id, c.req.valid("query"));
    const live = await liveState(c.env, pool.id);
    return c.json({ members: items.map((row) => toMember(row, live.get(row.id))), nextCursor });
  })
  .get("/members/:memberId", async (c) => {
    const row = await getMember(c.get("db"), c.req.param("memberId"));
    const live = await liveState(c.env, row.poolId);
    return c.json({ member: toMember(row, live.get(row.id)) });
  })
  .patch("/members/:memberId", allow("admin"), validate("json", UpdateMember), async (c) => {
    const { poolId, id } = await getMember(c.get("db"), c.req.param("memberId"));
    const coordinator = coordinatorFor(c.env, poolId);
    const row = unwrap(
      await coordinator.updateMember(poolId, id, c.req.valid("json"), c.get("actor").id),
    );
    const live = await liveState(c.env, poolId);
    return c.json({ member: toMember(row, live.get(row.id)) });
  })
  .post("/members/:memberId/rotate-secret", allow("admin"), async (c) => {
    const { poolId, id } = await getMember(c.get("db"), c.req.param("memberId"));
    const { row, secret } = unwrap(
      await coordinatorFor(c.env, poolId).rotateSecret(poolId, id, c.get("actor").id),
    );
    const command = installCommand(
      controlPlaneUrl(c.get("config").publicUrl, c.req.url),
      secret,
      c.get("config").releasePublicKey,
    );
    const live = await liveState(c.env, poolId);
    return c.json({ member: toMember(row, live.get(row.id)), secret, installCommand: command });
  })
  .delete("/members/:memberId", allow("admin"), async (c) => {
    const { poolId, id } = await getMember(c.get("db"), c.req.param("memberId"));
    const row = unwrap(
      await coordinatorFor(c.env, poolId).removeMember(poolId, id, c.get("actor").id),
    );
    return c.json({ member: toMember(row), deleted: true });
  });
