import { z } from "zod";
import {
  BACKUP_MAX_BYTES,
  DEFAULT_BACKUP_KEEP_PER_MEMBER,
  DEFAULT_BACKUP_MAX_BYTES_PER_MEMBER,
} from "../shared/backups";
import { DEFAULT_HEARTBEAT_INTERVAL_MS } from "../shared/protocol";
import { RELEASE_PUBLIC_KEY_PATTERN } from "../shared/release";

/** How often each pool writes its members' figures to D1 for charts, by default. */
export const DEFAULT_METRIC_SAMPLE_INTERVAL_S = 30;

const ConfigSchema = z.object({
  ADMIN_TOKEN: z.string().min(24, "ADMIN_TOKEN must be at least 24 characters").optional(),
  PUBLIC_URL: z.url("PUBLIC_URL must be the control plane's https:// URL").optional(),
  SECRETS_KEY: z.string().min(32, "SECRETS_KEY must be at least 32 characters").optional(),
  RELEASE_PUBLIC_KEY: z
    .string()
    .regex(
      RELEASE_PUBLIC_KEY_PATTERN,
      "RELEASE_PUBLIC_KEY must be the public key npm run release:keygen printed (44 base64 characters)",
    )
    .or(z.literal(""))
    .optional(),
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
  BACKUP_KEEP_PER_MEMBER: z.coerce
    .number("BACKUP_KEEP_PER_MEMBER must be a number")
    .int("BACKUP_KEEP_PER_MEMBER must be a whole number")
    .min(1, "BACKUP_KEEP_PER_MEMBER must be at least 1")
    .max(1000, "BACKUP_KEEP_PER_MEMBER must be at most 1000")
    .default(DEFAULT_BACKUP_KEEP_PER_MEMBER),
  BACKUP_MAX_BYTES_PER_MEMBER: z.coerce
    .number("BACKUP_MAX_BYTES_PER_MEMBER must be a number of bytes")
    .int("BACKUP_MAX_BYTES_PER_MEMBER must be a whole number of bytes")
    .min(
      BACKUP_MAX_BYTES,
      `BACKUP_MAX_BYTES_PER_MEMBER must be at least ${BACKUP_MAX_BYTES} (one backup)`,
    )
    .max(2 ** 40, "BACKUP_MAX_BYTES_PER_MEMBER must be at most 1 TiB")
    .default(DEFAULT_BACKUP_MAX_BYTES_PER_MEMBER),
});

export interface Config {
  /** Bootstrap admin bearer token (a Worker secret in production). */
  adminToken: string | undefined;
  /** Base URL put into install commands; defaults to the URL the request came in on. */
  publicUrl: string | undefined;
  /** Key for provider credentials at rest (a Worker secret); DNS settings need it. */
  secretsKey: string | undefined;
  /**
   * The release public key the install one-liner pins (`--release-key`). Public: the private half
   * never reaches the Worker, which only shows this so admins need not paste it by hand.
   */
  releasePublicKey: string | undefined;
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
  /** How many backups each member keeps (the newest); an upload past it deletes the oldest. */
  backupKeepPerMember: number;
  /** Total archive bytes each member keeps; an upload past it deletes the oldest. */
  backupMaxBytesPerMember: number;
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
    releasePublicKey: parsed.data.RELEASE_PUBLIC_KEY || undefined,
    heartbeatIntervalMs: parsed.data.HEARTBEAT_INTERVAL_MS,
    logLevel: parsed.data.LOG_LEVEL,
    allowPrivateUrls: parsed.data.ALLOW_PRIVATE_URLS === "true",
    metricRetentionDays: parsed.data.METRIC_RETENTION_DAYS,
    metricSampleIntervalMs: parsed.data.METRIC_SAMPLE_INTERVAL_S * 1000,
    backupKeepPerMember: parsed.data.BACKUP_KEEP_PER_MEMBER,
    backupMaxBytesPerMember: parsed.data.BACKUP_MAX_BYTES_PER_MEMBER,
  };
  cache.set(env, config);
  return config;
}
