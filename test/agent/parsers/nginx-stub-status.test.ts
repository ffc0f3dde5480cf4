/** nginx `stub_status` parser against a capture from a real nginx 1.22 (fixtures/). */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { parseStubStatus } from "../../../agent/parsers/nginx-stub-status";
import { NginxStatus } from "../../../shared/heartbeat";

const capture = readFileSync(
  join(import.meta.dirname, "..", "fixtures", "nginx-1.22-stub-status.txt"),
  "utf8",
);

describe("parseStubStatus", () => {
  it("reads every counter of nginx 1.22's page, within the heartbeat contract", () => {
    const status = parseStubStatus(capture);
    expect(status).toEqual({
      activeConnections: 2,
      accepts: 2,
      handled: 2,
      requests: 7,
      reading: 0,
      writing: 1,
      waiting: 1,
    });
    expect(NginxStatus.parse(status)).toEqual(status);
  });

  it.each([
    ["an HTML page", "<html><body>Welcome to nginx!</body></html>"],
    ["a truncated page", "Active connections: 2 \nserver accepts handled requests\n 2 2 7 \n"],
    ["an empty body", ""],
  ])("refuses %s", (_name, text) => {
    expect(() => parseStubStatus(text)).toThrow(/stub_status/);
  });
});
