import { asc, eq } from "drizzle-orm";
import { type Context, Hono } from "hono";
import { DEFAULT_ALERT_EVENTS } from "../../../shared/alerts";
import { DeletePoolQuery } from "../../../shared/pools";
import { heartbeatIntervalFor } from "../../../shared/protocol";
import {
  findAlertRow,
  removeAlertSettings,
  saveAlertSettings,
  toAlertView,
  withStoredAlertSecret,
} from "../../alerts/settings";
import { allow } from "../../auth/admin";
import { coordinatorFor } from "../../coordinator/client";
import { dnsSettings } from "../../db/schema/dns";
import { members } from "../../db/schema/members";
import type { PoolRow } from "../../db/schema/pools";
import { requireSecretsKey } from "../../dns/settings";
import { ApiError } from "../../errors";
import { deletePool, getPool, updatePool } from "../../pools/store";
import type { AppEnv } from "../../types";
import { apiFieldErrors, emptyForm, type FormState, firstSegment } from "../common/form-fields";
import { Layout } from "../common/layout";
import { flashOf, page, withFlash } from "../common/render";
import { PoolHeading } from "../common/tabs";
import { alertInputFromForm, changedSettings, checkAlertInput, poolSettingsFromForm } from "./form";
import { RunningCost } from "./running-cost";
import { DeletePool, PoolSettingsForm } from "./view";
import { WebhookForm } from "./webhook-form";
import { WebhookTest, type WebhookTestShown } from "./webhook-test";

const LABEL: Record<string, string> = {
  name: "name",
  failoverHostname: "failover hostname",
  failoverDelayS: "failover delay",
  profile: "profile",
  autoFailover: "automatic failover",
  preferredPrimaryId: "preferred primary",
  failbackHoldDownS: "failback hold-down",
};

interface SettingsExtras {
  poolForm?: FormState;
  webhookForm?: { state: FormState; typedSecret: boolean };
  webhookTest?: WebhookTestShown;
}

async function settingsPage(c: Context<AppEnv>, pool: PoolRow, extras: SettingsExtras = {}) {
  const db = c.get("db");
  const session = c.get("session");
  const canAdmin = session.role === "admin";
  const [memberRows, alertRow, dns] = await Promise.all([
    db
      .select({ id: members.id, name: members.name })
      .from(members)
      .where(eq(members.poolId, pool.id))
      .orderBy(asc(members.name)),
    findAlertRow(db, pool.id),
    db
      .select({ mode: dnsSettings.mode })
      .from(dnsSettings)
      .where(eq(dnsSettings.poolId, pool.id))
      .get(),
  ]);
  const heading = {
    id: pool.id,
    name: pool.name,
    hostname: pool.failoverHostname,
    profile: pool.profile,
  };
  return page(
    c,
    <Layout
      title={`${pool.name} · Settings`}
      health={pool.membersHealth ?? undefined}
      session={session}
      flash={flashOf(c)}
    >
      <PoolHeading pool={heading} active="settings" />
      <section aria-labelledby="pool-settings-title" class="tab-section">
        <h2 id="pool-settings-title">Pool and failover</h2>
        <PoolSettingsForm
          pool={pool}
          members={memberRows}
          dnsMode={dns?.mode ?? null}
          state={extras.poolForm ?? emptyForm()}
          session={session}
          canAdmin={canAdmin}
        />
      </section>
      <section aria-labelledby="webhook-title" class="tab-section">
        <h2 id="webhook-title">Webhook alerts</h2>
        <WebhookForm
          poolId={pool.id}
          stored={alertRow ? toAlertView(alertRow, canAdmin) : null}
          defaults={DEFAULT_ALERT_EVENTS}
          state={extras.webhookForm?.state ?? emptyForm()}
          typedSecret={extras.webhookForm?.typedSecret ?? false}
          session={session}
          canAdmin={canAdmin}
        />
        <WebhookTest
          poolId={pool.id}
          saved={alertRow !== undefined}
          shown={extras.webhookTest ?? null}
          session={session}
          canAdmin={canAdmin}
        />
      </section>
      <section aria-labelledby="running-cost-title" class="tab-section">
        <h2 id="running-cost-title">What it costs to run</h2>
        <RunningCost
          members={memberRows.length}
          intervalMs={heartbeatIntervalFor(
            c.get("config").heartbeatIntervalMs,
            pool.failoverDelayS,
          )}
        />
      </section>
      <section aria-labelledby="delete-title" class="tab-section danger-zone">
        <h2 id="delete-title">Delete the pool</h2>
        <p class="muted">
          {memberRows.length > 0
            ? "It still has members: tick the box below to remove them with it."
            : "It has no members."}
        </p>
        <DeletePool
          pool={pool}
          memberCount={memberRows.length}
          session={session}
          canAdmin={canAdmin}
        />
      </section>
    </Layout>,
  );
}

const back = (pool: PoolRow, kind: "ok" | "error", message: string) =>
  withFlash(`/pools/${pool.id}/settings`, { kind, message });

/**
 * The pool's Settings tab: the admin API's PATCH /pools/:poolId (pause and resume through the
 * coordinator, like the overview's buttons), its webhook alerts, and deleting it.
 */
