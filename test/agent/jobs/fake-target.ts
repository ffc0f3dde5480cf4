/**
 * A stand-in service for testing the config transaction without a daemon: its config is a text
 * file in a temp dir, its validator is a Node one-liner that refuses a file containing `BROKEN`
 * (printing an HAProxy-style ALERT line), and its service manager fails a reload when the live
 * config contains `FAILS_ON_RELOAD` (as a port already in use would), recording what it loaded.
 */
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import type { ServiceTarget } from "../../../agent/jobs/target";
import {
  type MonitoredService,
  ServiceError,
  type ServiceManager,
  type ServiceReport,
} from "../../../agent/services/manager";

const VALIDATOR = `
const [file, delayMs] = process.argv.slice(1);
setTimeout(() => {
  const text = require("node:fs").readFileSync(file, "utf8");
  const line = text.split("\\n").findIndex((l) => l.includes("BROKEN"));
  if (line === -1) process.exit(0);
  console.error("[ALERT] config : parsing [" + file + ":" + (line + 1) + "] : unknown keyword 'BROKEN'");
  process.exit(1);
}, Number(delayMs));
`;

export function fakeTarget(
  configDir: string,
  options: { validateDelayMs?: number; referenced?: string[] } = {},
): ServiceTarget {
  return {
    service: "haproxy",
    binary: process.execPath,
    configFile: join(configDir, "main.cfg"),
    configDir,
    validateArgs: (file) => ["-e", VALIDATOR, file, String(options.validateDelayMs ?? 0)],
    referencedFiles: async () => options.referenced ?? [],
    generation: async () => null,
  };
}

export class FakeServices implements ServiceManager {
  readonly kind = "direct";
  /** The live config's text at each reload, in order. */
  readonly loaded: string[] = [];
  activeState: ServiceReport["activeState"] = "active";

  constructor(private readonly configFile: string) {}

  async status(_service: MonitoredService): Promise<ServiceReport> {
    return { installed: true, activeState: this.activeState };
  }

  async start(): Promise<void> {
    this.activeState = "active";
  }

  async reload(): Promise<void> {
    const text = await readFile(this.configFile, "utf8");
    if (text.includes("FAILS_ON_RELOAD")) {
      throw new ServiceError("reload did not take", "[ALERT] cannot bind socket 127.0.0.1:80");
    }
    this.loaded.push(text);
  }

  async restart(): Promise<void> {
    await this.reload();
  }
}
