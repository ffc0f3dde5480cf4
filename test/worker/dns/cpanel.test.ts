import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { DnsProviderSettings } from "../../../shared/dns";
import { createDnsProvider } from "../../../worker/dns/providers";
import { type FakeCpanel, startFakeCpanel } from "./fakes/cpanel-uapi";
import { caught, DEVELOPMENT } from "./helpers";

const ZONE = "example.com";
const USER = "exampleuser";
const TOKEN = "U7HMR63FHY282DQZ4H5BIH16JLYSO01M";
const NAME = "lb.example.com";
const PARSE = `/execute/DNS/parse_zone?zone=${ZONE}`;
const EDIT = "/execute/DNS/mass_edit_zone";

let fake: FakeCpanel;
beforeEach(async () => {
  fake = await startFakeCpanel({ zone: ZONE, username: USER, token: TOKEN });
});
afterEach(() => fake.close());

function provider(overrides: Record<string, unknown> = {}) {
  const settings = {
    kind: "cpanel",
    baseUrl: fake.url,
    username: USER,
    apiToken: TOKEN,
    zone: ZONE,
  };
  return createDnsProvider(DnsProviderSettings.parse({ ...settings, ...overrides }), DEVELOPMENT);
}
const seedA = (address: string, ttl = 60, dname = "lb") =>
  fake.seed({ type: "record", dname, ttl, record_type: "A", data: [address] });
