import { Hono } from "hono";
import { createMiddleware } from "hono/factory";
import { Heartbeat } from "../../shared/heartbeat";
import { JobAck, JobResult } from "../../shared/jobs";
import { PROTOCOL_HEADER, SUPPORTED_PROTOCOL_VERSIONS } from "../../shared/protocol";
import { authenticateAgent } from "../auth/agent";
import { coordinatorFor } from "../coordinator/client";
import { unwrap } from "../coordinator/outcome";
import { ApiError } from "../errors";
import { ipAllowed } from "../lib/ip";
import type { AppEnv } from "../types";
import { validate } from "../validation";

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

export const agentRoutes = new Hono<AppEnv>()
  .use("*", protocolCheck)
  .post(
    "/heartbeat",
    authenticateAgent({ checkIp: true }),
    validate("json", Heartbeat),
    async (c) => {
      const { member, pool } = c.get("agent");
      const report = c.req.valid("json");
      if (report.hostname.toLowerCase() !== member.hostname) {
        throw new ApiError(
          "hostname_mismatch",
          `This secret belongs to ${member.hostname}, but the agent runs on ${report.hostname}: use the secret enrolled for this host`,
        );
      }
      const response = await coordinatorFor(c.env, pool.id).heartbeat({ pool, member, report });
      return c.json(response);
    },
  )
  .get("/whoami", authenticateAgent({ checkIp: false }), (c) => {
    const { member, ip } = c.get("agent");
    return c.json({
      ip,
      memberId: member.id,
      hostname: member.hostname,
      ipAllowed: ipAllowed(ip, member.allowedIps),
    });
  })
  .post(
    "/jobs/:jobId/ack",
    authenticateAgent({ checkIp: true }),
    validate("json", JobAck),
    async (c) => {
      const { member, pool } = c.get("agent");
      const { startedAt } = c.req.valid("json");
      const outcome = await coordinatorFor(c.env, pool.id).ackJob(
        pool.id,
        member.id,
        c.req.param("jobId"),
        startedAt,
      );
      const job = unwrap(outcome);
      return c.json({ job: { id: job.id, status: job.status } });
    },
  )
  .post(
    "/jobs/:jobId/result",
    authenticateAgent({ checkIp: true }),
    validate("json", JobResult),
    async (c) => {
      const { member, pool } = c.get("agent");
      const outcome = await coordinatorFor(c.env, pool.id).reportJobResult(
        pool.id,
        member.id,
        c.req.param("jobId"),
        c.req.valid("json"),
      );
      const job = unwrap(outcome);
      return c.json({ job: { id: job.id, status: job.status } });
    },
  );
