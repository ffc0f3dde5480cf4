import { coordinatorFor } from "../../coordinator/client";
import type { MemberRow } from "../../db/schema/members";
import type { PoolRow } from "../../db/schema/pools";
import { backendChoices, type ServerChoices } from "./server-choices";

/**
 * The drain and ready pickers' choices from the member's latest HAProxy table. Asking for it
 * also makes the agent send a fresh one with its next heartbeats, as the Status tab does.
 */
export async function loadServerChoices(
  env: Env,
  pool: PoolRow,
  member: MemberRow,
): Promise<ServerChoices> {
  if (pool.profile === "nginx") {
    return { kind: "none", reason: "This pool balances with nginx: it has no HAProxy backends." };
  }
  const table = await coordinatorFor(env, pool.id).haproxyStat(pool.id, member.id);
  if (!table.ok || table.value.collectedAt === null) {
    return {
      kind: "none",
      reason: `No HAProxy table from ${member.name} yet: its agent sends one with its next heartbeats while this page is open; reload to pick from it.`,
    };
  }
  const { collectedAt, rows } = table.value;
  return { kind: "table", collectedAt, backends: backendChoices(rows) };
}
