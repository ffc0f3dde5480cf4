import { type Context, Hono } from "hono";
import { BalancerModel } from "../../../shared/balancer";
import { CreateRollout } from "../../../shared/rollouts";
import { allow } from "../../auth/admin";
import { admitModel } from "../../balancer/admission";
import { revisionDiff } from "../../balancer/revision-diff";
import { loadRevision, saveRevision } from "../../balancer/revisions";
import { coordinatorFor } from "../../coordinator/client";
import { ApiError } from "../../errors";
import { getPool } from "../../pools/store";
import { getRollout } from "../../rollouts/store";
import type { AppEnv } from "../../types";
import { emptyForm, type FormState, refusedForm, textOf, typedTextOf } from "../common/form-fields";
import { Layout } from "../common/layout";
import { flashOf, fragment, page, withFlash } from "../common/render";
import { PoolHeading } from "../common/tabs";
import { pathInWords } from "./issue-path";
import { type BalancerTabView, loadBalancerTab } from "./load";
import { BalancerLive, ModelEditor, RevisionList } from "./view";

type Issue = { where: string; message: string };

async function balancerPage(
  c: Context<AppEnv>,
  editor: { state: FormState; issues: Issue[] } | null = null,
) {
  const db = c.get("db");
  const view = await loadBalancerTab(c.env, db, c.req.param("poolId") ?? "");
  const session = c.get("session");
  const wanted = Number(c.req.query("diff") ?? view.newest?.revision ?? Number.NaN);
  const chosen = Number.isInteger(wanted) ? await loadRevision(db, view.pool.id, wanted) : null;
  const shown = chosen ? { revision: chosen.revision, diff: await revisionDiff(db, chosen) } : null;
  const model = view.newest ? `${JSON.stringify(view.newest.model, null, 2)}\n` : "";
  const problems = editor?.issues.length ?? 0;
  const flash =
    problems > 0
      ? {
          kind: "error" as const,
          message: `Not saved: ${problems === 1 ? "a problem" : `${problems} problems`} in the model, shown beside the editor`,
        }
      : flashOf(c);
  const form = editor ?? { state: { ...emptyForm(), values: { model } }, issues: [] };
  return page(
    c,
    <Layout
      title={`${view.pool.name} · Balancer`}
      health={view.pool.membersHealth ?? undefined}
      session={session}
      flash={flash}
    >
      <PoolHeading
        pool={{ ...view.pool, hostname: view.pool.failoverHostname }}
        active="balancer"
      />
      <div
        id="balancer-live"
        data-live-src={`/ui/pools/${view.pool.id}/balancer/fragment`}
        data-testid="balancer-live"
      >
        <BalancerLive view={view} session={session} />
      </div>
      <p class="live-status muted" data-live-status aria-live="polite" />
      <section aria-labelledby="revisions-heading">
        <h2 id="revisions-heading">Revisions</h2>
        <RevisionList view={view} shown={shown} session={session} />
      </section>
      <section aria-labelledby="editor-heading">
        <h2 id="editor-heading">Edit the model</h2>
        <ModelEditor
          poolId={view.pool.id}
          state={form.state}
          issues={form.issues}
          session={session}
        />
      </section>
    </Layout>,
  );
}

/** The API's issues (schema or admission) in words, each with the path of the field to fix. */
function issuesOf(issues: { path: string; message: string }[], model: unknown): Issue[] {
  return issues.map((issue) => ({ where: pathInWords(issue.path, model), message: issue.message }));
}

async function refusedEdit(c: Context<AppEnv>, text: string, issues: Issue[]) {
  c.status(400);
  return balancerPage(c, { state: refusedForm({ model: text }, {}), issues });
}

function backTo(poolId: string) {
  return `/pools/${poolId}/balancer`;
}

/** The pool's Balancer tab: the model with per-member states, parity, revisions, rollouts, the editor. */
export const balancerPages = new Hono<AppEnv>()
  .get("/pools/:poolId/balancer", (c) => balancerPage(c))
  .get("/ui/pools/:poolId/balancer/fragment", async (c) => {
    const view: BalancerTabView = await loadBalancerTab(c.env, c.get("db"), c.req.param("poolId"));
    return fragment(c, <BalancerLive view={view} session={c.get("session")} />);
  })
  .post("/ui/pools/:poolId/balancer", allow("operator"), async (c) => {
    const db = c.get("db");
    const pool = await getPool(db, c.req.param("poolId"));
    const fields = await c.req.parseBody({ all: true });
    const text = typedTextOf(fields, "model");
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch (error) {
      const message = `is not valid JSON: ${(error as Error).message}`;
      return refusedEdit(c, text, [{ where: "the model", message }]);
    }
    const parsed = BalancerModel.safeParse(json);
    if (!parsed.success) {
      const issues = parsed.error.issues.map((issue) => ({
        path: issue.path.map(String).join("."),
        message: issue.message,
      }));
      return refusedEdit(c, text, issuesOf(issues, json));
    }
    try {
      await admitModel(db, pool, parsed.data);
    } catch (error) {
      if (!(error instanceof ApiError) || error.status >= 500) throw error;
      const issues = error.issues?.length
        ? issuesOf(error.issues, json)
        : [{ where: "the model", message: error.message }];
      return refusedEdit(c, text, issues);
    }
    const saved = await saveRevision(db, pool, parsed.data, c.get("actor").id, Date.now());
    const message = saved.created
      ? `Saved revision ${saved.revision.revision}: roll it out to apply it`
      : `Nothing changed: revision ${saved.revision.revision} is already this model`;
    return c.redirect(withFlash(backTo(pool.id), { kind: "ok", message }), 303);
  })
  .post("/ui/pools/:poolId/balancer/rollouts", allow("operator"), async (c) => {
    const pool = await getPool(c.get("db"), c.req.param("poolId"));
    const fields = await c.req.parseBody({ all: true });
    const parsed = CreateRollout.safeParse({
      revision: Number(textOf(fields, "revision")),
      strategy: textOf(fields, "strategy") || "rolling",
    });
    if (!parsed.success) {
      const message = `Cannot roll out: ${parsed.error.issues[0]?.message ?? "invalid request"}`;
      return c.redirect(withFlash(backTo(pool.id), { kind: "error", message }), 303);
    }
    const outcome = await coordinatorFor(c.env, pool.id).startRollout(
      pool.id,
      parsed.data,
      c.get("actor").id,
    );
    if (!outcome.ok) {
      return c.redirect(
        withFlash(backTo(pool.id), { kind: "error", message: outcome.message }),
        303,
      );
    }
    const message = `Rollout of revision ${outcome.value.revision} started (${outcome.value.strategy})`;
    return c.redirect(withFlash(backTo(pool.id), { kind: "ok", message }), 303);
  })
  .post("/ui/pools/:poolId/rollouts/:rolloutId/abort", allow("operator"), async (c) => {
    const pool = await getPool(c.get("db"), c.req.param("poolId"));
    const rolloutId = c.req.param("rolloutId");
    await getRollout(c.get("db"), pool.id, rolloutId);
    const outcome = await coordinatorFor(c.env, pool.id).abortRollout(
      pool.id,
      rolloutId,
      c.get("actor").id,
    );
    const flash = outcome.ok
      ? { kind: "ok" as const, message: `Rollout of revision ${outcome.value.revision} aborted` }
      : { kind: "error" as const, message: outcome.message };
    return c.redirect(withFlash(backTo(pool.id), flash), 303);
  });
