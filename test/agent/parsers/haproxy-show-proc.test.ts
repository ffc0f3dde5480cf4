/** HAProxy master CLI `show proc` parser against answers captured from HAProxy 2.6.12. */
import { describe, expect, it } from "vitest";
import { parseShowProc } from "../../../agent/parsers/haproxy-show-proc";

const AFTER_FAILED_RELOAD = `#<PID>          <type>          <reloads>       <uptime>        <version>
16069           master          2 [failed: 1]   0d00h00m16s     2.6.12-1+deb12u4
# workers
16322           worker          1               0d00h00m01s     2.6.12-1+deb12u4
# programs

`;

const DURING_RELOAD = `#<PID>          <type>          <reloads>       <uptime>        <version>
16069           master          3 [failed: 0]   0d00h00m17s     2.6.12-1+deb12u4
# workers
16357           worker          0               0d00h00m01s     2.6.12-1+deb12u4
# old workers
16322           worker          1               0d00h00m02s     2.6.12-1+deb12u4
# programs
`;

describe("parseShowProc", () => {
  it.each([
    {
      name: "a refused reload",
      text: AFTER_FAILED_RELOAD,
      want: { masterPid: 16069, reloads: 2, failedReloads: 1, workers: [16322], oldWorkers: [] },
    },
    {
      name: "old workers finishing",
      text: DURING_RELOAD,
      want: {
        masterPid: 16069,
        reloads: 3,
        failedReloads: 0,
        workers: [16357],
        oldWorkers: [16322],
      },
    },
  ])("reads $name", ({ text, want }) => {
    expect(parseShowProc(text)).toEqual(want);
  });

  it("returns undefined for an answer without a master line", () => {
    expect(parseShowProc("Unknown command.\n")).toBeUndefined();
  });
});
