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

/**
 * A member beats at least this many times per failover delay. What the coordinator hears of a
 * short network blip is the time since the last beat (up to one interval), the blip, and the
 * agent's reconnect (its next attempt on a fresh connection, at most HEARTBEAT_HEDGE_AFTER_LOSS_MS after
 * the network is back): a 2 s blip at the 3 s floor is 0.5 + 2 + 0.1 s of silence, under the
 * delay, so it does not flip. With one beat a second it was up to 1 + 2 + 1 s, and it flipped.
 */
export const HEARTBEATS_PER_FAILOVER_DELAY = 6;

/**
 * The interval a pool's members beat at: the control plane's interval, shortened for short
 * failover delays (500 ms at 3 s, 833 ms at 5 s, the default from 6 s on).
 */
export function heartbeatIntervalFor(baseIntervalMs: number, failoverDelayS: number): number {
  const perDelay = Math.floor((failoverDelayS * 1000) / HEARTBEATS_PER_FAILOVER_DELAY);
  return Math.min(baseIntervalMs, perDelay);
}

/**
 * An agent whose beat has no answer after this long sends it again on a fresh connection (and
 * again after as long, within the beat's timeout): a packet lost in a blip is not waited out
 * through TCP's retransmissions, whose first retry of a connection comes only after 1 s.
 */
export const HEARTBEAT_HEDGE_MS = 250;

/**
 * The same, once a beat went unanswered: the network is losing packets, so a fresh connection
 * leaves every 100 ms until one is answered (under a loaded machine the 250 ms step left too
 * little of a 3 s delay: a 2 s blip flipped 1 of 3 runs at load 24).
 */
export const HEARTBEAT_HEDGE_AFTER_LOSS_MS = 100;
