// Preloaded into the agent by `bench:agent --heap` (node --import): every 5 s, one stderr line
// `baton-bench-heap {...}` with process.memoryUsage() and V8's heap spaces, to see what the
// agent's resident memory is made of. Adds a few hundred KB itself; off by default.
import { getHeapSpaceStatistics } from "node:v8";

setInterval(() => {
  const spaces = Object.fromEntries(
    getHeapSpaceStatistics().map((s) => [s.space_name, s.physical_space_size]),
  );
  process.stderr.write(
    `baton-bench-heap ${JSON.stringify({ ...process.memoryUsage(), spaces })}\n`,
  );
}, 5_000).unref();
