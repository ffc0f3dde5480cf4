import { type Context, Hono } from "hono";
import type { DnsProviderSettings } from "../../../shared/dns";
import { allow } from "../../auth/admin";
import { coordinatorFor } from "../../coordinator/client";
import type { PoolRow } from "../../db/schema/pools";
import { removeDnsSettings, resolveDnsSettings, saveDnsSettings } from "../../dns/settings";
import {
  type CheckResult,
  checkDns,
  readDns,
  recordWriteCheck,
  verifyDnsWrite,
} from "../../dns/write-verification";
import { getPool } from "../../pools/store";
import type { AppEnv } from "../../types";
import { emptyForm, type FormFields } from "../common/form-fields";
import { Layout } from "../common/layout";
import { flashOf, fragment, page, withFlash } from "../common/render";
import { PoolHeading } from "../common/tabs";
import { canOperate } from "../overview/pool-live";
import { KIND_LABEL } from "./fields";
import type { DnsFormRequest } from "./form";
import { DnsForm } from "./form-view";
import { loadAccountChoices, loadDnsLive, loadStoredDns, PAGE_CHECK_TIMEOUT_MS } from "./load";
import { type DnsLiveView, servedKey } from "./status";
import { dnsSubmission, refusedBy } from "./submit";
import { DnsActions, DnsActual, DnsCheckResult, DnsFormNotTested, DnsLive } from "./view";

const MODE_WORD = { active_standby: "active/standby", round_robin: "round robin" } as const;

/** Sent by dashboard/app.js when it shows an answer in the page instead of loading a new one. */
const INLINE_HEADER = "X-Baton-Inline";

interface DnsPageExtras {
  /** The form as posted, with its errors, when it is shown again. */
  request?: DnsFormRequest;
  /** A test's result, shown by the button that asked for it. */
  test?: { result: CheckResult; of: string; fromForm: boolean };
  /** A test of the form's values not run: the fields to fix first. */
  notTested?: Record<string, string>;
}

/** What the provider serves, read now, against what Baton wants; a note when no provider is set. */
function Served(props: { actual: CheckResult | null; live: DnsLiveView; error: string | null }) {
  const { actual, live } = props;
  if (!actual)
    return props.error ? null : (
      <p class="muted">No DNS provider is set: Baton edits no records.</p>
    );
  const desired = live.desired?.map((item) => item.address) ?? null;
  return <DnsActual result={actual} desired={desired} poolId={live.poolId} />;
}

/** Reads the record from the provider with the stored settings (null without settings). */
function readServed(c: Context<AppEnv>, pool: PoolRow, settings: DnsProviderSettings | null) {
  if (!settings) return null;
  return readDns(settings, pool.failoverHostname, c.get("config"), PAGE_CHECK_TIMEOUT_MS);
}

async function dnsPage(c: Context<AppEnv>, pool: PoolRow, extras: DnsPageExtras = {}) {
  const db = c.get("db");
  const session = c.get("session");
  const [live, stored, accounts] = await Promise.all([
    loadDnsLive(c.env, db, pool.id),
    loadStoredDns(db, c.get("config").secretsKey, pool.id),
    loadAccountChoices(db),
  ]);
  const actual = await readServed(c, pool, stored.settings);
  return page(
    c,
    <Layout
      title={`${pool.name} · DNS`}
      health={pool.membersHealth ?? undefined}
      session={session}
      flash={flashOf(c)}
    >
      <PoolHeading
        pool={{
          id: pool.id,
          name: pool.name,
          hostname: pool.failoverHostname,
          profile: pool.profile,
        }}
        active="dns"
      />
      <section aria-labelledby="dns-status-title" class="tab-section dns-status">
        <h2 id="dns-status-title">Records of {pool.failoverHostname}</h2>
        <div id="dns-live" data-live-src={`/ui/pools/${pool.id}/dns/fragment`} aria-live="off">
          <DnsLive live={live} />
        </div>
        <p class="live-status muted" data-live-status aria-live="polite" />
        <h3>The provider serves</h3>
        {stored.error && (
          <p class="flash flash-error" data-testid="dns-stored-error">
            {stored.error}
          </p>
        )}
        <div
          id="dns-served"
          data-follows-key={servedKey(live)}
          data-follows-src={`/ui/pools/${pool.id}/dns/served`}
        >
          <Served actual={actual} live={live} error={stored.error} />
        </div>
        <DnsActions
          poolId={pool.id}
          hasSettings={stored.settings !== null}
          session={session}
          canOperate={canOperate(session)}
          canAdmin={session.role === "admin"}
        />
        <div id="dns-test-result" data-testid="dns-test-result" aria-live="polite">
          {extras.test && !extras.test.fromForm && (
            <DnsCheckResult result={extras.test.result} of={extras.test.of} />
          )}
        </div>
      </section>
      <section aria-labelledby="dns-settings-title" class="tab-section">
        <h2 id="dns-settings-title">Provider settings</h2>
        <DnsForm
          poolId={pool.id}
          stored={stored.shown}
          accounts={accounts}
          state={extras.request?.state ?? emptyForm()}
          typedSecret={extras.request?.typedSecret ?? false}
          session={session}
          canAdmin={session.role === "admin"}
          test={extras.test?.fromForm ? extras.test : undefined}
          notTested={extras.notTested}
        />
      </section>
    </Layout>,
  );
}

/**
 * What a test checks (the form's values when it sent them, else the saved ones), or why not:
 * nothing saved to test, or the form's fields to fix first.
 */
type Tested = { of: string; request?: DnsFormRequest } & (
  | { settings: DnsProviderSettings }
  | { refusal: string }
  | { fieldErrors: Record<string, string> }
);

