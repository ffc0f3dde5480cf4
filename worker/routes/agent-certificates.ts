import { Hono } from "hono";
import { certificateFile } from "../certificates/store";
import { coordinatorFor } from "../coordinator/client";
import { unwrap } from "../coordinator/outcome";
import { requireSecretsKey } from "../dns/settings";
import type { AppEnv } from "../types";

/**
 * The agent fetches a certificate its `balancer.apply` job names (jobs carry only id and hash, no
 * key material). The caller is checked as a heartbeat is (secret, address); only members of the
 * certificate's pool get it: another pool's certificate is answered like a missing one.
 */
export const agentCertificateRoutes = new Hono<AppEnv>().get("/certificates/:certId", async (c) => {
  const { poolId, caller } = c.get("agent");
  unwrap(await coordinatorFor(c.env, poolId).verifyAgent(poolId, caller));
  const key = requireSecretsKey(c.get("config").secretsKey);
  const file = await certificateFile(c.get("db"), key, poolId, c.req.param("certId"));
  c.header("Cache-Control", "no-store");
  return c.json(file);
});