const calls = () => fake.requests.map((request) => `${request.method} ${request.path}`);
/** The arguments of the one mass_edit_zone call, JSON values decoded. */
function editArgs() {
  const edits = fake.requests.filter((request) => request.path === EDIT);
  expect(edits).toHaveLength(1);
  const args = [...new URLSearchParams(edits[0]?.body)];
  return args.map(([key, value]) => [key, /^[[{]/.test(value) ? JSON.parse(value) : value]);
}
const a = (address: string, ttl = 60) => ({
  dname: `${NAME}.`,
  ttl,
  record_type: "A",
  data: [address],
});

describe("cPanel provider", () => {
  it("reads the A records of the name from parse_zone, with cPanel's token header", async () => {
    seedA("203.0.113.10");
    seedA("203.0.113.9");
    seedA("192.0.2.1", 60, "other");
    expect(await provider().readAddresses(NAME)).toEqual(["203.0.113.9", "203.0.113.10"]);
    expect(await provider().readAddresses(ZONE)).toEqual(["198.51.100.20"]); // the apex
    expect(calls()).toEqual([`GET ${PARSE}`, `GET ${PARSE}`]);
    expect(fake.requests[0]?.headers.authorization).toBe(`cpanel ${USER}:${TOKEN}`);
  });

  it("adds the record with the serial it read", async () => {
    const serial = fake.serial();
    await provider().setAddresses({ name: NAME, addresses: ["203.0.113.7"], ttl: 60 });
    expect(calls()).toEqual([`GET ${PARSE}`, `POST ${EDIT}`]);
    expect(fake.requests[1]?.headers["content-type"]).toMatch(
      /^application\/x-www-form-urlencoded/,
    );
    expect(editArgs()).toEqual([
      ["zone", ZONE],
      ["serial", serial],
      ["add", a("203.0.113.7")],
    ]);
    expect(fake.addressesOf("lb")).toEqual(["203.0.113.7"]);
    expect(fake.serial()).not.toBe(serial);
  });

  it("changes the address by editing its line, not removing and adding", async () => {
    seedA("203.0.113.7");
    const line = fake.lines.length - 1;
    await provider().setAddresses({ name: NAME, addresses: ["203.0.113.8"], ttl: 60 });
    expect(editArgs().slice(2)).toEqual([["edit", { line_index: line, ...a("203.0.113.8") }]]);
    expect(fake.addressesOf("lb")).toEqual(["203.0.113.8"]);
  });

  it("adds one record per address for round robin, as add, add-1, …", async () => {
    await provider().setAddresses({
      name: NAME,
      addresses: ["203.0.113.7", "203.0.113.8"],
      ttl: 60,
    });
    expect(editArgs().slice(2)).toEqual([
      ["add", a("203.0.113.7")],
      ["add-1", a("203.0.113.8")],
    ]);
    expect(fake.addressesOf("lb")).toEqual(["203.0.113.7", "203.0.113.8"]);
  });

  it("removes every record of the name when no address is wanted", async () => {
    seedA("203.0.113.7");
    seedA("203.0.113.8");
    const last = fake.lines.length - 1;
    await provider().setAddresses({ name: NAME, addresses: [], ttl: 60 });
    expect(editArgs().slice(2)).toEqual([
      ["remove", String(last - 1)],
      ["remove-1", String(last)],
    ]);
    expect(fake.addressesOf("lb")).toEqual([]);
    expect(fake.addressesOf(`${ZONE}.`)).toEqual(["198.51.100.20"]);
  });

  it("honours the TTL, and edits nothing when the zone is already right", async () => {
    seedA("203.0.113.7", 14400);
    await provider().setAddresses({ name: NAME, addresses: ["203.0.113.7"], ttl: 300 });
    expect(editArgs().slice(2)).toEqual([
      ["edit", { line_index: fake.lines.length - 1, ...a("203.0.113.7", 300) }],
    ]);
    fake.requests.length = 0;
    await provider().setAddresses({ name: NAME, addresses: ["203.0.113.7"], ttl: 300 });
    expect(calls()).toEqual([`GET ${PARSE}`]);
  });

  it("surfaces cPanel's refusal when the zone changed between read and write", async () => {
    fake.editConcurrentlyAfterNextRead();
    const error = await caught(
      provider().setAddresses({ name: NAME, addresses: ["203.0.113.7"], ttl: 60 }),
    );
    expect(error.message).toMatch(
      /^cPanel: The given serial number \(\d+\) does not match the DNS zone’s serial number \(\d+\)\. Refresh/,
    );
    expect(error.retryable).toBe(true); // reading again gets the new serial
    expect(fake.addressesOf("lb")).toEqual([]);
  });

  it("reports a server error as retryable and a refused token as not, without the token", async () => {
    fake.failNext(503);
    expect(await caught(provider().readAddresses(NAME))).toMatchObject({ retryable: true });
    const refused = await caught(provider({ apiToken: "WRONGTOKEN" }).readAddresses(NAME));
    expect(refused.retryable).toBe(false);
    expect(refused.message).toBe(
      "cPanel answered 401 Unauthorized: the username or API token was refused",
    );
  });

  it("reports an unreachable server as retryable", async () => {
    await fake.close();
    const error = await caught(provider().readAddresses(NAME));
    expect(error).toMatchObject({
      retryable: true,
      message: `cPanel: connection refused to ${new URL(fake.url).host}`,
    });
    fake = await startFakeCpanel({ zone: ZONE, username: USER, token: TOKEN }); // for afterEach
  });

  it("check reports what is served, or cPanel's error", async () => {
    seedA("203.0.113.7");
    expect(await provider().check(NAME)).toEqual({
      ok: true,
      writable: true,
      detail: `zone ${ZONE} found; ${NAME} → 203.0.113.7; write access proven (TXT _baton-check.${NAME} written and removed)`,
      addresses: ["203.0.113.7"],
    });
    expect(await provider({ zone: "other.org" }).check("lb.other.org")).toEqual({
      ok: false,
      writable: false,
      detail: "cPanel: You do not control a DNS zone named “other.org”.",
      addresses: [],
    });
  });

  it("check proves write access with a TXT record it adds and removes", async () => {
    const before = fake.lines.length;
    await provider().check(NAME);
    const edits = fake.requests.filter((request) => request.path === EDIT);
    expect(edits).toHaveLength(2);
    const added = JSON.parse(new URLSearchParams(edits[0]?.body).get("add") ?? "{}");
    expect(added).toMatchObject({ dname: `_baton-check.${NAME}.`, record_type: "TXT" });
    expect(fake.lines).toHaveLength(before); // removed again
  });

  it("check proves write access with an A record when the account may only edit A and CNAME", async () => {
    await fake.close();
    fake = await startFakeCpanel({
      zone: ZONE,
      username: USER,
      token: TOKEN,
      features: ["simplezoneedit"],
    });
    const before = fake.lines.length;
    const check = await provider().check(NAME);
    expect(check).toMatchObject({ ok: true, writable: true });
    const adds = fake.requests
      .filter((request) => request.path === EDIT)
      .map((request) => new URLSearchParams(request.body).get("add"))
      .filter((add): add is string => add !== null)
      .map((add) => JSON.parse(add));
    expect(adds.at(-1)).toMatchObject({
      dname: `baton-check.${NAME}.`,
      record_type: "A",
      data: ["192.0.2.1"],
    });
    expect(fake.lines).toHaveLength(before);
  });

  it("check fails when the account may read the zone but lacks the Zone Editor feature", async () => {
    await fake.close();
    fake = await startFakeCpanel({ zone: ZONE, username: USER, token: TOKEN, features: [] });
    const check = await provider().check(NAME);
    expect(check).toMatchObject({ ok: false, writable: false });
    expect(check.detail).toContain("but writing failed: cPanel:");
    expect(check.detail).toContain(
      "the cPanel account needs the Zone Editor feature (zoneedit or simplezoneedit)",
    );
  });

  it("refuses a name outside the zone without calling cPanel", async () => {
    const error = await caught(
      provider().setAddresses({ name: "lb.example.org", addresses: [], ttl: 60 }),
    );
    expect(error).toMatchObject({
      retryable: false,
      message: "cPanel: lb.example.org is not in zone example.com",
    });
    expect(fake.requests).toEqual([]);
  });
});
