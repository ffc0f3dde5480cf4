/**
 * `baton-agent run | health | version`: wires config, client, probes, the loop, the job runner,
 * scheduled jobs and the HAProxy status table push. On SIGTERM the loop stops, the running job
 * is aborted and gets one try at reporting, and the process exits 0.
 */
import type { SocketPush } from "../shared/agent-protocol";
import { type AgentConfig, ConfigError, loadConfig } from "./config";
import { ControlPlaneClient, Refused } from "./control-plane";
import { HaproxyStatPusher } from "./haproxy/stat-push";
import { createJobHandlers } from "./jobs/handlers";
import { JobJournal } from "./jobs/journal";
import { JobRunner } from "./jobs/runner";
import { createLogger, reason } from "./log";
import { collectReport, REFUSAL_FIXES, runLoop } from "./loop";
import { createProbes } from "./probes/index";
import { restartReason } from "./restart";
import { Scheduler } from "./schedules";
import { createServiceManager } from "./services/index";
import { resumeServices } from "./services/resume";
import { AgentTransport } from "./transport/transport";
import { AGENT_VERSION } from "./version";
import { Wake } from "./wake";

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
  const { signal } = controller;
  const stop = (received: NodeJS.Signals) => {
    if (!signal.aborted) log.info("signal received", { signal: received });
    controller.abort();
  };
  process.on("SIGTERM", stop);
  process.on("SIGINT", stop);

  // Pushed over the WebSocket: jobs start at once, a cancelled one is not started, and a
  // "report now" sends the next beat without waiting for the interval.
  const onPush = (push: SocketPush) => {
    if (push.type === "jobs") runner.offer(push.jobs);
    else if (push.type === "cancel") runner.cancel(push.jobId);
    else if (push.type === "report-now") wake.now();
  };
  const transport = new AgentTransport({
    http: client,
    url: config.url,
    token: config.token,
    version: AGENT_VERSION,
    hostname: config.hostname,
    log,
    prefer: config.transport ?? "auto",
    onPush: (push) => onPush(push),
  });

  const services = createServiceManager(config, log);
  let updatedTo: string | undefined;
  const runner = new JobRunner({
    client: transport,
    journal: await JobJournal.open(config.stateDir, log),
    config,
    services,
    log,
    signal,
    handlers: createJobHandlers({
      onInstalled: (version) => {
        updatedTo = version;
      },
    }),
    afterReport: (job, result) => {
      const why = restartReason(job, result, {
        updatedTo,
        hasHaproxySocket: config.haproxySocket !== undefined,
        underSystemd: config.underSystemd,
      });
      if (why === undefined) return;
      // The result is with the control plane; systemd starts the agent again once it exits.
      log.info("stopping after a job", { jobId: job.id, kind: job.kind, reason: why });
      controller.abort();
    },
  });
  const scheduler = new Scheduler({ client: transport, log, signal });
  const statPusher = config.haproxySocket
    ? new HaproxyStatPusher({
        socketPath: config.haproxySocket,
        client: transport,
        log,
        signal,
      })
    : undefined;

  // A service that starts, stops or dies is reported at once, not at the next interval.
  const wake = new Wake();
  services.watch?.(() => wake.now(), signal);

  runner.resume();
  void resumeServices(services, config.startServices, log);
  await runLoop({
    wake,
    client: transport,
    hostname: config.hostname,
    agentVersion: AGENT_VERSION,
    probes: createProbes(config, { client, serviceManager: services }),
    log,
    signal,
    runningJob: () => runner.runningJob(),
    onAnswer: (answer) => {
      runner.offer(answer.jobs);
      scheduler.update(answer.schedules);
      if (answer.wants.haproxyStat) statPusher?.push();
    },
  });
  await scheduler.stop();
  await runner.idle();
  await statPusher?.idle();
  transport.close();
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
