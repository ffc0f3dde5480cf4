/**
 * The HAProxy job handlers. Every config change goes through applyConfigChange (validate →
 * swap → reload → verify → roll back); drain and ready go through the runtime API.
 */
import { mkdir } from "node:fs/promises";
import { dirname } from "node:path";
import { DEFAULT_HAPROXY_SOCKET } from "../config";
import { runBackup } from "./backup";
import { haproxyTarget } from "./haproxy-target";
import { type InstallOptions, installPackage, startService } from "./install";
import { runRestore } from "./restore";
import { setServersState } from "./server-state";
import {
  readMainConfig,
  reloadService,
  replaceMainConfig,
  restartService,
  startServiceJob,
} from "./service-jobs";
import { ensureStatsSocket } from "./stats-socket";
import type { JobHandlers } from "./types";

export type HaproxyHandlers = Pick<
  JobHandlers,
  | "haproxy.install"
  | "haproxy.reload"
  | "haproxy.start"
  | "haproxy.restart"
  | "haproxy.backup"
  | "haproxy.restore"
  | "haproxy.drain"
  | "haproxy.ready"
  | "haproxy.config.apply"
>;

export interface HandlerOptions extends InstallOptions {
  /** The daemon binary (default: found on PATH, then sbin). */
  binary?: string;
}

export function createHaproxyHandlers(options: HandlerOptions = {}): HaproxyHandlers {
  const target = (config: Parameters<typeof haproxyTarget>[0]) =>
    haproxyTarget(config, options.binary);
  return {
    async "haproxy.install"(_payload, ctx) {
      await installPackage(ctx, "haproxy", options);
      const haproxy = target(ctx.config);
      const socket = ctx.config.haproxySocket ?? DEFAULT_HAPROXY_SOCKET;
      const current = await readMainConfig(haproxy);
      const { text, changed } = ensureStatsSocket(current, socket);
      if (changed) {
        // HAProxy does not create the socket's directory (RHEL has no /run/haproxy).
        await mkdir(dirname(socket), { recursive: true, mode: 0o755 });
        const running = (await ctx.services.status("haproxy")).activeState === "active";
        ctx.out.line(`adding the admin stats socket ${socket} to ${haproxy.configFile}`);
        await replaceMainConfig(ctx, haproxy, text, running);
      } else ctx.out.line(`${haproxy.configFile} already has the admin stats socket ${socket}`);
      await startService(ctx, haproxy);
    },
    "haproxy.reload": (_payload, ctx) => reloadService(ctx, target(ctx.config)),
    "haproxy.start": (_payload, ctx) => startServiceJob(ctx, target(ctx.config)),
    "haproxy.restart": (_payload, ctx) => restartService(ctx, target(ctx.config)),
    "haproxy.backup": (_payload, ctx) => runBackup(ctx, target(ctx.config)),
    "haproxy.restore": (payload, ctx) => runRestore(ctx, target(ctx.config), payload.backupId),
    "haproxy.drain": (payload, ctx) => setServersState(ctx, payload, "drain"),
    "haproxy.ready": (payload, ctx) => setServersState(ctx, payload, "ready"),
    "haproxy.config.apply": (payload, ctx) =>
      replaceMainConfig(ctx, target(ctx.config), payload.config),
  };
}

export const haproxyHandlers: HaproxyHandlers = createHaproxyHandlers();