export const poolSettingsPages = new Hono<AppEnv>()
  .get("/pools/:poolId/settings", async (c) =>
    settingsPage(c, await getPool(c.get("db"), c.req.param("poolId"))),
  )
  .post("/ui/pools/:poolId/settings", allow("admin"), async (c) => {
    const db = c.get("db");
    const actor = c.get("actor").id;
    const pool = await getPool(db, c.req.param("poolId"));
    const form = poolSettingsFromForm(await c.req.parseBody({ all: true }));
    if (!form.ok) {
      c.status(400);
      return settingsPage(c, pool, { poolForm: form.state });
    }
    const { autoFailover, ...patch } = changedSettings(pool, form.value);
    const coordinator = coordinatorFor(c.env, pool.id);
    if (Object.keys(patch).length > 0) {
      try {
        const after = await updatePool(db, pool.id, patch, actor, Date.now());
        await coordinator.poolChanged(after);
      } catch (error) {
        if (!(error instanceof ApiError)) throw error;
        const errors = apiFieldErrors(error.issues, error.message, firstSegment);
        c.status(400);
        return settingsPage(c, pool, { poolForm: { ...form.state, errors } });
      }
    }
    // Pausing and resuming go through the coordinator, which writes the flag, records the
    // event and (on resume) looks at the active at once, exactly as the overview's buttons do.
    if (autoFailover !== undefined) {
      const outcome = await coordinator.setAutoFailover(pool.id, autoFailover, actor);
      if (!outcome.ok) return c.redirect(back(pool, "error", outcome.message), 303);
    }
    const changed = [
      ...Object.keys(patch),
      ...(autoFailover === undefined ? [] : ["autoFailover"]),
    ];
    const message =
      changed.length === 0
        ? "Nothing to save: the settings were already so"
        : `Saved: ${changed.map((name) => LABEL[name] ?? name).join(", ")}`;
    return c.redirect(back(pool, "ok", message), 303);
  })
  .post("/ui/pools/:poolId/alerts", allow("admin"), async (c) => {
    const db = c.get("db");
    const pool = await getPool(db, c.req.param("poolId"));
    const { input, state, typedSecret } = alertInputFromForm(await c.req.parseBody({ all: true }));
    let key: string;
    try {
      key = requireSecretsKey(c.get("config").secretsKey);
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      c.status(400);
      return settingsPage(c, pool, {
        webhookForm: { state: { ...state, errors: { form: message } }, typedSecret },
      });
    }
    const filled = await withStoredAlertSecret(db, key, pool.id, input);
    const checked = checkAlertInput(filled.input, state, c.get("config"));
    if (!checked.ok) {
      c.status(400);
      return settingsPage(c, pool, { webhookForm: { state: checked.state, typedSecret } });
    }
    try {
      const config = c.get("config");
      await saveAlertSettings(
        db,
        key,
        pool.id,
        checked.value,
        config,
        c.get("actor").id,
        Date.now(),
      );
    } catch (error) {
      if (!(error instanceof ApiError)) throw error;
      const errors = apiFieldErrors(error.issues, error.message, firstSegment);
      c.status(400);
      return settingsPage(c, pool, {
        webhookForm: { state: { ...checked.state, errors }, typedSecret },
      });
    }
    await coordinatorFor(c.env, pool.id).alertsChanged(pool.id);
    const kept = filled.kept ? "; the stored secret was kept" : "";
    const status = checked.value.enabled ? "on" : "off";
    return c.redirect(back(pool, "ok", `Webhook saved (${status})${kept}`), 303);
  })
  .post("/ui/pools/:poolId/alerts/test", allow("admin"), async (c) => {
    const pool = await getPool(c.get("db"), c.req.param("poolId"));
    const coordinator = coordinatorFor(c.env, pool.id);
    const outcome = await coordinator.testAlert(pool.id, c.get("actor").id);
    const webhookTest = outcome.ok
      ? outcome.value
      : { ok: false as const, refused: outcome.message };
    return settingsPage(c, pool, { webhookTest });
  })
  .post("/ui/pools/:poolId/alerts/remove", allow("admin"), async (c) => {
    const db = c.get("db");
    const pool = await getPool(db, c.req.param("poolId"));
    await removeAlertSettings(db, pool.id, c.get("actor").id, Date.now());
    await coordinatorFor(c.env, pool.id).alertsChanged(pool.id);
    return c.redirect(back(pool, "ok", "Webhook removed: no alerts are sent"), 303);
  })
  .post("/ui/pools/:poolId/delete", allow("admin"), async (c) => {
    const db = c.get("db");
    const pool = await getPool(db, c.req.param("poolId"));
    const body = await c.req.parseBody();
    const { force } = DeletePoolQuery.parse({ force: body.force === "true" ? "true" : "false" });
    try {
      await deletePool(db, pool.id, force, c.get("actor").id, Date.now());
    } catch (error) {
      if (!(error instanceof ApiError)) throw error;
      const message =
        error.code === "pool_not_empty"
          ? `Not deleted: ${pool.name} still has members. Tick "Also remove its members" to delete them with it.`
          : `Not deleted: ${error.message}`;
      return c.redirect(back(pool, "error", message), 303);
    }
    await coordinatorFor(c.env, pool.id).poolDeleted();
    return c.redirect(withFlash("/", { kind: "ok", message: `Pool ${pool.name} deleted` }), 303);
  });
