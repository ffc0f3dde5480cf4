/** Which servers a drain/ready job selects, from `show stat` captured on HAProxy 2.6. */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { selectServers } from "../../../agent/jobs/server-state";
import { parseShowStat } from "../../../agent/parsers/haproxy-stat";

const rows = parseShowStat(
  readFileSync(join(__dirname, "../fixtures/haproxy-2.6-show-stat.csv"), "utf8"),
);

describe("selectServers", () => {
  it("selects one server or every server of the backend", () => {
    expect(selectServers(rows, { backend: "be_app", server: "app2" })).toEqual(["app2"]);
    expect(selectServers(rows, { backend: "be_app" })).toEqual(["app1", "app2"]);
  });

  it("names an unknown backend or server", () => {
    expect(() => selectServers(rows, { backend: "be_none" })).toThrow("no such backend: be_none");
    expect(() => selectServers(rows, { backend: "fe_web" })).toThrow("no such backend: fe_web");
    expect(() => selectServers(rows, { backend: "be_app", server: "app3" })).toThrow(
      "no such server: be_app/app3",
    );
  });
});
