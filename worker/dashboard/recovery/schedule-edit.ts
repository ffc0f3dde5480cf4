import { Hono } from "hono";
import { PutSchedules } from "../../../shared/schedules";
import { allow } from "../../auth/admin";
import { coordinatorFor } from "../../coordinator/client";
import { ApiError } from "../../errors";
import { getMember } from "../../members/store";
import { getPool } from "../../pools/store";
import { refuseRepeatedSchedules } from "../../schedules/repeats";
import { listMemberSchedules } from "../../schedules/store";
import type { AppEnv } from "../../types";
import { refusedForm, textOf } from "../common/form-fields";
import { withFlash } from "../common/render";
import { recoveryPage } from "./routes";

const back = (poolId: string, memberId: string, kind: "ok" | "error", message: string) =>
  `${withFlash(`/pools/${poolId}/recovery`, { kind, message })}#backups-${memberId}`;

/**
 * The Disaster recovery tab's schedule editor: adding or removing one entry replaces the
 * member's list through the coordinator, exactly as the API's PUT …/schedules does.
 */
export const scheduleEditPages = new Hono<AppEnv>()
  .post("/ui/members/:memberId/schedules", allow("operator"), async (c) => {
    const db = c.get("db");
    const member = await getMember(db, c.req.param("memberId"));
    const pool = await getPool(db, member.poolId);
    const fields = await c.req.parseBody({ all: true });
    const values = { kind: textOf(fields, "kind"), cron: textOf(fields, "cron") };
    const refused = (errors: Record<string, string>) => {
      c.status(400);
      return recoveryPage(c, pool, {
        schedule: { memberId: member.id, state: refusedForm(values, errors) },
      });
    };
    const existing = await listMemberSchedules(db, member);
    const kept = existing.map(({ kind, cron }) => ({ kind, cron }));
    const parsed = PutSchedules.safeParse({ schedules: [...kept, values] });
    if (!parsed.success) {
      const errors: Record<string, string> = {};
      for (const issue of parsed.error.issues) {
        const [, index, field] = issue.path.map(String);
        const own = index === String(kept.length) && (field === "kind" || field === "cron");
        const name = own ? (field as string) : "form";
        errors[name] ??= values[name as "kind" | "cron"] === "" ? "required" : issue.message;
      }
      return refused(errors);
    }
    try {
      refuseRepeatedSchedules(parsed.data);
    } catch (error) {
      if (!(error instanceof ApiError)) throw error;
      return refused({ cron: `${values.kind} already runs at "${values.cron}" on ${member.name}` });
    }
    const outcome = await coordinatorFor(c.env, pool.id).putSchedules(
      pool.id,
      member.id,
      parsed.data,
      c.get("actor").id,
    );
    if (!outcome.ok) return refused({ form: `Not saved: ${outcome.message}` });
    const message = `Scheduled ${values.kind} at "${values.cron}" UTC on ${member.name}`;
    return c.redirect(back(pool.id, member.id, "ok", message), 303);
  })
  .post("/ui/members/:memberId/schedules/:scheduleId/remove", allow("operator"), async (c) => {
    const db = c.get("db");
    const member = await getMember(db, c.req.param("memberId"));
    const existing = await listMemberSchedules(db, member);
    const gone = existing.find((schedule) => schedule.id === c.req.param("scheduleId"));
    if (!gone) {
      const message = `Not removed: ${member.name} has no such schedule (already removed?)`;
      return c.redirect(back(member.poolId, member.id, "error", message), 303);
    }
    const schedules = existing
      .filter((schedule) => schedule !== gone)
      .map(({ kind, cron }) => ({ kind, cron }));
    const outcome = await coordinatorFor(c.env, member.poolId).putSchedules(
      member.poolId,
      member.id,
      { schedules },
      c.get("actor").id,
    );
    const flash = outcome.ok
      ? {
          kind: "ok" as const,
          message: `Removed ${gone.kind} at "${gone.cron}" from ${member.name}`,
        }
      : { kind: "error" as const, message: `Not removed: ${outcome.message}` };
    return c.redirect(back(member.poolId, member.id, flash.kind, flash.message), 303);
  });
