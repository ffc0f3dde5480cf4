import type { Role } from "../shared/tokens";
import type { Config } from "./config";
import type { Db } from "./db/client";
import type { MemberRow } from "./db/schema/members";
import type { PoolRow } from "./db/schema/pools";

/** Who is calling the admin API: `bootstrap` (ADMIN_TOKEN) or `token:<id>`. */
export interface Actor {
  id: string;
  role: Role;
}

/** An agent that passed the secret, IP and hostname checks. */
export interface AgentIdentity {
  member: MemberRow;
  pool: PoolRow;
  ip: string;
}

export interface AppEnv {
  Bindings: Env;
  Variables: {
    requestId: string;
    config: Config;
    db: Db;
    actor: Actor;
    agent: AgentIdentity;
  };
}
