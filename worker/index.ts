import { app, requestMeter } from "./app";
import { parseConfig } from "./config";
import { openDb } from "./db/client";
import { checkCertificateExpiry } from "./housekeeping/certificate-expiry";
import { sweep } from "./housekeeping/sweep";
import { log } from "./log";

export { PoolCoordinator } from "./coordinator/pool-coordinator";

export default {
  fetch: app.fetch,
  async scheduled(controller, env) {
    const startedAt = Date.now();
    const config = parseConfig(env);
    const db = openDb(env.DB, requestMeter);
    const result = {
      ...(await sweep(db, config.metricRetentionDays, startedAt)),
      ...(await checkCertificateExpiry(db, env, startedAt)),
    };
    log("info", {
      msg: "cron sweep",
      cron: controller.cron,
      ...result,
      durationMs: Date.now() - startedAt,
    });
  },
} satisfies ExportedHandler<Env>;
