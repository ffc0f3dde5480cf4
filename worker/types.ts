import type { Role } from "../shared/tokens";
import type { Config } from "./config";
import type { AgentCaller } from "./coordinator/catalog";
import type { Db } from "./db/client";

/** Who is calling the admin API: `bootstrap` (ADMIN_TOKEN) or `token:<id>`. */
export interface Actor {
  id: string;
  role: Role;
}

/** An agent request whose secret belongs to a member of `poolId`; the coordinator checks the rest. */
export interface AgentRequest {
  poolId: string;
  caller: AgentCaller;
}

export interface AppEnv {
  Bindings: Env;
  Variables: {
    requestId: string;
    config: Config;
    db: Db;
    actor: Actor;
    agent: AgentRequest;
  };
}
