import { runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import type { PoolCoordinator } from "../../../worker/coordinator/pool-coordinator";
import { openDb } from "../../../worker/db/client";
import { D1Meter } from "../../../worker/db/meter";
import { loadAccountSettings } from "../../../worker/dns/settings";
import { coordinatorStub } from "../coordinator/clock";
import { admin, createPool } from "../helpers";
import { byTestId, textOf } from "./html";
import { browserAs, fetchAs, flashIn, htmlOf, locationOf, postForm } from "./pages-as";

// The DNS accounts page as the Worker serves it, signed in through the real login form; what it
// saves is read back through the accounts API and the stored (encrypted) settings.
const ZONE_ID = "0123456789abcdef0123456789abcdef";
const TOKEN = "cf-token-0123456789abcdefghij";

interface Account {
  id: string;
  name: string;
  pools: string[];
}

const accountsNamed = async (name: string) =>
  (await admin<{ accounts: Account[] }>("/dns-accounts")).body.accounts.filter(
    (account) => account.name === name,
  );

async function storedToken(accountId: string) {
  const db = openDb(env.DB, new D1Meter());
  const key = (env as unknown as { SECRETS_KEY: string }).SECRETS_KEY;
  const { settings } = await loadAccountSettings(db, key, accountId);
  return settings.kind === "powerdns" ? settings.apiKey : settings.apiToken;
}

async function saveThroughForm(name: string) {
  const session = await browserAs("admin");
  const saved = await postForm(session, "/ui/dns-accounts", {
    name,
    kind: "cloudflare",
    "cloudflare.apiToken": TOKEN,
    "cloudflare.zoneId": ZONE_ID,
    "cloudflare.ttl": "60",
  });
  return { session, saved };
}

describe("the DNS accounts page", () => {
  it("saves an account, lists it without its token, and rotates the token", async () => {
    const name = `zone-${crypto.randomUUID().slice(0, 6)}`;
    const { session, saved } = await saveThroughForm(name);
    expect(flashIn(locationOf(saved))).toBe(
      `DNS account ${name} saved: choose it on a pool's DNS tab`,
    );
    const [account] = await accountsNamed(name);
    expect(account).toBeDefined();
    const id = account?.id ?? "";
    expect(await storedToken(id)).toBe(TOKEN);

    const html = await htmlOf(session, "/dns-accounts");
    expect(html).not.toContain(TOKEN);
    const card = byTestId(html, "dns-account").find((each) => each["data-account-id"] === id);
    expect(card).toBeDefined();
    expect(textOf(html, "nav-dns-accounts")).toBe("DNS accounts");

    const rotated = await postForm(session, `/ui/dns-accounts/${id}/rotate`, {
      secret: "cf-token-rotated-9876543210",
    });
    expect(flashIn(locationOf(rotated))).toContain(`Credential of ${name} replaced`);
    expect(await storedToken(id)).toBe("cf-token-rotated-9876543210");

    const empty = await postForm(session, `/ui/dns-accounts/${id}/rotate`, { secret: "" });
    expect(empty.status).toBe(400);
    expect(textOf(await empty.text(), "dns-account-rotate-error")).toContain("type the new");
    expect(await storedToken(id)).toBe("cf-token-rotated-9876543210");
  });

  it("names the field at fault, with the user's input kept", async () => {
    const session = await browserAs("admin");
    const refused = await postForm(session, "/ui/dns-accounts", {
      name: "bad zone",
      kind: "cloudflare",
      "cloudflare.apiToken": TOKEN,
      "cloudflare.zoneId": "not-a-zone",
      "cloudflare.ttl": "60",
    });
    expect(refused.status).toBe(400);
    const html = await refused.text();
    expect(textOf(html, "error-cloudflare.zoneId")).toContain("32-character");
    expect(byTestId(html, "field-name")[0]?.value).toBe("bad zone");
    expect(await accountsNamed("bad zone")).toEqual([]);
  });

  it("refuses to delete an account a pool uses (409, naming the pool), then deletes it once free", async () => {
    const name = `used-${crypto.randomUUID().slice(0, 6)}`;
    const { session } = await saveThroughForm(name);
    const [account] = await accountsNamed(name);
    const id = account?.id ?? "";
    const pool = await createPool({ name: `on-${name}` });
    // The pool's coordinator writes its records through an in-memory DNS, not Cloudflare.
    await runInDurableObject(coordinatorStub(pool.id), (instance: PoolCoordinator) => {
      instance.seams.dnsProviderFor = () => ({
        readAddresses: async () => [],
        setAddresses: async () => {},
        check: async () => ({ ok: true, writable: true, detail: "", addresses: [] }),
      });
    });
    const put = await admin(`/pools/${pool.id}/dns`, { method: "PUT", body: { accountId: id } });
    expect(put.status).toBe(200);

    const page = await htmlOf(session, "/dns-accounts");
    const at = page.indexOf(`id="dns-account-delete-${id}"`);
    expect(page.slice(at, page.indexOf(">", at))).toContain("disabled");
    expect(textOf(page, "dns-account-pools")).toBeTruthy();
    const refused = await postForm(session, `/ui/dns-accounts/${id}/delete`);
    expect(refused.status).toBe(409);
    expect(textOf(await refused.text(), "flash")).toBe(
      `Not deleted: on-${name} still use this account. Point them at another provider on their DNS tab, then delete it.`,
    );
    expect(await accountsNamed(name)).toHaveLength(1);

    await admin(`/pools/${pool.id}/dns`, { method: "DELETE" });
    const deleted = await postForm(session, `/ui/dns-accounts/${id}/delete`);
    expect(flashIn(locationOf(deleted))).toBe("DNS account deleted");
    expect(await accountsNamed(name)).toEqual([]);
  });

  it("is for admins only", async () => {
    const operator = await browserAs("operator");
    expect((await fetchAs(operator, "/dns-accounts")).status).toBe(403);
    expect((await postForm(operator, "/ui/dns-accounts", { name: "x" })).status).toBe(403);
  });
});
