import type { Context } from "hono";
import type { Flash } from "./layout";

/**
 * A full page: the doctype and no caching (it shows live state). The content policy is on every
 * response (worker/middleware/security-headers.ts).
 */
export async function page(c: Context, body: string | Promise<string>) {
  c.header("Cache-Control", "no-store");
  return c.html(`<!doctype html>${await body}`);
}

/** A live fragment for worker/dashboard/assets/app.js, which checks the marker before swapping it in. */
export async function fragment(c: Context, body: string | Promise<string>) {
  c.header("Cache-Control", "no-store");
  c.header("X-Baton-Fragment", "1");
  return c.html(await body);
}

/** The flash a redirect after an action carries in its query string. */
export function flashOf(c: Context): Flash | null {
  const message = c.req.query("flash");
  if (!message) return null;
  return {
    kind: c.req.query("flashKind") === "error" ? "error" : "ok",
    message: message.slice(0, 300),
  };
}

export function withFlash(path: string, flash: Flash): string {
  const query = new URLSearchParams({ flash: flash.message });
  if (flash.kind === "error") query.set("flashKind", "error");
  return `${path}?${query}`;
}
