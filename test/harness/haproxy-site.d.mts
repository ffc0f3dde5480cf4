import type { Server } from "node:net";

export function findHaproxy(): string | undefined;
export function listenOnLoopback(server: Server): Promise<number>;
export function freePort(taken?: number[]): Promise<number>;
export function haproxyPrelude(adminSocket: string, indent?: string): string[];
export function haproxySiteConfig(options: {
  adminSocket: string;
  bind: string;
  servers: [name: string, address: string][];
  inter: string;
  defaults?: string[];
  extra?: string[];
}): string;

/** A written HAProxy site with its upstream running, not HAProxy itself. */
export interface PreparedHaproxySite {
  binary: string;
  dir: string;
  configFile: string;
  adminSocket: string;
  frontendPort: number;
  /** The working configuration's text (tests break and restore the file with it). */
  config: string;
  /** Closes the upstream and removes `dir`; HAProxy must be stopped first. */
  cleanup(): Promise<void>;
}

export function prepareHaproxySite(options: {
  prefix: string;
  inter: string;
  defaults?: string[];
}): Promise<PreparedHaproxySite>;
