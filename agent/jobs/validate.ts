/**
 * Runs the service's own config check (`haproxy -c -f`, `nginx -t -c`) on a file and, when it
 * refuses, puts the checker's own lines into the job output: they name the line that is wrong,
 * which is what an operator needs to fix it.
 */
import { describeExit, exec } from "../exec";
import type { ServiceTarget } from "./target";
import { type JobContext, JobFailed } from "./types";

const VALIDATE_TIMEOUT_MS = 30_000;

/**
 * Validates `file` as the service's main config; throws JobFailed naming the first error line.
 * `shownAs` replaces the file name in the checker's output (a candidate is a temp file, but the
 * operator thinks of it as the config file it will become).
 */
export async function validateConfig(
  ctx: Pick<JobContext, "out" | "signal">,
  target: ServiceTarget,
  file: string,
  shownAs = file,
): Promise<void> {
  const args = target.validateArgs(file);
  const result = await exec(target.binary, args, {
    timeoutMs: VALIDATE_TIMEOUT_MS,
    signal: ctx.signal,
  });
  if (ctx.signal.aborted) throw new JobFailed(`${target.service} config check was interrupted`);
  if (result.code === 0 && !result.timedOut) return;
  const lines = `${result.stdout}\n${result.stderr}`
    .split("\n")
    .map((line) => line.split(file).join(shownAs).trimEnd())
    .filter((line) => line.trim() !== "");
  for (const line of lines) ctx.out.line(`  ${line}`);
  const first = lines.find((line) => /\[(ALERT|emerg)\]|error/i.test(line)) ?? lines[0];
  const command = `${target.service} ${args[0]}`;
  throw new JobFailed(
    first
      ? `${command} rejected the configuration: ${first.trim()}`
      : describeExit(command, result),
  );
}
