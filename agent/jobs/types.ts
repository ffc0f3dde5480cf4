/**
 * What a job handler is given and how it reports. A handler writes progress lines to `out`
 * (they become the job's capped output tail), honours `signal` (the job's timeout), and throws
 * JobFailed with a one-line reason when the job did not do what it was asked.
 */
import type { z } from "zod";
import type { JOB_CATALOG, JobDelivery, JobKind } from "../../shared/agent-protocol";
import type { AgentConfig } from "../config";
import type { Logger } from "../log";
import type { ServiceManager } from "../services/manager";

export class JobFailed extends Error {
  override name = "JobFailed";
  constructor(
    message: string,
    /** Exit code reported with the result (default 1). */
    readonly exitCode = 1,
  ) {
    super(message);
  }
}

/** The control plane calls a job may make besides its own ack and result. */
export interface JobApi {
  /** Stores a backup archive; returns the backup's id. */
  uploadBackup(
    service: "haproxy" | "nginx",
    archive: Uint8Array,
    sha256: string,
    jobId: string,
  ): Promise<{ id: string }>;
  /**
   * Fetches a backup archive of this pool with what the control plane recorded: its SHA-256,
   * service, and origin (who uploaded it for which job; null from an older control plane).
   */
  downloadBackup(
    backupId: string,
  ): Promise<{ archive: Uint8Array; sha256: string; service: string; origin: string | null }>;
  /** Fetches the agent bundle the control plane serves. */
  downloadAgentBundle(): Promise<Uint8Array>;
  /** Fetches the release signature served beside the bundle (base64). */
  downloadAgentSignature(): Promise<string>;
  /**
   * Fetches one certificate of this pool (PEM chain then key) with the SHA-256 the control plane
   * recorded for it; the caller checks it against what the job expects.
   */
  downloadCertificate(certId: string): Promise<{ id: string; pem: string; sha256: string }>;
}

/** Collects a job's output lines; the runner sends the last 64 KiB as the output tail. */
export interface JobOutput {
  line(text: string): void;
}

export interface JobContext {
  job: JobDelivery;
  /** Aborts when the job's timeout passes or the agent stops. */
  signal: AbortSignal;
  out: JobOutput;
  log: Logger;
  config: AgentConfig;
  services: ServiceManager;
  api: JobApi;
}

export type JobPayloadOf<K extends JobKind> = z.infer<(typeof JOB_CATALOG)[K]["payload"]>;

/** One handler per catalogued kind; the payload is already validated against its schema. */
export type JobHandler<K extends JobKind> = (
  payload: JobPayloadOf<K>,
  ctx: JobContext,
) => Promise<void>;

export type JobHandlers = { [K in JobKind]: JobHandler<K> };
