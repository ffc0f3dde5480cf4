import { Hono } from "hono";
import installScript from "../../install.sh";
import type { AppEnv } from "../types";

const URL_PLACEHOLDER = "__BATON_URL__";

/** `GET /install.sh`: the one-line installer, with this control plane's URL filled in. */
export const installRoutes = new Hono<AppEnv>().get("/install.sh", (c) => {
  const baseUrl = c.get("config").publicUrl ?? new URL(c.req.url).origin;
  c.header("Content-Type", "text/x-shellscript; charset=utf-8");
  return c.body(installScript.replaceAll(URL_PLACEHOLDER, baseUrl));
});
