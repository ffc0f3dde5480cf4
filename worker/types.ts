import type { Role } from "../shared/tokens";
import type { Config } from "./config";
import type { AgentCaller } from "./coordinator/catalog";
import type { Db } from "./db/client";

/** Who is calling the admin API: `bootstrap` (ADMIN_TOKEN), `token:<id>` or `user:<id>`. */
export interface Actor {
  id: string;
  role: Role;
}

/** An agent request whose secret belongs to a member of `poolId`; the coordinator checks the rest. */
export interface AgentRequest {
  poolId: string;
  caller: AgentCaller;
}

/** A signed-in dashboard user (session cookie); its actor is `user:<userId>` with its role. */
export interface DashboardSession {
  userId: string;
  username: string;
  role: Role;
  /** The session's CSRF token: every form carries it as `_csrf`, scripts as `X-Baton-CSRF`. */
  csrf: string;
}

export interface AppEnv {
  Bindings: Env;
  Variables: {
    requestId: string;
    config: Config;
    db: Db;
    actor: Actor;
    agent: AgentRequest;
    /** Set for requests authenticated by a dashboard session cookie. */
    session: DashboardSession;
  };
}
