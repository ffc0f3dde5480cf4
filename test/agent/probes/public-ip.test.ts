/** The public IP probe: BATON_PUBLIC_IP as is, else whoami asked at most every 5 minutes. */
import { describe, expect, it } from "vitest";
import {
  publicIpProbe,
  WHOAMI_CACHE_MS,
  WHOAMI_RETRY_MS,
  type WhoamiClient,
} from "../../../agent/probes/public-ip";
import type { Whoami } from "../../../shared/index";

/** A fake client answering from a script: an IP string, or an Error to throw. */
function fakeClient(answers: (string | Error)[]) {
  let calls = 0;
  const client: WhoamiClient = {
    async whoami() {
      const answer = answers[calls++] ?? new Error("no more answers");
      if (answer instanceof Error) throw answer;
      const who: Whoami = { ip: answer, memberId: "m1", hostname: "edge-1", ipAllowed: true };
      return who;
    },
  };
  return { client, calls: () => calls };
}

type Step = [at: number, expected: string | undefined, callsSoFar: number];
const MIN = 60_000;

describe("publicIp probe with whoami", () => {
  const cases: [string, (string | Error)[], Step[]][] = [
    [
      "asks once, then serves the cache for 5 minutes",
      ["203.0.113.10", "203.0.113.11"],
      [
        [0, "203.0.113.10", 1],
        [MIN, "203.0.113.10", 1],
        [WHOAMI_CACHE_MS - 1, "203.0.113.10", 1],
        [WHOAMI_CACHE_MS, "203.0.113.11", 2],
      ],
    ],
    ["an IPv6 answer is not reported", ["2001:db8::1"], [[0, undefined, 1]]],
    [
      "a failure keeps the last known IP and retries after a minute",
      ["203.0.113.10", new Error("Unavailable"), "203.0.113.12"],
      [
        [0, "203.0.113.10", 1],
        [WHOAMI_CACHE_MS, "203.0.113.10", 2],
        [WHOAMI_CACHE_MS + WHOAMI_RETRY_MS - 1, "203.0.113.10", 2],
        [WHOAMI_CACHE_MS + WHOAMI_RETRY_MS, "203.0.113.12", 3],
      ],
    ],
    ["a first failure reports nothing", [new Error("down")], [[0, undefined, 1]]],
  ];
  it.each(cases)("%s", async (_name, answers, steps) => {
    const fake = fakeClient(answers);
    let now = 0;
    const probe = publicIpProbe({ client: fake.client, now: () => now });
    for (const [at, expected, calls] of steps) {
      now = at;
      const section = await probe?.collect();
      expect(section).toEqual(expected === undefined ? {} : { publicIp: expected });
      expect(fake.calls()).toBe(calls);
    }
  });

  it("BATON_PUBLIC_IP wins and whoami is never asked", async () => {
    const fake = fakeClient(["198.51.100.1"]);
    const probe = publicIpProbe({ publicIp: "203.0.113.10", client: fake.client });
    expect(await probe?.collect()).toEqual({ publicIp: "203.0.113.10" });
    expect(fake.calls()).toBe(0);
  });

  it("no probe without BATON_PUBLIC_IP or a client", () => {
    expect(publicIpProbe({})).toBeNull();
  });
});
