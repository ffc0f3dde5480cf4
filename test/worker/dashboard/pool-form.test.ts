import { describe, expect, it } from "vitest";
import type { Pool } from "../../../shared/pools";
import { poolRequestOf } from "../../../worker/dashboard/pool-settings/new-pool";
import { admin } from "../helpers";
import { byTestId, textOf } from "./html";
import {
  browserAs,
  eventsOf,
  flashIn,
  htmlOf,
  locationOf,
  postForm,
  unescapeHtml,
} from "./pages-as";

// The New pool form: the admin API's CreatePool schema and createPool behind a form, with
// field errors on the page and the same audit event as the API.

async function pools(): Promise<Pool[]> {
  return (await admin<{ pools: Pool[] }>("/pools?limit=200")).body.pools;
}

const GOOD = {
  name: "edge eu",
  profile: "nginx",
  failoverHostname: "LB-EU.Example.com",
  failoverDelayS: "15",
  autoFailover: "on",
};

describe("poolRequestOf", () => {
  it("turns the form's text into the API's body", () => {
    expect(poolRequestOf(GOOD).request).toEqual({
      name: "edge eu",
      profile: "nginx",
      failoverHostname: "lb-eu.example.com",
      failoverDelayS: 15,
      autoFailover: true,
      failbackHoldDownS: 300,
      allowPrivateAddresses: false,
    });
    const { autoFailover: _, failoverDelayS: __, ...rest } = GOOD;
    expect(poolRequestOf({ ...rest, failoverDelayS: " " }).request).toMatchObject({
      failoverDelayS: 10,
      autoFailover: false,
    });
    const lab = poolRequestOf({ ...GOOD, allowPrivateAddresses: "true" });
    expect(lab.request?.allowPrivateAddresses).toBe(true);
    expect(lab.values.allowPrivateAddresses).toBe("true");
  });

  it("names each bad field and keeps what was typed", () => {
    const { errors, request, values } = poolRequestOf({
      name: " ",
      profile: "varnish",
      failoverHostname: "localhost",
      failoverDelayS: "2.5",
    });
    expect(request).toBeNull();
    expect(Object.keys(errors).sort()).toEqual([
      "failoverDelayS",
      "failoverHostname",
      "name",
      "profile",
    ]);
    expect(errors.failoverDelayS).toBe("must be a whole number of seconds");
    expect(errors.failoverHostname).toContain("fully qualified");
    expect(values).toMatchObject({ failoverHostname: "localhost", failoverDelayS: "2.5" });
    expect(poolRequestOf({ ...GOOD, failoverDelayS: "2" }).errors.failoverDelayS).toBe(
      "must be at least 3 seconds",
    );
  });
});

describe("the New pool page", () => {
  it("is linked from the pools list for admins only", async () => {
    const adminUser = await browserAs("admin");
    const operator = await browserAs("operator");
    expect(byTestId(await htmlOf(adminUser, "/"), "new-pool-link")[0]?.href).toBe("/pools/new");
    expect(byTestId(await htmlOf(operator, "/"), "new-pool-link")).toHaveLength(0);
    expect(byTestId(await htmlOf(adminUser, "/pools/new"), "pool-form")).toHaveLength(1);
    await htmlOf(operator, "/pools/new", 403);
  });

  it("creates the pool as the API does, with the user in its audit event", async () => {
    const adminUser = await browserAs("admin");
    const location = locationOf(await postForm(adminUser, "/ui/pools", GOOD));
    const created = (await pools()).find((pool) => pool.name === "edge eu");
    expect(created).toMatchObject({
      profile: "nginx",
      failoverHostname: "lb-eu.example.com",
      failoverDelayS: 15,
      autoFailover: true,
    });
    expect(location).toMatch(new RegExp(`^/pools/${created?.id}\\?flash=`));
    expect(flashIn(location)).toContain("Pool edge eu created");
    const [event] = await eventsOf(created?.id ?? "", "pool.created");
    expect(event?.actor).toBe(`user:${adminUser.userId}`);
    const overview = await htmlOf(adminUser, location);
    expect(unescapeHtml(textOf(overview, "flash"))).toContain("Pool edge eu created");
  });

  it("shows the form again with field errors and the input kept, creating nothing", async () => {
    const adminUser = await browserAs("admin");
    const before = (await pools()).length;
    const response = await postForm(adminUser, "/ui/pools", {
      ...GOOD,
      name: "kept name",
      failoverHostname: "localhost",
      failoverDelayS: "500",
    });
    expect(response.status).toBe(400);
    const html = await response.text();
    expect(textOf(html, "error-pool-hostname")).toContain("fully qualified");
    expect(textOf(html, "error-pool-delay")).toBe("must be at most 120 seconds");
    expect(byTestId(html, "error-pool-name")).toHaveLength(0);
    expect(html).toContain('value="kept name"');
    expect(html).toContain('value="localhost"');
    expect(html).toContain('aria-invalid="true"');
    expect(html).toContain('<option value="nginx" selected="">');
    expect((await pools()).length).toBe(before);
  });

  it("shows a failover hostname another pool has on its field", async () => {
    const adminUser = await browserAs("admin");
    locationOf(
      await postForm(adminUser, "/ui/pools", { ...GOOD, failoverHostname: "lb-twice.example.com" }),
    );
    const before = (await pools()).length;
    const response = await postForm(adminUser, "/ui/pools", {
      ...GOOD,
      name: "second",
      failoverHostname: "LB-Twice.example.com",
    });
    expect(response.status).toBe(409);
    const html = await response.text();
    expect(textOf(html, "error-pool-hostname")).toContain(
      "is already the failover hostname of pool edge eu",
    );
    expect(html).toContain('value="LB-Twice.example.com"');
    expect((await pools()).length).toBe(before);
  });

  it("refuses an operator's submission", async () => {
    const operator = await browserAs("operator");
    const before = (await pools()).length;
    expect((await postForm(operator, "/ui/pools", GOOD)).status).toBe(403);
    expect((await pools()).length).toBe(before);
  });
});
