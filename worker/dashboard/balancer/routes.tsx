import { type Context, Hono } from "hono";
import { BalancerModel } from "../../../shared/balancer";
import { CreateRollout } from "../../../shared/rollouts";
import { allow } from "../../auth/admin";
import { saveBalancerModel, savedInWords } from "../../balancer/save";
import { coordinatorFor } from "../../coordinator/client";
import { ApiError } from "../../errors";
import { getPool } from "../../pools/store";
import { getRollout } from "../../rollouts/store";
import type { AppEnv } from "../../types";
import { refusedForm, textOf, typedTextOf } from "../common/form-fields";
import { fragment, withFlash } from "../common/render";
import { submitBalancerForm } from "./form/submit";
import { pathInWords } from "./issue-path";
import { type BalancerTabView, loadBalancerTab } from "./load";
import { balancerPage, type Issue } from "./page";
import { BalancerLive } from "./view";

/** The API's issues (schema or admission) in words, each with the path of the field to fix. */
function issuesOf(issues: { path: string; message: string }[], model: unknown): Issue[] {
  return issues.map((issue) => ({ where: pathInWords(issue.path, model), message: issue.message }));
}

async function refusedEdit(c: Context<AppEnv>, text: string, issues: Issue[]) {
  c.status(400);
  return balancerPage(c, { json: { state: refusedForm({ model: text }, {}), issues } });
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
    let saved: Awaited<ReturnType<typeof saveBalancerModel>>;
    try {
      saved = await saveBalancerModel(db, pool, parsed.data, c.get("actor").id, Date.now());
    } catch (error) {
      if (!(error instanceof ApiError) || error.status >= 500) throw error;
      const issues = error.issues?.length
        ? issuesOf(error.issues, json)
        : [{ where: "the model", message: error.message }];
      return refusedEdit(c, text, issues);
    }
    const message = savedInWords(saved);
    return c.redirect(withFlash(backTo(pool.id), { kind: "ok", message }), 303);
  })
  .post("/ui/pools/:poolId/balancer/form", allow("operator"), async (c) => {
    const pool = await getPool(c.get("db"), c.req.param("poolId"));
    const fields = await c.req.parseBody({ all: true });
    const outcome = await submitBalancerForm(
      c.get("db"),
      pool,
      fields,
      c.get("actor").id,
      Date.now(),
    );
    if (outcome.kind === "edited") {
      return balancerPage(c, { form: { draft: outcome.draft, errors: {}, focus: outcome.focus } });
    }
    if (outcome.kind === "refused") {
      c.status(400);
      return balancerPage(c, {
        form: { draft: outcome.draft, errors: outcome.errors, focus: null },
      });
    }
    const message = savedInWords(outcome.saved);
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
