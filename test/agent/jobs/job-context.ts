/**
 * What a job handler needs, for tests: a JobContext whose output lines are collected, and an
 * in-memory JobApi standing in for the control plane's backup storage (the transport is not
 * what these tests are about).
 */
import { expect } from "vitest";
import type { AgentConfig } from "../../../agent/config";
import { type JobApi, type JobContext, JobFailed } from "../../../agent/jobs/types";
import { createLogger } from "../../../agent/log";
import type { ServiceManager } from "../../../agent/services/manager";
import type { JobKind } from "../../../shared/jobs";

interface StoredBackup {
  service: "haproxy" | "nginx";
  archive: Uint8Array;
  sha256: string;
  jobId: string;
}

export class MemoryJobApi implements JobApi {
  readonly backups = new Map<string, StoredBackup>();

  async uploadBackup(
    service: "haproxy" | "nginx",
    archive: Uint8Array,
    sha256: string,
    jobId: string,
  ) {
    const id = `bk_${this.backups.size + 1}`;
    this.backups.set(id, { service, archive: Uint8Array.from(archive), sha256, jobId });
    return { id };
  }

  async downloadBackup(backupId: string) {
    const backup = this.backups.get(backupId);
    if (!backup) throw new Error(`no backup ${backupId}`);
    return {
      archive: Uint8Array.from(backup.archive),
      sha256: backup.sha256,
      service: backup.service,
      origin: `uploaded by edge-test for job ${backup.jobId}`,
    };
  }

  /** Another store holding `backupId` with one byte of its archive flipped, checksum kept. */
  tamperedCopy(backupId: string): MemoryJobApi {
    const backup = this.backups.get(backupId);
    if (!backup) throw new Error(`no backup ${backupId}`);
    const archive = Uint8Array.from(backup.archive);
    const at = archive.length - 20;
    archive[at] = (archive[at] ?? 0) ^ 0xff;
    const copy = new MemoryJobApi();
    copy.backups.set(backupId, { ...backup, archive });
    return copy;
  }

  async downloadAgentBundle(): Promise<Uint8Array> {
    throw new Error("service jobs never download the agent bundle");
  }

  async downloadAgentSignature(): Promise<string> {
    throw new Error("service jobs never download the agent bundle");
  }

  /** Certificates the control plane would serve, by id (tests put them here). */
  readonly certificates = new Map<string, { id: string; pem: string; sha256: string }>();
  /** Ids asked for, in order. */
  readonly certificateRequests: string[] = [];

  async downloadCertificate(certId: string) {
    this.certificateRequests.push(certId);
    const found = this.certificates.get(certId);
    if (!found) throw new Error(`no certificate ${certId}`);
    return { ...found };
  }
}

export interface TestJob {
  ctx: JobContext;
  lines: string[];
  /** Aborts the job's signal, as its timeout would. */
  abort(): void;
}

export function testJob(options: {
  kind: JobKind;
  services: ServiceManager;
  config?: Partial<AgentConfig>;
  api?: JobApi;
}): TestJob {
  const lines: string[] = [];
  const controller = new AbortController();
  const config: AgentConfig = {
    url: "http://127.0.0.1:1",
    token: "test-token",
    hostname: "edge-test",
    serviceManager: "direct",
    stateDir: "/nonexistent/baton-state",
    underSystemd: false,
    haproxyConfig: "/nonexistent/haproxy.cfg",
    nginxConfig: "/nonexistent/nginx.conf",
    configPolicy: "strict",
    startServices: "auto",
    extraAllowedDirs: [],
    ...options.config,
  };
  const ctx: JobContext = {
    job: {
      id: `job_${options.kind}`,
      kind: options.kind,
      payload: {},
      timeoutMs: 60_000,
      deadlineAt: Date.now() + 60_000,
      attempt: 1,
    },
    signal: controller.signal,
    out: { line: (text) => lines.push(text) },
    log: createLogger({ write: () => {} }),
    config,
    services: options.services,
    api: options.api ?? new MemoryJobApi(),
  };
  return { ctx, lines, abort: () => controller.abort() };
}

/** The JobFailed `promise` rejects with; fails the test when it resolves or throws anything else. */
export async function failure(promise: Promise<unknown>): Promise<JobFailed> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(JobFailed);
  return error as JobFailed;
}
