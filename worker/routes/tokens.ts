import { Hono } from "hono";
import { PageQuery } from "../../shared/pagination";
import { CreateApiToken } from "../../shared/tokens";
import { allow } from "../auth/admin";
import { createApiToken, listApiTokens, revokeApiToken, toApiToken } from "../tokens/store";
import type { AppEnv } from "../types";
import { validate } from "../validation";

export const tokenRoutes = new Hono<AppEnv>()
  .post("/tokens", allow("admin"), validate("json", CreateApiToken), async (c) => {
    const { row, token } = await createApiToken(
      c.get("db"),
      c.req.valid("json"),
      c.get("actor").id,
      Date.now(),
    );
    return c.json({ apiToken: toApiToken(row), token }, 201);
  })
  .get("/tokens", allow("admin"), validate("query", PageQuery), async (c) => {
    const { items, nextCursor } = await listApiTokens(c.get("db"), c.req.valid("query"));
    return c.json({ apiTokens: items.map(toApiToken), nextCursor });
  })
  .delete("/tokens/:tokenId", allow("admin"), async (c) => {
    const row = await revokeApiToken(
      c.get("db"),
      c.req.param("tokenId"),
      c.get("actor").id,
      Date.now(),
    );
    return c.json({ apiToken: toApiToken(row), revoked: true });
  });
