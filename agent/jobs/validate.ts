/**
 * Runs the service's own config check (`haproxy -c -f`, `nginx -t -c`) on a file and, when it
 * refuses, puts the checker's own message lines into the job output: they name the line that is
 * wrong, which is what an operator needs to fix it. Lines are filtered so no file's contents
 * reach the output (daemon-output.ts), and the checker runs with an empty environment so a
 * config cannot print the agent's (`.notice "${BATON_TOKEN}"`).
 */
import { DAEMON_ENV, exec } from "../exec";
import { loadedConfigTexts } from "../policy";
import { daemonLines } from "./daemon-output";
import type { ServiceTarget } from "./target";
import { type JobContext, JobFailed } from "./types";

const VALIDATE_TIMEOUT_MS = 30_000;

/**
 * Validates `file` as the service's main config; throws JobFailed naming the first error line.
 * `shownAs` replaces the file name in the checker's output (a candidate is a temp file, but the
 * operator thinks of it as the config file it will become).
 */
export async function validateConfig(
  ctx: Pick<JobContext, "out" | "signal" | "config">,
  target: ServiceTarget,
  file: string,
  shownAs = file,
): Promise<void> {
  const args = target.validateArgs(file);
  const result = await exec(target.binary, args, {
    timeoutMs: VALIDATE_TIMEOUT_MS,
    signal: ctx.signal,
    env: DAEMON_ENV,
  });
  if (ctx.signal.aborted) throw new JobFailed(`${target.service} config check was interrupted`);
  if (result.code === 0 && !result.timedOut) return;
  const known = [...(await loadedConfigTexts(ctx, target, file)), file, shownAs];
  const output = `${result.stdout}\n${result.stderr}`.split(file).join(shownAs);
  const lines = daemonLines(target.service, output, known);
  for (const line of lines) ctx.out.line(`  ${line}`);
  const first = lines.find((line) => /\[(ALERT|emerg)\]|error/i.test(line)) ?? lines[0];
  const command = `${target.service} ${args[0]}`;
  const how = result.timedOut ? "timed out" : `exited ${result.code ?? result.signal}`;
  throw new JobFailed(
    first
      ? `${command} rejected the configuration: ${first.trim()}`
      : `${command} ${how} without saying why`,
  );
}
