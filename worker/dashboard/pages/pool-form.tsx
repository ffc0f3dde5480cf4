import { Hono } from "hono";
import { CreatePool } from "../../../shared/pools";
import { allow } from "../../auth/admin";
import { attempt } from "../../coordinator/outcome";
import { createPool } from "../../pools/store";
import type { AppEnv, DashboardSession } from "../../types";
import { requireRole } from "../session";
import type { FieldErrors } from "../views/labelled-field";
import { Layout } from "../views/layout";
import { EMPTY_POOL_FORM, PoolForm, type PoolFormValues } from "../views/pool-form";
import { errorsOfRefusal, fieldErrorsOf, textFields } from "./form-refusals";
import { page, withFlash } from "./render";

/** The form's fields as typed, and the request body the API would take from them. */
export function poolRequestOf(fields: Record<string, string>) {
  const values: PoolFormValues = {
    name: fields.name ?? "",
    profile: fields.profile ?? "",
    failoverHostname: fields.failoverHostname ?? "",
    failoverDelayS: (fields.failoverDelayS ?? "").trim(),
    autoFailover: fields.autoFailover === "on",
  };
  const errors: FieldErrors = {};
  let delay: number | undefined;
  if (values.failoverDelayS !== "") {
    if (/^-?\d+$/.test(values.failoverDelayS)) delay = Number(values.failoverDelayS);
    else errors.failoverDelayS = "must be a whole number of seconds";
  }
  const parsed = CreatePool.safeParse({
    name: values.name,
    profile: values.profile,
    failoverHostname: values.failoverHostname,
    ...(delay === undefined ? {} : { failoverDelayS: delay }),
    autoFailover: values.autoFailover,
  });
  // A delay that is not a number keeps its own message over the schema's.
  if (!parsed.success) Object.assign(errors, { ...fieldErrorsOf(parsed.error.issues), ...errors });
  const request = parsed.success && Object.keys(errors).length === 0 ? parsed.data : null;
  return { values, errors, request };
}

/** The New pool page: empty, or as submitted with why it was refused. */
function newPoolPage(
  session: DashboardSession,
  values: PoolFormValues = EMPTY_POOL_FORM,
  errors: FieldErrors = {},
) {
  return (
    <Layout title="New pool" session={session} flash={null}>
      <p class="crumbs">
        <a href="/">Pools</a> ›
      </p>
      <h1>New pool</h1>
      <PoolForm csrf={session.csrf} values={values} errors={errors} />
    </Layout>
  );
}

/** New pool, admins only: the admin API's CreatePool and createPool, with the same audit event. */
export const poolFormPages = new Hono<AppEnv>()
  .get("/pools/new", requireRole("admin"), (c) => page(c, newPoolPage(c.get("session"))))
  .post("/ui/pools", allow("admin"), async (c) => {
    const session = c.get("session");
    const { values, errors, request } = poolRequestOf(textFields(await c.req.parseBody()));
    if (!request) {
      c.status(400);
      return page(c, newPoolPage(session, values, errors));
    }
    const created = await attempt(() =>
      createPool(c.get("db"), request, c.get("actor").id, Date.now()),
    );
    if (!created.ok) {
      // A taken hostname belongs to its field; anything else is said above the form.
      const field = created.code === "hostname_taken" ? "failoverHostname" : "form";
      c.status(created.code === "validation_failed" ? 400 : 409);
      return page(c, newPoolPage(session, values, errorsOfRefusal(created, field)));
    }
    const pool = created.value;
    const message = `Pool ${pool.name} created. Next: enroll its members and connect DNS.`;
    return c.redirect(withFlash(`/pools/${pool.id}`, { kind: "ok", message }), 303);
  });
