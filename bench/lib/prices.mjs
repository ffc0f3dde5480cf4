// Cloudflare's published prices, the one place `npm run bench:cost` and the dashboard's estimate
// read them from (decision 0023). Check them against the pages below before quoting a figure.
//   Workers:         https://developers.cloudflare.com/workers/platform/pricing/
//   Durable Objects: https://developers.cloudflare.com/durable-objects/platform/pricing/
//   D1:              https://developers.cloudflare.com/d1/platform/pricing/
export const PRICES = {
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
    workerRequestsIncludedPerMonth: 10_000_000,
    workerUsdPerMillion: 0.3,
    objectRequestsIncludedPerMonth: 1_000_000,
    objectUsdPerMillion: 0.15,
    objectGbSecondsIncludedPerMonth: 400_000,
    objectUsdPerMillionGbSeconds: 12.5,
    d1RowsReadIncludedPerMonth: 25_000_000_000,
    d1ReadUsdPerMillion: 0.001,
    d1RowsWrittenIncludedPerMonth: 50_000_000,
    d1WriteUsdPerMillion: 1,
  },
  /** A Durable Object is billed for 128 MB while it is in memory. */
  objectGb: 128 / 1024,
};
