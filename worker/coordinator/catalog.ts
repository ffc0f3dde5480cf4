import { eq } from "drizzle-orm";
import type { Db } from "../db/client";
import { type MemberRow, memberCredentials, members } from "../db/schema/members";
import { ipAllowed } from "../lib/ip";
import { type Outcome, ok, refuse } from "./outcome";

/** An agent request as the Worker resolved it: who it claims to be, and from where. */
export interface AgentCaller {
  memberId: string;
  secretHash: string;
  ip: string;
}

interface Entry {
  row: MemberRow;
  secretHash: string;
}

export const BAD_SECRET_MESSAGE =
  "The enrollment secret is missing or unknown: rotate the member's secret and update /etc/baton/agent.env";

/**
 * The pool's members and their current secret hashes, held by the coordinator. Every change to
 * a member goes through the coordinator, so this copy is always current, and an agent request is
 * checked here without a D1 query: a rotated secret or a new allowed-IP list applies at once.
 */
export class MemberCatalog {
  private entries = new Map<string, Entry>();

  async load(db: Db, poolId: string): Promise<void> {
    const rows = await db
      .select({ row: members, secretHash: memberCredentials.secretHash })
      .from(members)
      .innerJoin(memberCredentials, eq(memberCredentials.memberId, members.id))
      .where(eq(members.poolId, poolId));
    this.entries = new Map(rows.map((entry) => [entry.row.id, entry]));
  }

  rows(): MemberRow[] {
    return [...this.entries.values()].map((entry) => entry.row);
  }

  get(memberId: string): MemberRow | undefined {
    return this.entries.get(memberId)?.row;
  }

  put(row: MemberRow, secretHash?: string): void {
    const known = this.entries.get(row.id);
    const hash = secretHash ?? known?.secretHash;
    if (hash) this.entries.set(row.id, { row, secretHash: hash });
  }

  delete(memberId: string): void {
    this.entries.delete(memberId);
  }

  clear(): void {
    this.entries.clear();
  }

  /** Checks, in order: the secret (401), then the caller's address (403) unless `checkIp` is off. */
  verify(caller: AgentCaller, options: { checkIp: boolean }): Outcome<MemberRow> {
    const entry = this.entries.get(caller.memberId);
    if (!entry || entry.secretHash !== caller.secretHash)
      return refuse("bad_secret", BAD_SECRET_MESSAGE);
    if (options.checkIp && !ipAllowed(caller.ip, entry.row.allowedIps)) {
      return refuse(
        "ip_not_allowed",
        `Requests from ${caller.ip} are not allowed for member ${entry.row.name}: add it to the member's allowed IPs`,
      );
    }
    return ok(entry.row);
  }
}
