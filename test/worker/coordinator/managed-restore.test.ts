/**
 * A restore writes the balancer's config file from a backup, so on a pool whose balancer config
 * is managed by Baton it is refused like raw config apply (409 `balancer_managed`) until an
 * admin detaches the pool: otherwise a restore would silently replace the live revision.
 */
import { describe, expect, it } from "vitest";
import type { ErrorBody } from "../../../shared/errors";
import { stored } from "../backups/uploads";
import { admin, expectError, queueJob } from "../helpers";
import { at, poolOf, rolloutNow, runApplies, startRollout } from "../rollouts/world";

describe("restore on a managed pool", { timeout: 20_000 }, () => {
  it("is refused with balancer_managed until an admin detaches the pool's managed config", async () => {
    const { pool, members } = await poolOf(1);
    const member = at(members, 0);
    const memberId = member.enrolled.member.id;
    const { backup } = await stored(member.enrolled);
    const restore = { kind: "haproxy.restore", payload: { backupId: backup.id } };
    const started = await startRollout(pool.id, { revision: 1 });
    await runApplies(member);
    expect((await rolloutNow(pool.id, started.body.rollout.id)).status).toBe("succeeded");

    const refused = await admin(`/members/${memberId}/jobs`, { body: restore });
    expectError(refused, 409, "balancer_managed");
    expect((refused.body as ErrorBody).error.message).toMatch(
      /haproxy\.restore would replace the managed config.*revision 1 is live.*balancer\/detach/,
    );
    const nginx = { kind: "nginx.restore", payload: { backupId: backup.id } };
    expectError(await admin(`/members/${memberId}/jobs`, { body: nginx }), 409, "balancer_managed");

    await admin(`/pools/${pool.id}/balancer/detach`, { method: "POST" });
    expect((await queueJob(memberId, restore)).kind).toBe("haproxy.restore");
  });
});
