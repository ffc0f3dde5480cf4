import { describe, expect, it } from "vitest";
import type { ApiToken } from "../../../shared/tokens";
import { admin, withToken } from "../helpers";
import { byTestId, textOf } from "./html";
import {
  browserAs,
  fetchAs,
  flashIn,
  htmlOf,
  locationOf,
  postForm,
  unescapeHtml,
} from "./pages-as";

// The API tokens page as the Worker serves it, signed in through the real login form: a token
// it creates is used against the real API, and a revoked one is refused there.
const tokensOf = async () => (await admin<{ apiTokens: ApiToken[] }>("/tokens")).body.apiTokens;

describe("the API tokens page", () => {
  it("creates a token shown once with a copy button, which then works against the API", async () => {
    const session = await browserAs("admin");
    const name = `ci-${crypto.randomUUID().slice(0, 6)}`;
    const created = await postForm(session, "/ui/tokens", { name, role: "operator" });
    expect(created.status).toBe(200);
    expect(created.headers.get("Cache-Control")).toBe("no-store");
    const html = await created.text();
    const token = textOf(html, "created-token-value");
    expect(token).toMatch(/^bt_/);
    expect(byTestId(html, "copy-token")[0]?.["data-copy"]).toBe("created-token-value");
    expect((await withToken(token, "/pools")).status).toBe(200);

    // Listed with its role, never with the token; shown once only.
    const list = await htmlOf(session, "/tokens");
    expect(list).not.toContain(token);
    const row = byTestId(list, "token-row").find((each) => each["data-role"] === "operator");
    expect(row).toBeDefined();
    expect(list).toContain(name);
    const [saved] = (await tokensOf()).filter((each) => each.name === name);
    expect(saved?.role).toBe("operator");
    expect(textOf(list, "nav-tokens")).toBe("API tokens");
  });

  it("revokes a token after a confirm naming it; the API refuses it from then on", async () => {
    const session = await browserAs("admin");
    const name = `revoke-${crypto.randomUUID().slice(0, 6)}`;
    const html = await (await postForm(session, "/ui/tokens", { name, role: "viewer" })).text();
    const token = textOf(html, "created-token-value");
    const [saved] = (await tokensOf()).filter((each) => each.name === name);
    const id = saved?.id ?? "";
    const list = await htmlOf(session, "/tokens");
    const at = list.indexOf(`/ui/tokens/${id}/revoke`);
    const formTag = unescapeHtml(list.slice(list.lastIndexOf("<form", at), list.indexOf(">", at)));
    expect(formTag).toContain(`data-confirm="Revoke the API token ${name} (viewer, `);
    expect(formTag).toContain("data-confirm-danger");

    const revoked = await postForm(session, `/ui/tokens/${id}/revoke`);
    expect(flashIn(locationOf(revoked))).toBe(
      `API token ${name} revoked: it is refused from now on`,
    );
    expect((await withToken(token, "/pools")).status).toBe(401);
    expect((await tokensOf()).some((each) => each.id === id)).toBe(false);
  });

  it("names what is wrong with the name, and is for admins only", async () => {
    const session = await browserAs("admin");
    const refused = await postForm(session, "/ui/tokens", { name: "", role: "viewer" });
    expect(refused.status).toBe(400);
    expect(textOf(await refused.text(), "error-token-name")).toBe("required");

    const operator = await browserAs("operator");
    expect((await fetchAs(operator, "/tokens")).status).toBe(403);
    expect(byTestId(await htmlOf(operator, "/"), "nav-tokens")).toHaveLength(0);
    expect((await postForm(operator, "/ui/tokens", { name: "x", role: "admin" })).status).toBe(403);
  });
});
