// The benchmarks' local control plane: the shared harness (test/harness/control-plane.mjs, also
// used by the end-to-end tests) plus what a command-line run needs: Ctrl-C or kill stops
// wrangler properly before the benchmark exits.
import {
  adminApi,
  SetupError,
  startControlPlane as startPlane,
} from "../../test/harness/control-plane.mjs";

export { adminApi, SetupError };

let interrupted = false;
/** True once SIGINT/SIGTERM arrived: the benchmark is stopping, its errors are no news. */
export const wasInterrupted = () => interrupted;

/** Stops `cleanup()` on SIGINT/SIGTERM, then exits 130/143. Install once per benchmark. */
export function stopOnSignal(cleanup) {
  const onSignal = (signal) => {
    interrupted = true;
    Promise.resolve()
      .then(cleanup)
      .finally(() => process.exit(signal === "SIGINT" ? 130 : 143));
  };
  process.once("SIGINT", onSignal);
  process.once("SIGTERM", onSignal);
}

/** `options`: those of the shared harness (e.g. `runtime`); the temp prefix is the benchmarks'. */
export async function startControlPlane(root, options = {}) {
  let plane = null;
  stopOnSignal(() => plane?.stop());
  plane = await startPlane(root, { ...options, tempPrefix: "baton-bench-" });
  return plane;
}
