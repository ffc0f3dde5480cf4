import { Hono } from "hono";
import { CreatePool } from "../../../shared/pools";
import { allow } from "../../auth/admin";
import { attempt } from "../../coordinator/outcome";
import { createPool } from "../../pools/store";
import type { AppEnv, DashboardSession } from "../../types";
import {
  apiFieldErrors,
  emptyForm,
  type FormFields,
  type FormState,
  fieldErrors,
  firstSegment,
  numberOrText,
  refusedForm,
  textOf,
} from "../common/form-fields";
import { Layout } from "../common/layout";
import { page, withFlash } from "../common/render";
import { requireRole } from "../session";
import { PoolForm } from "./pool-form";

/** The form's fields as typed, and the request body the API would take from them. */
export function poolRequestOf(fields: FormFields): {
  values: Record<string, string>;
  errors: Record<string, string>;
  request: CreatePool | null;
} {
  const names = [
    "name",
    "profile",
    "failoverHostname",
    "failoverDelayS",
    "autoFailover",
    "allowPrivateAddresses",
  ];
  const values = Object.fromEntries(names.map((name) => [name, textOf(fields, name)]));
  const delay = numberOrText(values.failoverDelayS ?? "");
  const parsed = CreatePool.safeParse({
    name: values.name,
    profile: values.profile,
    failoverHostname: values.failoverHostname,
    ...(delay === undefined ? {} : { failoverDelayS: delay }),
    autoFailover: values.autoFailover === "on",
    allowPrivateAddresses: values.allowPrivateAddresses === "true",
  });
  if (parsed.success) return { values, errors: {}, request: parsed.data };
  const errors = fieldErrors(parsed.error.issues, firstSegment, (name) => values[name] === "");
  if (typeof delay === "string") errors.failoverDelayS = "must be a whole number of seconds";
  return { values, errors, request: null };
}

/** The New pool page: empty, or as submitted with why it was refused. */
function newPoolPage(session: DashboardSession, state: FormState = emptyForm()) {
  return (
    <Layout title="New pool" session={session} flash={null}>
      <p class="crumbs">
        <a href="/">Pools</a> ›
      </p>
      <h1>New pool</h1>
      <PoolForm csrf={session.csrf} state={state} />
    </Layout>
  );
}

/** New pool, admins only: the admin API's CreatePool and createPool, with the same audit event. */
export const poolFormPages = new Hono<AppEnv>()
  .get("/pools/new", requireRole("admin"), (c) => page(c, newPoolPage(c.get("session"))))
  .post("/ui/pools", allow("admin"), async (c) => {
    const session = c.get("session");
    const { values, errors, request } = poolRequestOf(await c.req.parseBody({ all: true }));
    if (!request) {
      c.status(400);
      return page(c, newPoolPage(session, refusedForm(values, errors)));
    }
    const created = await attempt(() =>
      createPool(c.get("db"), request, c.get("actor").id, Date.now()),
    );
    if (!created.ok) {
      // A taken hostname comes as an issue of its field; anything else is said above the form.
      const errors = apiFieldErrors(created.issues, created.message, firstSegment);
      c.status(created.code === "validation_failed" ? 400 : 409);
      return page(c, newPoolPage(session, refusedForm(values, errors)));
    }
    const pool = created.value;
    const message = `Pool ${pool.name} created. Next: enroll its members and connect DNS.`;
    return c.redirect(withFlash(`/pools/${pool.id}`, { kind: "ok", message }), 303);
  });
