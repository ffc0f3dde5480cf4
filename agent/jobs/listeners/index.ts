/**
 * The listener checks every reload of a config job goes through: before it, each declared
 * listener must be bindable (bind-check.ts); after it, each must accept and the local probe
 * must pass (serving.ts); and all along, what clients of the previous listeners saw is measured
 * (refusal-watch.ts) so the job output says it instead of assuming it.
 */
import {
  distinctListeners,
  haproxyListeners,
  type Listener,
  nginxListeners,
} from "../../parsers/listeners";
import { loadedConfigTexts } from "../../policy";
import type { ServiceTarget } from "../target";
import { type JobContext, JobFailed } from "../types";
import { unbindableListeners } from "./bind-check";
import { servingProblems } from "./serving";

export { type RefusalWatch, watchRefusals } from "./refusal-watch";
export { servingProblems } from "./serving";

type Ctx = Pick<JobContext, "config" | "out">;

/** The TCP listeners the config loaded with `main` declares (its conf.d or includes too). */
export async function declaredListeners(
  ctx: Pick<JobContext, "config">,
  target: ServiceTarget,
  main: string,
): Promise<Listener[]> {
  const parse = target.service === "haproxy" ? haproxyListeners : nginxListeners;
  const texts = await loadedConfigTexts(ctx, target, main);
  return distinctListeners(texts.flatMap((text) => parse(text)));
}

function firstAndCount(problems: readonly string[]): string {
  const more = problems.length > 1 ? ` (and ${problems.length - 1} more)` : "";
  return `${problems[0]}${more}`;
}

/**
 * Refuses (JobFailed, before any reload) the config loaded with `main` when one of its listeners
 * cannot be bound; returns its listeners otherwise.
 */
export async function checkBindable(
  ctx: Ctx,
  target: ServiceTarget,
  main: string,
): Promise<Listener[]> {
  const listeners = await declaredListeners(ctx, target, main);
  const problems = await unbindableListeners(target.service, listeners);
  if (problems.length === 0) {
    if (listeners.length > 0)
      ctx.out.line(`every listener can be bound (${listeners.map((l) => l.name).join(", ")})`);
    return listeners;
  }
  for (const problem of problems) ctx.out.line(`  ${problem}`);
  throw new JobFailed(
    `${firstAndCount(problems)}; not loaded, so the running ${target.service} was not touched`,
  );
}

/**
 * Throws JobFailed unless every listener accepts and the local probe passes (bounded wait).
 * `withProbe: false` checks the listeners only (a check that must come between them and the probe).
 */
export async function verifyServing(
  ctx: Ctx,
  target: ServiceTarget,
  listeners: readonly Listener[],
  { withProbe = true }: { withProbe?: boolean } = {},
): Promise<void> {
  const probeUrl = withProbe ? ctx.config.probeUrl : undefined;
  const problems = await servingProblems(listeners, probeUrl);
  if (problems.length > 0) {
    for (const problem of problems) ctx.out.line(`  ${problem}`);
    throw new JobFailed(firstAndCount(problems));
  }
  const what = listeners.length > 0 ? `every listener accepts connections` : "";
  const probe = probeUrl ? `the local probe ${probeUrl} passes` : "";
  const said = [what, probe].filter(Boolean).join(" and ");
  if (said) ctx.out.line(`${target.service}: ${said}`);
}
