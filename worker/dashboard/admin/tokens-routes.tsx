import { type Context, Hono } from "hono";
import { MAX_PAGE_SIZE } from "../../../shared/pagination";
import { type ApiToken, CreateApiToken } from "../../../shared/tokens";
import { allow } from "../../auth/admin";
import { attempt } from "../../coordinator/outcome";
import { createApiToken, listApiTokens, revokeApiToken, toApiToken } from "../../tokens/store";
import type { AppEnv } from "../../types";
import { actorNames } from "../common/actors";
import {
  emptyForm,
  type FormState,
  fieldErrors,
  firstSegment,
  refusedForm,
  textOf,
} from "../common/form-fields";
import { type Flash, Layout } from "../common/layout";
import { flashOf, page, withFlash } from "../common/render";
import { requireRole } from "../session";
import { CreatedToken, NewTokenForm, TokenList } from "./tokens-view";

interface TokensPageState {
  create?: FormState;
  /** A token just made: shown once, in this answer only. */
  created?: { token: string; apiToken: ApiToken };
}

async function tokensPage(c: Context<AppEnv>, state: TokensPageState = {}, flash?: Flash | null) {
  const db = c.get("db");
  const session = c.get("session");
  const listed = await listApiTokens(db, { limit: MAX_PAGE_SIZE });
  const tokens = listed.items.map(toApiToken);
  const creators = await actorNames(
    db,
    tokens.map((token) => token.createdBy),
  );
  return page(
    c,
    <Layout title="API tokens" session={session} flash={flash === undefined ? flashOf(c) : flash}>
      <h1>API tokens</h1>
      <p class="muted">
        Tokens let scripts call <code>/api/v1</code> with a role of their own. Baton keeps only a
        hash: a token is shown once, when it is created. Creating and revoking are audit events.
      </p>
      {state.created && <CreatedToken {...state.created} />}
      <section aria-labelledby="new-token-title">
        <h2 id="new-token-title">Create a token</h2>
        <NewTokenForm csrf={session.csrf} state={state.create ?? emptyForm()} />
      </section>
      <section aria-labelledby="tokens-title">
        <h2 id="tokens-title">Tokens in use ({tokens.length})</h2>
        <TokenList tokens={tokens} creators={creators} session={session} />
        {listed.nextCursor && (
          <p class="muted">
            Showing the first {MAX_PAGE_SIZE}; list the rest with <code>GET /api/v1/tokens</code>.
          </p>
        )}
      </section>
    </Layout>,
  );
}

/** API tokens, admins only: the tokens API's store functions, each recording its audit event. */
export const tokenPages = new Hono<AppEnv>()
  .get("/tokens", requireRole("admin"), (c) => tokensPage(c))
  .post("/ui/tokens", allow("admin"), async (c) => {
    const fields = await c.req.parseBody({ all: true });
    const values = { name: textOf(fields, "name"), role: textOf(fields, "role") };
    const parsed = CreateApiToken.safeParse(values);
    if (!parsed.success) {
      const errors = fieldErrors(
        parsed.error.issues,
        firstSegment,
        (name) => values[name as "name"] === "",
      );
      c.status(400);
      return tokensPage(c, { create: refusedForm(values, errors) }, null);
    }
    const { row, token } = await createApiToken(
      c.get("db"),
      parsed.data,
      c.get("actor").id,
      Date.now(),
    );
    // The answer itself shows the token: a redirect would have to carry it in a URL.
    return tokensPage(c, { created: { token, apiToken: toApiToken(row) } }, null);
  })
  .post("/ui/tokens/:tokenId/revoke", allow("admin"), async (c) => {
    const revoked = await attempt(() =>
      revokeApiToken(c.get("db"), c.req.param("tokenId"), c.get("actor").id, Date.now()),
    );
    const flash: Flash = revoked.ok
      ? {
          kind: "ok",
          message: `API token ${revoked.value.name} revoked: it is refused from now on`,
        }
      : { kind: "error", message: `Not revoked: ${revoked.message}` };
    return c.redirect(withFlash("/tokens", flash), 303);
  });
