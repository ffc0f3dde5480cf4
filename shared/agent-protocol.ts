/**
 * The agent's whole wire format, and the only part of shared/ the agent imports: what a heartbeat
 * says and gets back, how jobs are delivered, acknowledged and reported, schedule fires, HAProxy
 * stat pushes, backup uploads, release signatures, and the limits both sides hold to. The admin
 * API's schemas (pools, members, users, DNS, alerts…) stay out of the agent's bundle.
 */

export {
  CONNECT_PATH,
  HOSTNAME_HEADER,
  SOCKET_CLOSE,
  SOCKET_MESSAGE_MAX_BYTES,
  SOCKET_PING,
  SOCKET_PONG,
  SocketPush,
  SocketRequest,
} from "./agent-socket";
export {
  BACKUP_MAX_BYTES,
  JOB_ID_HEADER,
  ORIGIN_HEADER,
  SERVICE_HEADER,
  SHA256_HEADER,
  Sha256Hex,
} from "./backups";
export {
  BalancerApplyPayload,
  revisionFromHeader,
} from "./balancer-apply";
export {
  AgentCertificate,
  CERTIFICATE_DIRECTORY,
  CERTIFICATE_ID_PATTERN,
  certificateFileName,
} from "./certificates";
export { HaproxyStatReport } from "./haproxy-stat";
export {
  BalancerOnDisk,
  type HaproxySummary,
  HEARTBEAT_RTT_MAX_MS,
  Heartbeat,
  HeartbeatResponse,
  HostMetrics,
  MonitoredService,
  type NginxStatus,
  ServiceActiveState,
  type ServiceReport,
  Transport,
  Whoami,
} from "./heartbeat";
export {
  JOB_CATALOG,
  JobAck,
  JobDelivery,
  JobKind,
  JobResult,
  parseJobPayload,
} from "./jobs";
export { AGENT_ANSWER_MAX_BYTES, HAPROXY_STAT_MAX_BYTES, jsonBytes } from "./limits";
export {
  AGENT_USER_AGENT_PREFIX,
  DEFAULT_HEARTBEAT_INTERVAL_MS,
  HEARTBEAT_HEDGE_AFTER_LOSS_MS,
  HEARTBEAT_HEDGE_MS,
  OUTPUT_TAIL_MAX_CHARS,
  PROTOCOL_HEADER,
  PROTOCOL_VERSION,
} from "./protocol";
export { AGENT_SIGNATURE_PATH, ReleasePublicKey, ReleaseSignature } from "./release";
export { FiredSchedule, FireSchedule, JobSchedule } from "./schedules";
