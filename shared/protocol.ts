/** Wire protocol version spoken by agents and the control plane. */
export const PROTOCOL_VERSION = 1;
/** Protocol versions this build of the control plane accepts. */
export const SUPPORTED_PROTOCOL_VERSIONS: readonly number[] = [1];

/** Header an agent sends with its protocol version; a request without it speaks version 1. */
export const PROTOCOL_HEADER = "X-Baton-Protocol";
/** Agents identify themselves with `User-Agent: baton-agent/<version>`. */
export const AGENT_USER_AGENT_PREFIX = "baton-agent/";
/** Request id header set on every control plane response. */
export const REQUEST_ID_HEADER = "X-Request-Id";

/** Length of a member's enrollment secret, in characters. */
export const ENROLLMENT_SECRET_LENGTH = 48;
/** The largest job output tail an agent may report, in characters (64 KiB). */
export const OUTPUT_TAIL_MAX_CHARS = 64 * 1024;

/** Failover delay bounds in seconds: how long the active may stay silent before it is down. */
export const FAILOVER_DELAY_S = { min: 3, max: 120, default: 10 } as const;

/** Default heartbeat interval the control plane hands to agents. */
export const DEFAULT_HEARTBEAT_INTERVAL_MS = 1_000;
