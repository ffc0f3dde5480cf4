import { z } from "zod";
import { EventType } from "./events";

/** Event types a pool alerts on unless told otherwise: the ones someone should act on. */
export const DEFAULT_ALERT_EVENTS = [
  "failover.promoted",
  "failover.no_ready_standby",
  "member.offline",
  "member.online",
  "dns.error",
  "dns.recovered",
  "certificate.expiring",
  "certificate.expired",
] as const satisfies readonly EventType[];

/**
 * Where a pool's alerts go. The URL is normalised (zod's WHATWG parse); which hosts the control
 * plane may call (https to public addresses, loopback only in development) is its own rule,
 * checked when the URL is saved and before every delivery (worker/lib/outbound-url.ts).
 */
export const AlertSettings = z.strictObject({
  url: z
    .url({ protocol: /^https?$/, normalize: true, error: "must be an http(s):// URL" })
    .max(2048, "must be at most 2048 characters"),
  /** Signs every delivery (X-Baton-Signature); the receiver holds the same secret. */
  secret: z
    .string()
    .min(16, "must be at least 16 characters")
    .max(256, "must be at most 256 characters"),
  events: z.array(EventType).default([...DEFAULT_ALERT_EVENTS]),
  /** Off: the settings are kept, but no new event is sent until they are on again. */
  enabled: z.boolean().default(true),
});
export type AlertSettings = z.infer<typeof AlertSettings>;

/** What a webhook receives: one event of one pool, with a Slack-compatible `text`. */
export const AlertPayload = z.object({
  /** The event's id: the same on every retry, so receivers dedupe on it. */
  id: z.string(),
  /** An event type, or `alert.test` for the dashboard's "Send test event" (never recorded). */
  type: z.union([EventType, z.literal("alert.test")]),
  poolId: z.string(),
  poolName: z.string(),
  memberId: z.string().nullable(),
  message: z.string(),
  /** One line for chat: an emoji by severity, the pool and the message. */
  text: z.string(),
  data: z.record(z.string(), z.unknown()),
  /** When the event happened (epoch ms). */
  at: z.number(),
  /** When this attempt was sent (epoch ms); changes on every retry. */
  sentAt: z.number(),
});
export type AlertPayload = z.infer<typeof AlertPayload>;
