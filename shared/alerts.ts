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
] as const satisfies readonly EventType[];

/** Host of a normalised http(s) URL: `localhost`, `127.0.0.1`, `[::1]`, `example.com`. */
function hostOf(href: string): string {
  return /^https?:\/\/(?:[^@/]*@)?(\[[^\]]*\]|[^/:]*)/.exec(href)?.[1] ?? "";
}

/** Plain http is allowed only to this machine, for local development and tests. */
function isLoopback(host: string): boolean {
  return host === "localhost" || host === "[::1]" || /^127(?:\.\d{1,3}){3}$/.test(host);
}

/**
 * Where a pool's alerts go. The URL is normalised (zod's WHATWG parse) before the loopback
 * check, so spellings such as `http://evil.com\@localhost` cannot pass as local.
 */
export const AlertSettings = z.strictObject({
  url: z
    .url({ protocol: /^https?$/, normalize: true, error: "must be an http(s):// URL" })
    .refine(
      (url) => !url.startsWith("http:") || isLoopback(hostOf(url)),
      "must use https:// (http:// is allowed only for localhost and 127.0.0.0/8)",
    ),
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
  type: EventType,
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
