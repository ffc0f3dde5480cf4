import { Hono } from "hono";
import { createMiddleware } from "hono/factory";
import {
  AGENT_REQUEST_MAX_BYTES,
  HAPROXY_STAT_MAX_BYTES,
  HEARTBEAT_MAX_BYTES,
  JOB_RESULT_MAX_BYTES,
} from "../../shared/limits";
import { PROTOCOL_HEADER, SUPPORTED_PROTOCOL_VERSIONS } from "../../shared/protocol";
import type { FiredSchedule } from "../../shared/schedules";
import { resolveAgent } from "../auth/agent";
import { coordinatorFor } from "../coordinator/client";
import { unwrap } from "../coordinator/outcome";
import { ApiError } from "../errors";
import { bodyCap } from "../middleware/body-cap";
import type { AppEnv } from "../types";
import { agentBackupRoutes } from "./agent-backups";
import { agentCertificateRoutes } from "./agent-certificates";
import { agentSocketRoute } from "./agent-socket";

/** A request without the protocol header speaks version 1; an unknown version gets 426. */
const protocolCheck = createMiddleware<AppEnv>(async (c, next) => {
  const sent = c.req.header(PROTOCOL_HEADER)?.trim() || "1";
  if (!SUPPORTED_PROTOCOL_VERSIONS.includes(Number(sent))) {
    const supported = SUPPORTED_PROTOCOL_VERSIONS.join(", ");
    throw new ApiError(
      "unsupported_protocol",
      `This control plane speaks protocol version ${supported}; the agent sent ${sent}. Update the agent or the control plane so they match.`,
    );
  }
  await next();
});

/**
 * Agent API. Which member a secret belongs to is found here; the pool's coordinator checks the
 * rest (current secret, caller address, body, hostname), so bodies go to it unparsed, once they
 * are known to be within their cap (a Durable Object call refuses a big one with a 500). Backup
 * uploads have their own cap and quotas (worker/backups/upload.ts).
 */
export const agentRoutes = new Hono<AppEnv>()
  .use("*", protocolCheck)
  .use("*", resolveAgent)
  .post("/heartbeat", bodyCap(HEARTBEAT_MAX_BYTES, "A heartbeat"), async (c) => {
    const { poolId, caller } = c.get("agent");
    const body = await c.req.text();
    return c.json(unwrap(await coordinatorFor(c.env, poolId).heartbeat(poolId, caller, body)));
  })
  .get("/whoami", async (c) => {
    const { poolId, caller } = c.get("agent");
    return c.json(unwrap(await coordinatorFor(c.env, poolId).whoami(poolId, caller)));
  })
  .post("/jobs/:jobId/ack", bodyCap(AGENT_REQUEST_MAX_BYTES, "A job ack"), async (c) => {
    const { poolId, caller } = c.get("agent");
    const body = await c.req.text();
    const coordinator = coordinatorFor(c.env, poolId);
    const job = unwrap(await coordinator.ackJob(poolId, caller, c.req.param("jobId"), body));
    return c.json({ job: { id: job.id, status: job.status } });
  })
  .post("/jobs/:jobId/result", bodyCap(JOB_RESULT_MAX_BYTES, "A job result"), async (c) => {
    const { poolId, caller } = c.get("agent");
    const body = await c.req.text();
    const coordinator = coordinatorFor(c.env, poolId);
    const job = unwrap(
      await coordinator.reportJobResult(poolId, caller, c.req.param("jobId"), body),
    );
    return c.json({ job: { id: job.id, status: job.status } });
  })
  .post(
    "/schedules/:scheduleId/fire",
    bodyCap(AGENT_REQUEST_MAX_BYTES, "A schedule fire"),
    async (c) => {
      const { poolId, caller } = c.get("agent");
      const body = await c.req.text();
      const coordinator = coordinatorFor(c.env, poolId);
      const { job, created } = unwrap(
        await coordinator.fireSchedule(poolId, caller, c.req.param("scheduleId"), body),
      );
      // A repeated fire of the same minute answers with the job the first one queued.
      const fired: FiredSchedule = { job: { id: job.id, kind: job.kind, status: job.status } };
      return c.json(fired, created ? 201 : 200);
    },
  )
  .post("/haproxy/stat", bodyCap(HAPROXY_STAT_MAX_BYTES, "A status table"), async (c) => {
    const { poolId, caller } = c.get("agent");
    const body = await c.req.text();
    unwrap(await coordinatorFor(c.env, poolId).reportHaproxyStat(poolId, caller, body));
    return c.body(null, 204);
  })
  .route("/", agentSocketRoute)
  .route("/", agentBackupRoutes)
  .route("/", agentCertificateRoutes);
