import { Hono } from "hono";
import installScript from "../../install.sh";
import { ApiError } from "../errors";
import { controlPlaneUrl } from "../members/install-command";
import type { AppEnv } from "../types";

const URL_PLACEHOLDER = "__BATON_URL__";
/** What may go into the script's double-quoted default: no quotes, `$`, backticks or spaces. */
const SHELL_SAFE_URL = /^https?:\/\/[A-Za-z0-9.:[\]-]+(\/[A-Za-z0-9._~/-]*)?$/;

/**
 * `GET /install.sh`: the one-line installer, with this control plane's URL filled in. The agent
 * bundle and unit it downloads are static assets (dist/public/agent, see wrangler.toml).
 */
export const installRoutes = new Hono<AppEnv>().get("/install.sh", (c) => {
  const baseUrl = controlPlaneUrl(c.get("config").publicUrl, c.req.url);
  if (!SHELL_SAFE_URL.test(baseUrl)) {
    // A Host header is the caller's to choose; it must never become shell code.
    throw new ApiError(
      "validation_failed",
      `The control plane's URL ${JSON.stringify(baseUrl)} cannot go into a shell script; set PUBLIC_URL`,
    );
  }
  c.header("Content-Type", "text/x-shellscript; charset=utf-8");
  return c.body(installScript.replaceAll(URL_PLACEHOLDER, baseUrl));
});
