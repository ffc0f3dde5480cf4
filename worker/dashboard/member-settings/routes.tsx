import { type Context, Hono } from "hono";
import { allow } from "../../auth/admin";
import { coordinatorFor } from "../../coordinator/client";
import type { MemberRow } from "../../db/schema/members";
import { controlPlaneUrl, installCommand } from "../../members/install-command";
import { getMember } from "../../members/store";
import { getPool } from "../../pools/store";
import type { AppEnv } from "../../types";
import { emptyForm, type FormState, refusedForm } from "../common/form-fields";
import { Layout } from "../common/layout";
import { flashOf, page, withFlash } from "../common/render";
import { MemberHeading } from "../common/tabs";
import { canAdmin } from "../overview/pool-live";
import {
  changedFields,
  type FieldErrors,
  memberFormInput,
  memberFormOf,
  memberPatchFromForm,
  refusalErrors,
} from "./form";
import { MemberSettings } from "./view";

interface SettingsPageOptions {
  /** The refused input; the stored member's values otherwise. */
  state?: FormState;
  rotatedCommand?: string;
}

/** The Settings tab as stored, or the user's input with what is wrong with it. */
async function settingsPage(
  c: Context<AppEnv>,
  member: MemberRow,
  options: SettingsPageOptions = {},
) {
  const session = c.get("session");
  const pool = await getPool(c.get("db"), member.poolId);
  return page(
    c,
    <Layout title={`${member.name} · Settings`} session={session} flash={flashOf(c)}>
      <MemberHeading member={member} pool={pool} active="settings" />
      <MemberSettings
        member={member}
        active={pool.activeMemberId === member.id}
        stored={memberFormOf(member)}
        state={options.state ?? emptyForm()}
        session={session}
        canAdmin={canAdmin(session)}
        rotatedCommand={options.rotatedCommand}
      />
    </Layout>,
  );
}

/**
 * The member workspace's Settings tab. Changes go through the admin API's UpdateMember schema
 * and the coordinator's updateMember, rotateSecret and removeMember, as the API's do.
 */
export const memberSettingsPages = new Hono<AppEnv>()
  .get("/members/:memberId/settings", async (c) => {
    return settingsPage(c, await getMember(c.get("db"), c.req.param("memberId")));
  })
  .post("/members/:memberId/settings", allow("admin"), async (c) => {
    const member = await getMember(c.get("db"), c.req.param("memberId"));
    const input = memberFormInput(await c.req.parseBody({ all: true }));
    const refused = (errors: FieldErrors) => {
      c.status(400);
      return settingsPage(c, member, { state: refusedForm(input, errors) });
    };
    const patch = memberPatchFromForm(input, member);
    if (!patch.ok) return refused(patch.errors);
    const back = `/members/${member.id}/settings`;
    if (patch.value === null) {
      return c.redirect(withFlash(back, { kind: "ok", message: "Nothing changed" }), 303);
    }
    const coordinator = coordinatorFor(c.env, member.poolId);
    const updated = await coordinator.updateMember(
      member.poolId,
      member.id,
      patch.value,
      c.get("actor").id,
    );
    if (!updated.ok) return refused(refusalErrors(updated, input));
    const message = `Saved ${changedFields(patch.value)}`;
    return c.redirect(withFlash(back, { kind: "ok", message }), 303);
  })
  .post("/members/:memberId/settings/rotate-secret", allow("admin"), async (c) => {
    const member = await getMember(c.get("db"), c.req.param("memberId"));
    const coordinator = coordinatorFor(c.env, member.poolId);
    const rotated = await coordinator.rotateSecret(member.poolId, member.id, c.get("actor").id);
    if (!rotated.ok) {
      const flash = { kind: "error" as const, message: `Not rotated: ${rotated.message}` };
      return c.redirect(withFlash(`/members/${member.id}/settings`, flash), 303);
    }
    // The secret goes into this answer only: never into a redirect, a flash or a log.
    const base = controlPlaneUrl(c.get("config").publicUrl, c.req.url);
    const { releasePublicKey } = c.get("config");
    const rotatedCommand = installCommand(base, rotated.value.secret, releasePublicKey);
    return settingsPage(c, rotated.value.row, { rotatedCommand });
  })
  .post("/members/:memberId/settings/remove", allow("admin"), async (c) => {
    const member = await getMember(c.get("db"), c.req.param("memberId"));
    const coordinator = coordinatorFor(c.env, member.poolId);
    const removed = await coordinator.removeMember(member.poolId, member.id, c.get("actor").id);
    if (!removed.ok) {
      const flash = { kind: "error" as const, message: `Not removed: ${removed.message}` };
      return c.redirect(withFlash(`/members/${member.id}/settings`, flash), 303);
    }
    const flash = { kind: "ok" as const, message: `Removed ${member.name} (${member.hostname})` };
    return c.redirect(withFlash(`/pools/${member.poolId}`, flash), 303);
  });
