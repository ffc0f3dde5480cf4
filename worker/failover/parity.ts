/**
 * Config parity (issue #16): with a managed balancer, a standby is ready only when it runs the
 * same config as the active, so a failover never moves traffic to a member whose balancer
 * does something else. "The same" is the SHA-256 of the file on disk each agent reports
 * (identical text on every member: the renderers reference certificates relatively); the
 * revision numbers only make the reason readable.
 */
import type { BalancerOnDisk } from "../../shared/heartbeat";

/**
 * Why `member`'s balancer config keeps it from being ready, or null: it lacks one, or its file
 * hashes differently from the active's. Null when parity is not required, for the active itself,
 * and when the active has not reported its file (nothing to compare with).
 */
export function parityProblem(
  member: BalancerOnDisk | null | undefined,
  active: BalancerOnDisk | null | undefined,
  required: boolean,
): string | null {
  if (!required || !active?.sha256) return null;
  if (member?.sha256 === active.sha256) return null;
  const theActive =
    active.revision === null
      ? "the active runs a config without a revision header"
      : `the active runs revision ${active.revision}`;
  if (!member?.sha256) return `no managed balancer config reported (${theActive})`;
  if (member.revision !== null && member.revision === active.revision) {
    return `balancer config differs from the active's (both say revision ${member.revision}: edited by hand?)`;
  }
  const own =
    member.revision === null
      ? "a balancer config without a revision header"
      : `balancer revision ${member.revision}`;
  return `runs ${own}, ${theActive}`;
}
