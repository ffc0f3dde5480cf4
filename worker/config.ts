import { z } from "zod";
import { DEFAULT_HEARTBEAT_INTERVAL_MS } from "../shared/protocol";

/** How often each pool writes its members' figures to D1 for charts, by default. */
export const DEFAULT_METRIC_SAMPLE_INTERVAL_S = 30;

const ConfigSchema = z.object({
  ADMIN_TOKEN: z.string().min(24, "ADMIN_TOKEN must be at least 24 characters").optional(),
  PUBLIC_URL: z.url("PUBLIC_URL must be the control plane's https:// URL").optional(),
  SECRETS_KEY: z.string().min(32, "SECRETS_KEY must be at least 32 characters").optional(),
  HEARTBEAT_INTERVAL_MS: z.coerce
    .number()
    .int()
    .min(250)
    .max(60_000)
    .default(DEFAULT_HEARTBEAT_INTERVAL_MS),
  LOG_LEVEL: z.enum(["debug", "info", "warn", "error"]).default("info"),
  ALLOW_PRIVATE_URLS: z
    .enum(["true", "false"], "ALLOW_PRIVATE_URLS must be true or false")
    .default("false"),
  METRIC_RETENTION_DAYS: z.coerce.number().int().min(1).max(400).default(14),
  METRIC_SAMPLE_INTERVAL_S: z.coerce
    .number()
    .int()
    .min(1)
    .max(3600)
    .default(DEFAULT_METRIC_SAMPLE_INTERVAL_S),
});

export interface Config {
  /** Bootstrap admin bearer token (a Worker secret in production). */
  adminToken: string | undefined;
  /** Base URL put into install commands; defaults to the URL the request came in on. */
  publicUrl: string | undefined;
  /** Key for provider credentials at rest (a Worker secret); DNS settings need it. */
  secretsKey: string | undefined;
  heartbeatIntervalMs: number;
  logLevel: "debug" | "info" | "warn" | "error";
  /**
   * Development only (`npm start`, tests): DNS provider and webhook URLs may point at loopback
   * and private addresses, over http too. A deployed Worker leaves it unset: https to public
   * addresses only (worker/lib/outbound-url.ts).
   */
  allowPrivateUrls: boolean;
  metricRetentionDays: number;
  /** Each pool's chart sample interval; lower than 30 s costs a D1 row per pool more often. */
  metricSampleIntervalMs: number;
}

const cache = new WeakMap<object, Config>();

/** Parses the Worker's environment once per isolate; nothing else reads `env` vars. */
export function parseConfig(env: object): Config {
  const cached = cache.get(env);
  if (cached) return cached;
  const parsed = ConfigSchema.safeParse(env);
  if (!parsed.success) {
    throw new Error(`Bad configuration: ${parsed.error.issues.map((i) => i.message).join("; ")}`);
  }
  const config: Config = {
    adminToken: parsed.data.ADMIN_TOKEN,
    publicUrl: parsed.data.PUBLIC_URL?.replace(/\/$/, ""),
    secretsKey: parsed.data.SECRETS_KEY,
    heartbeatIntervalMs: parsed.data.HEARTBEAT_INTERVAL_MS,
    logLevel: parsed.data.LOG_LEVEL,
    allowPrivateUrls: parsed.data.ALLOW_PRIVATE_URLS === "true",
    metricRetentionDays: parsed.data.METRIC_RETENTION_DAYS,
    metricSampleIntervalMs: parsed.data.METRIC_SAMPLE_INTERVAL_S * 1000,
  };
  cache.set(env, config);
  return config;
}
