/** `baton-agent run | health | version`: wires config, client, probes and the loop. */
import { type AgentConfig, ConfigError, loadConfig } from "./config";
import { ControlPlaneClient, Refused } from "./control-plane";
import { createLogger, reason } from "./log";
import { collectReport, REFUSAL_FIXES, runLoop } from "./loop";
import { createProbes } from "./probes/index";
import { AGENT_VERSION } from "./version";

const USAGE = "usage: baton-agent run | health | version";

function configOrExit(): AgentConfig | null {
  try {
    return loadConfig();
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`baton-agent: ${error.message}\n`);
      return null;
    }
    throw error;
  }
}

async function run(): Promise<number> {
  const config = configOrExit();
  if (!config) return 1;
  const log = createLogger();
  const client = new ControlPlaneClient({
    url: config.url,
    token: config.token,
    version: AGENT_VERSION,
  });
  const controller = new AbortController();
  const stop = (signal: NodeJS.Signals) => {
    if (!controller.signal.aborted) log.info("signal received", { signal });
    controller.abort();
  };
  process.on("SIGTERM", stop);
  process.on("SIGINT", stop);
  await runLoop({
    client,
    hostname: config.hostname,
    agentVersion: AGENT_VERSION,
    probes: createProbes(config, { client }),
    log,
    signal: controller.signal,
  });
  await client.close();
  return 0;
}

async function health(): Promise<number> {
  const config = configOrExit();
  if (!config) return 1;
  const client = new ControlPlaneClient({
    url: config.url,
    token: config.token,
    version: AGENT_VERSION,
  });
  const quiet = createLogger({ level: "error", write: () => {} });
  try {
    const report = await collectReport(
      { hostname: config.hostname, agentVersion: AGENT_VERSION },
      createProbes(config, { client }),
      quiet,
    );
    const answer = await client.heartbeat(report);
    process.stdout.write(
      `ok: heartbeat accepted by ${config.url} (interval ${answer.intervalMs} ms)\n`,
    );
    return 0;
  } catch (error) {
    if (error instanceof Refused) {
      const fix = REFUSAL_FIXES[error.code];
      process.stdout.write(
        `refused: ${error.code}: ${error.message}${fix ? ` (fix: ${fix})` : ""}\n`,
      );
    } else {
      process.stdout.write(`unavailable: ${reason(error)}\n`);
    }
    return 1;
  } finally {
    await client.close();
  }
}

async function main(argv: string[]): Promise<number> {
  switch (argv[0]) {
    case "run":
      return run();
    case "health":
      return health();
    case "version":
    case "--version":
      process.stdout.write(`${AGENT_VERSION}\n`);
      return 0;
    default:
      process.stderr.write(`${USAGE}\n`);
      return 2;
  }
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(`baton-agent: ${reason(error)}\n`);
    process.exit(1);
  },
);
