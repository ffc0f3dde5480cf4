/**
 * The nginx job handlers. Every config change goes through applyConfigChange (validate → swap
 * → reload → verify → roll back).
 */
import { runBackup } from "./backup";
import type { HandlerOptions } from "./haproxy";
import { installPackage, startService } from "./install";
import { nginxTarget } from "./nginx-target";
import { runRestore } from "./restore";
import { reloadService, replaceMainConfig, restartService, startServiceJob } from "./service-jobs";
import type { JobHandlers } from "./types";

export type NginxHandlers = Pick<
  JobHandlers,
  | "nginx.install"
  | "nginx.reload"
  | "nginx.start"
  | "nginx.restart"
  | "nginx.backup"
  | "nginx.restore"
  | "nginx.config.apply"
>;

export function createNginxHandlers(options: HandlerOptions = {}): NginxHandlers {
  const target = (config: Parameters<typeof nginxTarget>[0]) => nginxTarget(config, options.binary);
  return {
    async "nginx.install"(_payload, ctx) {
      await installPackage(ctx, "nginx", options);
      await startService(ctx, target(ctx.config));
    },
    "nginx.reload": (_payload, ctx) => reloadService(ctx, target(ctx.config)),
    "nginx.start": (_payload, ctx) => startServiceJob(ctx, target(ctx.config)),
    "nginx.restart": (_payload, ctx) => restartService(ctx, target(ctx.config)),
    "nginx.backup": (_payload, ctx) => runBackup(ctx, target(ctx.config)),
    "nginx.restore": (payload, ctx) => runRestore(ctx, target(ctx.config), payload.backupId),
    "nginx.config.apply": (payload, ctx) =>
      replaceMainConfig(ctx, target(ctx.config), payload.config),
  };
}

export const nginxHandlers: NginxHandlers = createNginxHandlers();
