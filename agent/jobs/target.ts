/**
 * What the config jobs need to know about one service on this VM: where its config lives, how
 * to validate a candidate file, which certificate files the config references, and how to tell
 * that a reload really took effect. `haproxy-target.ts` and `nginx-target.ts` implement it.
 */
import type { MonitoredService } from "../../shared/agent-protocol";
import { findBinary } from "../services/binary";
import { JobFailed } from "./types";

export interface ServiceTarget {
  service: MonitoredService;
  /** The binary, absolute. */
  binary: string;
  /** The main configuration file, absolute. */
  configFile: string;
  /** Its directory: what backups hold and restores replace. */
  configDir: string;
  /** Arguments that make the binary check `configFile` (a candidate or the live one). */
  validateArgs(configFile: string): string[];
  /**
   * Every file the configuration under `scanDir` references (certificates, keys, CA and CRL
   * files), absolute and resolved as if the files were in `configDir`. `scanDir` differs from
   * `configDir` only while a restore is staged.
   */
  referencedFiles(scanDir: string): Promise<string[]>;
  /**
   * The workers accepting connections now (HAProxy's worker pid, nginx's workers not shutting
   * down); null when they cannot be observed. A reload took effect once none of the workers
   * from before it accept any more. Both HAProxy and nginx keep the old workers when a reload
   * fails (a port in use, say) and `systemctl reload` still succeeds, so "the service is
   * active" alone would call a failed reload a success.
   */
  generation(): Promise<readonly number[] | null>;
}

/** The daemon's absolute path; a missing binary fails the job with what to do. */
export function requireBinary(service: MonitoredService, binary?: string): string {
  const found = findBinary(binary ?? service);
  if (!found) {
    throw new JobFailed(
      `${service} is not installed (${binary ?? service} not found): run ${service}.install`,
    );
  }
  return found;
}
