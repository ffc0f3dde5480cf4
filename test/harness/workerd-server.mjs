// Serves the Worker from workerd directly (Miniflare, no `wrangler dev` proxy in front): the
// bundle `wrangler deploy --dry-run --outdir` made of the same sources, with the bindings wrangler
// derives from wrangler.toml (unstable_getMiniflareWorkerOptions) and the local D1 and Durable
// Object state under `--persist-to`'s layout (<persist>/v3), so `wrangler d1 migrations apply
// --local --persist-to` prepares it. Started by control-plane.mjs with `runtime: "workerd"`:
//   node workerd-server.mjs <config> <bundleDir> <persistTo> <port> <varsJson> [direct]
// "direct": the port is the Worker's own socket (Miniflare's unsafeDirectSockets), skipping
// Miniflare's entry worker, which otherwise handles every request first (in JavaScript) and sets
// CF-Connecting-IP; callers then send CF-Connecting-IP themselves, as Cloudflare's edge would.
// Prints "ready <url>" once serving; SIGTERM/SIGINT dispose of workerd, then it exits.
import { readdirSync } from "node:fs";
import { join } from "node:path";
import { convertV4MiniflareOptions, Log, LogLevel, Miniflare } from "miniflare";
import { unstable_getMiniflareWorkerOptions } from "wrangler";

const [config, bundleDir, persistTo, port, varsJson, mode] = process.argv.slice(2);
const direct = mode === "direct";
const { workerOptions } = unstable_getMiniflareWorkerOptions(config);

// The entry module and the Text modules wrangler split out (install.sh), named as in the bundle.
const modules = [{ type: "ESModule", path: join(bundleDir, "index.js") }].concat(
  readdirSync(bundleDir)
    .filter((name) => name.endsWith(".sh"))
    .map((name) => ({ type: "Text", path: join(bundleDir, name) })),
);

// miniflare 5 takes a new options shape; wrangler itself passes the v4 shape through this.
const mf = new Miniflare(
  convertV4MiniflareOptions({
    host: "127.0.0.1",
    port: direct ? 0 : Number(port),
    // WARN: the entry worker then neither logs each request nor calls back into this process.
    log: new Log(LogLevel.WARN),
    logRequests: false,
    cf: false, // the built-in request.cf: never fetched from workers.cloudflare.com
    unsafeTriggerHandlers: true, // /cdn-cgi/handler/scheduled, as under wrangler dev
    resourcePersistencePath: join(persistTo, "v3"),
    workers: [
      {
        ...workerOptions,
        name: "baton",
        modules,
        modulesRoot: bundleDir,
        bindings: { ...workerOptions.bindings, ...JSON.parse(varsJson) },
        ...(direct ? { unsafeDirectSockets: [{ host: "127.0.0.1", port: Number(port) }] } : {}),
      },
    ],
  }),
);

const stop = () =>
  mf.dispose().finally(() => {
    process.exit(0);
  });
process.once("SIGTERM", stop);
process.once("SIGINT", stop);

mf.ready.then(
  (url) => console.log(direct ? `ready http://127.0.0.1:${port}/ (direct)` : `ready ${url}`),
  (error) => {
    console.error(`workerd-server: ${error.stack ?? error}`);
    process.exit(1);
  },
);
