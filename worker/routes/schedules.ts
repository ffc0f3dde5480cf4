import { Hono } from "hono";
import { PutSchedules } from "../../shared/schedules";
import { allow } from "../auth/admin";
import { coordinatorFor } from "../coordinator/client";
import { unwrap } from "../coordinator/outcome";
import { getMember } from "../members/store";
import { refuseRepeatedSchedules } from "../schedules/repeats";
import { listMemberSchedules } from "../schedules/store";
import type { AppEnv } from "../types";
import { validate } from "../validation";

/** A member's scheduled jobs. Changes go through the pool's coordinator, which hands them to the agent. */
export const scheduleRoutes = new Hono<AppEnv>()
  .get("/members/:memberId/schedules", async (c) => {
    const member = await getMember(c.get("db"), c.req.param("memberId"));
    return c.json({ schedules: await listMemberSchedules(c.get("db"), member) });
  })
  .put(
    "/members/:memberId/schedules",
    allow("operator"),
    validate("json", PutSchedules),
    async (c) => {
      const input = c.req.valid("json");
      refuseRepeatedSchedules(input);
      const member = await getMember(c.get("db"), c.req.param("memberId"));
      const coordinator = coordinatorFor(c.env, member.poolId);
      const schedules = unwrap(
        await coordinator.putSchedules(member.poolId, member.id, input, c.get("actor").id),
      );
      return c.json({ schedules });
    },
  );
