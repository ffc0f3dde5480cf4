import { type Context, Hono } from "hono";
import { allow } from "../../auth/admin";
import { coordinatorFor } from "../../coordinator/client";
import type { Outcome } from "../../coordinator/outcome";
import { getMember } from "../../members/store";
import { getPool } from "../../pools/store";
import type { AppEnv } from "../../types";
import { withFlash } from "../common/render";

/**
 * Runs a coordinator action and sends the browser back to the pool's page (303) with what
 * happened, or why the coordinator refused, as a flash.
 */
async function act<T>(
  c: Context<AppEnv>,
  poolId: string,
  run: () => Promise<Outcome<T>>,
  done: (value: T) => string | Promise<string>,
  back = `/pools/${poolId}`,
) {
  const outcome = await run();
  if (!outcome.ok)
    return c.redirect(withFlash(back, { kind: "error", message: outcome.message }), 303);
  return c.redirect(withFlash(back, { kind: "ok", message: await done(outcome.value) }), 303);
}

/** The overview's buttons: the same coordinator methods as the admin API's failover routes. */
export const dashboardActions = new Hono<AppEnv>()
  .post("/ui/pools/:poolId/next", allow("operator"), async (c) => {
    const pool = await getPool(c.get("db"), c.req.param("poolId"));
    const coordinator = coordinatorFor(c.env, pool.id);
    return act(
      c,
      pool.id,
      () => coordinator.cutToNextStandby(pool.id, c.get("actor").id),
      async (after) => {
        const active = after.activeMemberId
          ? await getMember(c.get("db"), after.activeMemberId)
          : null;
        return `Traffic moved to ${active?.name ?? "the next standby"}`;
      },
    );
  })
  .post("/ui/pools/:poolId/:action{pause|resume}", allow("operator"), async (c) => {
    const pool = await getPool(c.get("db"), c.req.param("poolId"));
    const enabled = c.req.param("action") === "resume";
    const coordinator = coordinatorFor(c.env, pool.id);
    return act(
      c,
      pool.id,
      () => coordinator.setAutoFailover(pool.id, enabled, c.get("actor").id),
      () => (enabled ? "Automatic failover resumed" : "Automatic failover paused"),
    );
  })
  .post("/ui/members/:memberId/make-active", allow("operator"), async (c) => {
    const member = await getMember(c.get("db"), c.req.param("memberId"));
    const coordinator = coordinatorFor(c.env, member.poolId);
    return act(
      c,
      member.poolId,
      () => coordinator.makeActive(member.poolId, member.id, c.get("actor").id),
      () => `${member.name} is now active`,
    );
  })
  .post("/ui/members/:memberId/:action{drain|undrain}", allow("operator"), async (c) => {
    const member = await getMember(c.get("db"), c.req.param("memberId"));
    const draining = c.req.param("action") === "drain";
    const coordinator = coordinatorFor(c.env, member.poolId);
    return act(
      c,
      member.poolId,
      () => coordinator.drain(member.poolId, member.id, draining, c.get("actor").id),
      () => (draining ? `${member.name} is draining` : `${member.name} takes traffic again`),
    );
  })
  .post("/ui/members/:memberId/balancer/reapply", allow("operator"), async (c) => {
    const member = await getMember(c.get("db"), c.req.param("memberId"));
    const coordinator = coordinatorFor(c.env, member.poolId);
    // From the Balancer tab's parity table back to it; from a member card to the overview.
    const fromTab = (await c.req.parseBody()).back === "balancer";
    return act(
      c,
      member.poolId,
      () => coordinator.reapplyLive(member.poolId, member.id, c.get("actor").id),
      (rollout) => `Putting balancer revision ${rollout.revision} back on ${member.name}`,
      fromTab ? `/pools/${member.poolId}/balancer` : undefined,
    );
  });
