/**
 * A member carries traffic only with a public unicast IPv4, or a private one when the pool is a
 * lab: 0.0.0.0, broadcast, multicast and loopback never, whatever the pool says.
 */
import { describe, expect, it } from "vitest";
import type { ErrorBody } from "../../../shared/errors";
import type { Pool } from "../../../shared/pools";
import { admin, createPool, enroll, expectError, heartbeat } from "../helpers";

interface FailoverView {
  activeMemberId: string | null;
  members: { id: string; ready: boolean }[];
}

async function poolWithMemberAt(publicIp: string, allowPrivateAddresses: boolean) {
  const pool = await createPool({ allowPrivateAddresses });
  const edge = await enroll(pool.id);
  const beat = await heartbeat(edge, {
    publicIp,
    services: { haproxy: { installed: true, activeState: "active" } },
  });
  // The heartbeat is accepted: the member is online, only not ready.
  expect(beat.status).toBe(200);
  const failover = await admin<{ failover: FailoverView }>(`/pools/${pool.id}/failover`);
  const pooled = await admin<{ pool: Pool }>(`/pools/${pool.id}`);
  return {
    active: pooled.body.pool.activeMemberId,
    ready: failover.body.failover.members[0]?.ready,
    memberId: edge.member.id,
  };
}

describe("public IP of a member", () => {
  it.each([
    "0.0.0.0",
    "0.1.2.3",
    "255.255.255.255",
    "224.0.0.1",
    "239.255.255.250",
    "240.0.0.1",
    "127.0.0.1",
  ])("%s is never promoted, not even in a lab pool", async (publicIp) => {
    for (const lab of [false, true]) {
      const { active, ready } = await poolWithMemberAt(publicIp, lab);
      expect(ready).toBe(false);
      expect(active).toBeNull();
    }
  });

  it.each([
    "10.0.0.5",
    "172.16.0.5",
    "192.168.1.5",
    "100.64.0.5",
    "169.254.1.5",
    "192.0.2.5",
    "198.51.100.5",
    "203.0.113.5",
  ])("private or documentation address %s is promoted only in a lab pool", async (publicIp) => {
    const production = await poolWithMemberAt(publicIp, false);
    expect(production.ready).toBe(false);
    expect(production.active).toBeNull();
    const lab = await poolWithMemberAt(publicIp, true);
    expect(lab.ready).toBe(true);
    expect(lab.active).toBe(lab.memberId);
  });

  it("a manual promote to a private address outside a lab says why it is refused", async () => {
    const { memberId, active } = await poolWithMemberAt("10.0.0.5", false);
    expect(active).toBeNull();
    const member = await admin<{ member: { poolId: string } }>(`/members/${memberId}`);
    const promoted = await admin(`/pools/${member.body.member.poolId}/failover/promote`, {
      body: { memberId },
    });
    expectError(promoted, 409, "member_not_ready");
    expect((promoted.body as ErrorBody).error.message).toContain(
      "public IP 10.0.0.5 is not public (private 10.0.0.0/8)",
    );
  });

  it("a public address is promoted in any pool", async () => {
    const { active, memberId } = await poolWithMemberAt("8.8.4.4", false);
    expect(active).toBe(memberId);
  });

  it("a new pool is not a lab; the setting can be turned on later", async () => {
    const created = await admin<{ pool: Pool }>("/pools", {
      body: { name: "edge", failoverHostname: "lb-lab-default.example.com" },
    });
    expect(created.body.pool.allowPrivateAddresses).toBe(false);
    const updated = await admin<{ pool: Pool }>(`/pools/${created.body.pool.id}`, {
      method: "PATCH",
      body: { allowPrivateAddresses: true },
    });
    expect(updated.status).toBe(200);
    expect(updated.body.pool.allowPrivateAddresses).toBe(true);
  });
});
