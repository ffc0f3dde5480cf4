// The Balancer tab's pure parts: a model path in words, the parity badge, the order of a rollout.
import { describe, expect, it } from "vitest";
import { pathInWords } from "../../../../worker/dashboard/balancer/issue-path";
import { parityOf } from "../../../../worker/dashboard/balancer/parity";
import { orderInWords } from "../../../../worker/dashboard/balancer/view";

const SHA = (c: string) => c.repeat(64);

describe("pathInWords", () => {
  const model = { frontends: [{ name: "web", binds: [{ port: 1 }, { port: 70000 }] }] };
  it("names entries by their name, else by position from 1", () => {
    expect(pathInWords("frontends.0.binds.1.port", model)).toBe('frontend "web" › bind 2 › port');
    expect(pathInWords("backends.2.healthCheck.path", model)).toBe(
      "backend 3 › health check › path",
    );
    expect(pathInWords("frontends", model)).toBe("frontends");
    expect(pathInWords("", model)).toBe("the model");
  });
});

describe("parityOf", () => {
  const base = { heard: true, active: false, activeSha: SHA("a"), applied: null, problem: null };
  it("says the revision a member runs when its file is the active's", () => {
    const parity = parityOf({ ...base, onDisk: { revision: 4, sha256: SHA("a") } });
    expect(parity).toMatchObject({ kind: "same", text: "runs revision 4" });
  });
  it("says a standby's file differs from the active's", () => {
    const parity = parityOf({ ...base, onDisk: { revision: 3, sha256: SHA("b") } });
    expect(parity).toMatchObject({
      kind: "differs",
      text: "runs revision 3: differs from the active",
    });
  });
  it("calls a file that is not what its rollout step wrote drift", () => {
    const parity = parityOf({
      ...base,
      onDisk: { revision: 4, sha256: SHA("c") },
      applied: { revision: 4, sha256: SHA("a") },
    });
    expect(parity).toMatchObject({ kind: "drift", text: "drift: revision 4 edited by hand" });
  });
  it("shows nothing to compare before a member is heard or reports a managed file", () => {
    expect(parityOf({ ...base, heard: false, onDisk: null }).kind).toBe("unknown");
    expect(parityOf({ ...base, onDisk: { revision: null, sha256: null } }).kind).toBe("unmanaged");
  });
});

describe("orderInWords", () => {
  it("names the standbys first and the active last", () => {
    const order = [
      { name: "edge-c", role: "standby" as const },
      { name: "edge-b", role: "standby" as const },
      { name: "edge-a", role: "active" as const },
    ];
    expect(orderInWords(order)).toBe("standbys first: edge-c, edge-b, then the ACTIVE edge-a");
    expect(orderInWords([{ name: "edge-a", role: "active" }])).toBe("only the ACTIVE edge-a");
  });
});
