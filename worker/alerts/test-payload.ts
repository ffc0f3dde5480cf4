import type { AlertPayload } from "../../shared/alerts";
import type { PoolRow } from "../db/schema/pools";
import { slackEscape } from "./payload";

/**
 * The body of "Send test event": an `alert.test` shaped like every other alert (same fields,
 * same signature), so a receiver that accepts it will accept a real failover alert.
 */
export function testPayload(pool: PoolRow, actor: string, now: number): AlertPayload {
  const message = `Test event sent by ${actor}: Baton's alerts reach this webhook`;
  return {
    id: `evt_test_${crypto.randomUUID()}`,
    type: "alert.test",
    poolId: pool.id,
    poolName: pool.name,
    memberId: null,
    message,
    text: `:information_source: *${slackEscape(pool.name)}*: ${slackEscape(message)}`,
    data: {},
    at: now,
    sentAt: now,
  };
}
