import { inArray } from "drizzle-orm";
import { type Context, Hono } from "hono";
import { type DnsProviderKind, SaveDnsAccount } from "../../../shared/dns";
import { MAX_PAGE_SIZE } from "../../../shared/pagination";
import { allow } from "../../auth/admin";
import { coordinatorFor } from "../../coordinator/client";
import { attempt } from "../../coordinator/outcome";
import { pools } from "../../db/schema/pools";
import { listDnsAccounts, poolsUsing, removeDnsAccount, saveDnsAccount } from "../../dns/accounts";
import { loadAccountSettings, requireSecretsKey } from "../../dns/settings";
import { SECRET_FIELD } from "../../dns/stored-secret";
import type { AppEnv } from "../../types";
import {
  apiFieldErrors,
  emptyForm,
  type FormState,
  textOf,
  typedTextOf,
} from "../common/form-fields";
import { type Flash, Layout } from "../common/layout";
import { flashOf, page, withFlash } from "../common/render";
import { requireRole } from "../session";
import { DnsAccountCard, type DnsAccountItem, NewDnsAccountForm } from "./accounts-view";
import { dnsFieldOf, dnsRequestFromForm } from "./form";

interface AccountsPageState {
  create?: FormState;
  rotate?: { accountId: string; error: string };
}

async function accountsPage(c: Context<AppEnv>, state: AccountsPageState = {}, flash?: Flash) {
  const db = c.get("db");
  const session = c.get("session");
  const key = requireSecretsKey(c.get("config").secretsKey);
  const listed = await listDnsAccounts(db, key, { limit: MAX_PAGE_SIZE });
  const poolIds = [...new Set(listed.items.flatMap((account) => account.pools))];
  const names = new Map(
    poolIds.length === 0
      ? []
      : (
          await db
            .select({ id: pools.id, name: pools.name })
            .from(pools)
            .where(inArray(pools.id, poolIds))
        ).map((row) => [row.id, row.name]),
  );
  const accounts: DnsAccountItem[] = listed.items.map((account) => ({
    ...account,
    kind: account.kind as DnsProviderKind,
    provider: account.provider as Record<string, unknown>,
    pools: account.pools.map((id) => ({ id, name: names.get(id) ?? id })),
  }));
  return page(
    c,
    <Layout title="DNS accounts" session={session} flash={flash ?? flashOf(c)}>
      <h1>DNS accounts</h1>
      <p class="muted">
        A provider credential saved once and chosen on several pools' DNS tabs. It is encrypted at
        rest and never shown again; rotating it moves every pool on it to the new one at once.
      </p>
      <section aria-labelledby="dns-accounts-title">
        <h2 id="dns-accounts-title">Saved accounts ({accounts.length})</h2>
        {accounts.length === 0 ? (
          <p class="muted" data-testid="dns-accounts-none">
            None saved yet: add one below.
          </p>
        ) : (
          <ul class="cards">
            {accounts.map((account) => (
              <DnsAccountCard
                account={account}
                session={session}
                rotateError={
                  state.rotate?.accountId === account.id ? state.rotate.error : undefined
                }
              />
            ))}
          </ul>
        )}
      </section>
      <section aria-labelledby="new-dns-account-title">
        <h2 id="new-dns-account-title">Add an account</h2>
        <NewDnsAccountForm csrf={session.csrf} state={state.create ?? emptyForm()} />
      </section>
    </Layout>,
  );
}

const back = (flash: Flash) => withFlash("/dns-accounts", flash);

/** DNS accounts, admins only: the accounts API's store functions, each with its audit event. */
export const dnsAccountPages = new Hono<AppEnv>()
  .get("/dns-accounts", requireRole("admin"), (c) => accountsPage(c))
  .post("/ui/dns-accounts", allow("admin"), async (c) => {
    const fields = await c.req.parseBody({ all: true });
    const request = dnsRequestFromForm(fields);
    const name = textOf(fields, "name");
    const state: FormState = { ...request.state, values: { ...request.state.values, name } };
    const refused = (errors: Record<string, string>) => {
      c.status(400);
      return accountsPage(c, { create: { ...state, errors } });
    };
    if (!request.source || request.source === "account") {
      return refused({ kind: "choose a provider" });
    }
    const parsed = SaveDnsAccount.safeParse({ name, provider: request.body.provider });
    if (!parsed.success) {
      const errors: Record<string, string> = {};
      for (const issue of parsed.error.issues) {
        const [head, ...rest] = issue.path.map(String);
        const field = head === "name" ? "name" : dnsFieldOf(request.source, [head ?? "", ...rest]);
        errors[field] ??=
          request.empty.has(field) || (field === "name" && name === "")
            ? "required"
            : issue.message;
      }
      return refused(errors);
    }
    const key = requireSecretsKey(c.get("config").secretsKey);
    const saved = await attempt(() =>
      saveDnsAccount(
        c.get("db"),
        key,
        null,
        parsed.data,
        c.get("config"),
        c.get("actor").id,
        Date.now(),
      ),
    );
    if (!saved.ok) {
      return refused(
        apiFieldErrors(saved.issues, saved.message, (path) => dnsFieldOf(request.source, path)),
      );
    }
    const message = `DNS account ${saved.value.name} saved: choose it on a pool's DNS tab`;
    return c.redirect(back({ kind: "ok", message }), 303);
  })
  .post("/ui/dns-accounts/:accountId/rotate", allow("admin"), async (c) => {
    const db = c.get("db");
    const key = requireSecretsKey(c.get("config").secretsKey);
    const { account, settings } = await loadAccountSettings(db, key, c.req.param("accountId"));
    const secret = typedTextOf(await c.req.parseBody(), "secret");
    const rotateError = (error: string) => {
      c.status(400);
      return accountsPage(c, { rotate: { accountId: account.id, error } });
    };
    if (secret.trim() === "") return rotateError("Not rotated: type the new credential");
    const provider = { ...settings, [SECRET_FIELD[settings.kind]]: secret };
    const saved = await attempt(() =>
      saveDnsAccount(
        db,
        key,
        account.id,
        { name: account.name, provider },
        c.get("config"),
        c.get("actor").id,
        Date.now(),
      ),
    );
    if (!saved.ok) return rotateError(`Not rotated: ${saved.message}`);
    // Every pool on the account writes its records with the new credential from now on.
    const using = await poolsUsing(db, account.id);
    await Promise.all(using.map((poolId) => coordinatorFor(c.env, poolId).dnsChanged(poolId)));
    const message = `Credential of ${account.name} replaced; ${using.length} pool(s) use the new one`;
    return c.redirect(back({ kind: "ok", message }), 303);
  })
  .post("/ui/dns-accounts/:accountId/delete", allow("admin"), async (c) => {
    const db = c.get("db");
    const accountId = c.req.param("accountId");
    const removed = await attempt(() =>
      removeDnsAccount(db, accountId, c.get("actor").id, Date.now()),
    );
    if (removed.ok) return c.redirect(back({ kind: "ok", message: "DNS account deleted" }), 303);
    if (removed.code !== "account_in_use") {
      return c.redirect(back({ kind: "error", message: `Not deleted: ${removed.message}` }), 303);
    }
    // Said with the pools' names, on the page, with the status the API gives (409).
    const using = await poolsUsing(db, accountId);
    const rows = await db.select({ name: pools.name }).from(pools).where(inArray(pools.id, using));
    const message = `Not deleted: ${rows.map((row) => row.name).join(", ")} still use this account. Point them at another provider on their DNS tab, then delete it.`;
    c.status(409);
    return accountsPage(c, {}, { kind: "error", message });
  });