async function testedSettings(
  c: Context<AppEnv>,
  pool: PoolRow,
  fields: FormFields,
): Promise<Tested> {
  const db = c.get("db");
  const key = c.get("config").secretsKey;
  if (fields.kind === undefined) {
    const of = "saved settings";
    const stored = await loadStoredDns(db, key, pool.id);
    if (stored.settings) return { of, settings: stored.settings };
    return { of, refusal: stored.error ?? "no DNS provider is saved" };
  }
  const of = "the settings in the form, not saved";
  let submission = await dnsSubmission(db, key, pool.id, fields);
  if (submission.ok) {
    try {
      const settings = await resolveDnsSettings(
        db,
        submission.secretsKey,
        submission.input,
        c.get("config"),
      );
      return { of, settings, request: submission.request };
    } catch (error) {
      submission = refusedBy(submission.request, error);
    }
  }
  const { request } = submission;
  return { of, request, fieldErrors: request.state.errors };
}

/** The pool's DNS tab: records wanted and served, test connection, and the provider's settings. */
export const poolDnsPages = new Hono<AppEnv>()
  .get("/pools/:poolId/dns", async (c) =>
    dnsPage(c, await getPool(c.get("db"), c.req.param("poolId"))),
  )
  .get("/ui/pools/:poolId/dns/fragment", async (c) => {
    const live = await loadDnsLive(c.env, c.get("db"), c.req.param("poolId"));
    return fragment(c, <DnsLive live={live} />);
  })
  // Read again when the live part says the sync moved on (app.js, data-follows-key).
  .get("/ui/pools/:poolId/dns/served", async (c) => {
    const db = c.get("db");
    const pool = await getPool(db, c.req.param("poolId"));
    const [live, stored] = await Promise.all([
      loadDnsLive(c.env, db, pool.id),
      loadStoredDns(db, c.get("config").secretsKey, pool.id),
    ]);
    const actual = await readServed(c, pool, stored.settings);
    return fragment(c, <Served actual={actual} live={live} error={stored.error} />);
  })
  .post("/ui/pools/:poolId/dns", allow("admin"), async (c) => {
    const db = c.get("db");
    const pool = await getPool(db, c.req.param("poolId"));
    const key = c.get("config").secretsKey;
    let submission = await dnsSubmission(db, key, pool.id, await c.req.parseBody({ all: true }));
    if (submission.ok) {
      const { input, secretsKey, secretKept } = submission;
      const config = c.get("config");
      const actor = c.get("actor").id;
      let saved: Awaited<ReturnType<typeof saveDnsSettings>> | null = null;
      try {
        saved = await saveDnsSettings(db, secretsKey, pool.id, input, config, actor, Date.now());
      } catch (error) {
        submission = refusedBy(submission.request, error);
      }
      if (saved) {
        const hostname = pool.failoverHostname;
        const check = await verifyDnsWrite(db, pool.id, saved.settings, hostname, config, actor);
        await coordinatorFor(c.env, pool.id).dnsChanged(pool.id);
        const kept = secretKept ? "; the stored credential was kept" : "";
        const via = input.provider ? KIND_LABEL[input.provider.kind] : "a saved DNS account";
        const said = `DNS settings saved: ${via}, ${MODE_WORD[input.mode]}${kept}`;
        const flash = check.writable
          ? { kind: "ok" as const, message: `${said}. Write access proven.` }
          : {
              kind: "error" as const,
              message: `${said}, but Baton could not prove it can write with them, so a failover would fail: ${check.detail}`,
            };
        return c.redirect(withFlash(`/pools/${pool.id}/dns`, flash), 303);
      }
    }
    c.status(400);
    return dnsPage(c, pool, { request: submission.request });
  })
  .post("/ui/pools/:poolId/dns/test", allow("operator"), async (c) => {
    const pool = await getPool(c.get("db"), c.req.param("poolId"));
    const tested = await testedSettings(c, pool, await c.req.parseBody({ all: true }));
    if ("fieldErrors" in tested) {
      // Inline, the answer marks the fields itself (app.js); a full page draws the form so.
      if (c.req.header(INLINE_HEADER)) {
        return fragment(c, <DnsFormNotTested errors={tested.fieldErrors} />);
      }
      c.status(400);
      return dnsPage(c, pool, { request: tested.request, notTested: tested.fieldErrors });
    }
    const result: CheckResult =
      "settings" in tested
        ? await checkDns(tested.settings, pool.failoverHostname, c.get("config"))
        : {
            ok: false,
            writable: false,
            detail: tested.refusal,
            addresses: [],
            checkedAt: Date.now(),
          };
    // A test of the saved settings proves (or not) what the pool relies on: keep the outcome.
    if ("settings" in tested && tested.request === undefined) {
      await recordWriteCheck(c.get("db"), pool.id, result, c.get("actor").id, result.checkedAt);
    }
    if (c.req.header(INLINE_HEADER)) {
      return fragment(c, <DnsCheckResult result={result} of={tested.of} />);
    }
    const refused = Object.keys(tested.request?.state.errors ?? {}).length > 0;
    if (refused) c.status(400);
    const test = { result, of: tested.of, fromForm: tested.request !== undefined };
    return dnsPage(c, pool, { request: tested.request, test });
  })
  .post("/ui/pools/:poolId/dns/remove", allow("admin"), async (c) => {
    const db = c.get("db");
    const pool = await getPool(db, c.req.param("poolId"));
    await removeDnsSettings(db, pool.id, c.get("actor").id, Date.now());
    await coordinatorFor(c.env, pool.id).dnsChanged(pool.id);
    const message = "DNS provider removed: Baton no longer edits the records";
    return c.redirect(withFlash(`/pools/${pool.id}/dns`, { kind: "ok", message }), 303);
  });
