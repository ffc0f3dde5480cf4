/**
 * What running a pool costs on Cloudflare (decision 0023): the published prices, kept here and
 * nowhere else, and the arithmetic both `npm run bench:cost` (on measured counts) and the pool
 * Settings page (on an estimate) use. Check the prices against these pages before quoting them:
 * developers.cloudflare.com/workers/platform/pricing/, …/durable-objects/platform/pricing/,
 * …/d1/platform/pricing/.
 */
export const CLOUDFLARE_PRICES = {
  checked: "2026-12",
  /** Incoming WebSocket messages count as one billed Durable Object request per this many. */
  websocketMessagesPerRequest: 20,
  free: {
    workerRequestsPerDay: 100_000,
    objectRequestsPerDay: 100_000,
    objectGbSecondsPerDay: 13_000,
    d1RowsReadPerDay: 5_000_000,
    d1RowsWrittenPerDay: 100_000,
  },
  paid: {
    usdPerMonth: 5,
    workerUsdPerMillion: 0.3,
    objectUsdPerMillion: 0.15,
    objectUsdPerMillionGbSeconds: 12.5,
    objectGbSecondsIncludedPerMonth: 400_000,
    d1ReadUsdPerMillion: 0.001,
    d1WriteUsdPerMillion: 1,
  },
  /** A Durable Object is billed for 128 MB while it is in memory. */
  objectGb: 128 / 1024,
} as const;

const DAY_S = 86_400;
const MONTH_DAYS = 30;

/**
 * WebSocket (re)connections per member-day, assumed: deploys and network changes drop sockets
 * now and then. Each costs one Worker request and one object request.
 */
export const CONNECTS_PER_MEMBER_DAY = 24;

/** Billed units per day. */
export interface DailyUnits {
  workerRequests: number;
  objectRequests: number;
  d1RowsRead: number;
  d1RowsWritten: number;
}

/** Dollars per month on the paid plan beyond what its base price includes. */
export function paidUsdPerMonth(units: DailyUnits): number {
  const p = CLOUDFLARE_PRICES.paid;
  const perMonth = (perDay: number, usdPerMillion: number) =>
    (perDay * MONTH_DAYS * usdPerMillion) / 1e6;
  return (
    perMonth(units.workerRequests, p.workerUsdPerMillion) +
    perMonth(units.objectRequests, p.objectUsdPerMillion) +
    perMonth(units.d1RowsRead, p.d1ReadUsdPerMillion) +
    perMonth(units.d1RowsWritten, p.d1WriteUsdPerMillion)
  );
}

/** The largest share of a free-plan daily allowance the units use (1 = all of one). */
export function freePlanShare(units: DailyUnits): number {
  const f = CLOUDFLARE_PRICES.free;
  return Math.max(
    units.workerRequests / f.workerRequestsPerDay,
    units.objectRequests / f.objectRequestsPerDay,
    units.d1RowsRead / f.d1RowsReadPerDay,
    units.d1RowsWritten / f.d1RowsWrittenPerDay,
  );
}

export interface PoolShape {
  members: number;
  intervalMs: number;
  transport: "ws" | "http";
  /** Alarms a day (failover deadlines, samples): measured by bench:cost, about one per 7.5 s at 1 s. */
  alarmsPerDay: number;
  /** D1 rows one member's samples write a day. */
  rowsWrittenPerMemberDay: number;
}

/**
 * A pool's billed units per day from its shape: every heartbeat is a Worker request plus an object
 * request over HTTP, a twentieth of an object request over a WebSocket (plus reconnects).
 */
export function estimatePoolDay(pool: PoolShape): DailyUnits {
  const beats = (DAY_S * 1000) / pool.intervalMs;
  const perMember =
    pool.transport === "ws"
      ? {
          workerRequests: CONNECTS_PER_MEMBER_DAY,
          objectRequests:
            beats / CLOUDFLARE_PRICES.websocketMessagesPerRequest + CONNECTS_PER_MEMBER_DAY,
        }
      : { workerRequests: beats, objectRequests: beats };
  return {
    workerRequests: perMember.workerRequests * pool.members,
    objectRequests: perMember.objectRequests * pool.members + pool.alarmsPerDay,
    d1RowsRead: 0,
    d1RowsWritten: pool.rowsWrittenPerMemberDay * pool.members,
  };
}

/** GB-s a day of a coordinator that never idles long enough to hibernate (1 s beats). */
export const ALWAYS_ON_GB_SECONDS_PER_DAY = CLOUDFLARE_PRICES.objectGb * DAY_S;
