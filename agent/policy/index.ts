/**
 * The agent's local config policy, enforced before any new configuration reaches the daemon
 * (and before `haproxy -c`/`nginx -t`, which already open the files a config names). Under
 * BATON_CONFIG_POLICY=strict (the default) a config that runs programs, loads code, or names a
 * path outside the directories allowed for its use is refused with one line per violation;
 * `permissive`, set only by the VM's admin in agent.env, skips the check and says so.
 */
import { readdir, readFile, stat } from "node:fs/promises";
import { join } from "node:path";
import { exec } from "../exec";
import { crtListReferences } from "../jobs/references";
import type { ServiceTarget } from "../jobs/target";
import { type JobContext, JobFailed } from "../jobs/types";
import { isInAllowedDir } from "./allowed-dirs";
import { policyDirs } from "./dirs";
import {
  checkHaproxyFiles,
  checkNginxTree,
  haproxyConfigFiles,
  realDirs,
  realLocation,
} from "./files";
import {
  formatViolation,
  outsideReason,
  type PathRef,
  type PolicyDirs,
  pathViolations,
  type Violation,
} from "./rules";

export type { Violation } from "./rules";

/** Where nginx resolves relative paths when `nginx -V` does not say (its source default). */
const NGINX_DEFAULT_PREFIX = "/usr/local/nginx";
const prefixes = new Map<string, Promise<string>>();

/** nginx's compiled prefix (`--prefix=` in `nginx -V`), asked once per binary. */
function nginxPrefix(binary: string): Promise<string> {
  let prefix = prefixes.get(binary);
  if (!prefix) {
    prefix = exec(binary, ["-V"], { timeoutMs: 10_000, env: {} }).then(
      (result) => /--prefix=(\S+)/.exec(result.stderr + result.stdout)?.[1] ?? NGINX_DEFAULT_PREFIX,
      () => NGINX_DEFAULT_PREFIX,
    );
    prefixes.set(binary, prefix);
  }
  return prefix;
}

/**
 * The references a config leads to beyond its own lines: the certificates a crt-list names
 * and the files of a `crt` directory (HAProxy loads each), read only once the list or
 * directory itself passed.
 */
async function nestedRefs(ref: PathRef): Promise<PathRef[]> {
  if (ref.directive === "crt-list") {
    const text = await readFile(ref.path, "utf8").catch(() => "");
    return crtListReferences(text, ref.base ?? "/").map((nested) => ({
      ...ref,
      directive: `crt-list ${ref.path}: ${nested.keyword}`,
      path: nested.path,
    }));
  }
  if (ref.directive === "crt" && (await stat(ref.path).catch(() => null))?.isDirectory()) {
    const names = await readdir(ref.path).catch(() => [] as string[]);
    return names.map((name) => ({ ...ref, path: join(ref.path, name) }));
  }
  return [];
}

/** What one check has resolved already: real directories by use, real paths. */
interface Resolved {
  dirs: Partial<Record<keyof PolicyDirs, string[]>>;
  paths: Map<string, Promise<string>>;
}

/** Lexical check, then the same with links followed, then what the reference leads to. */
async function refViolations(
  refs: readonly PathRef[],
  dirs: PolicyDirs,
  resolved: Resolved = { dirs: {}, paths: new Map() },
): Promise<Violation[]> {
  const violations: Violation[] = [];
  const real = resolved.dirs;
  for (const ref of refs) {
    const [lexical] = pathViolations([ref], dirs);
    if (lexical) {
      violations.push(lexical);
      continue;
    }
    real[ref.use] ??= await realDirs(dirs[ref.use]);
    const where = await realLocation(ref.path, resolved.paths);
    if (!isInAllowedDir(where, real[ref.use] ?? [])) {
      violations.push({
        ...ref,
        reason: `${ref.path} is a link: ${outsideReason(ref.use, where, dirs)}`,
      });
      continue;
    }
    if (ref.use === "read") {
      violations.push(...(await refViolations(await nestedRefs(ref), dirs, resolved)));
    }
  }
  return violations;
}

/**
 * Every violation of the policy by the configuration the daemon would load with `main` as its
 * main file (shown as `shownAs`): its own lines, its conf.d or includes, and the files they name.
 */
export async function configViolations(
  ctx: Pick<JobContext, "config">,
  target: ServiceTarget,
  main: string,
  shownAs: string,
): Promise<Violation[]> {
  const dirs = policyDirs(target.service, ctx.config, target.configDir);
  if (target.service === "haproxy") {
    const findings = checkHaproxyFiles(await haproxyConfigFiles(target, main, shownAs));
    return [...findings.violations, ...(await refViolations(findings.refs, dirs))];
  }
  const prefix = await nginxPrefix(target.binary);
  const { findings } = await checkNginxTree(target, main, shownAs, dirs, prefix);
  return [...findings.violations, ...(await refViolations(findings.refs, dirs))];
}

/**
 * The texts the daemon loads as configuration with `main`: HAProxy's main file and conf.d,
 * nginx's main file and the includes the policy lets it read. What the job supplied, so the
 * words of these may appear in the daemon's messages (daemon-output.ts).
 */
export async function loadedConfigTexts(
  ctx: Pick<JobContext, "config">,
  target: ServiceTarget,
  main: string,
): Promise<string[]> {
  try {
    if (target.service === "haproxy") {
      return (await haproxyConfigFiles(target, main, main)).map((file) => file.text);
    }
    const dirs = policyDirs(target.service, ctx.config, target.configDir);
    const prefix = await nginxPrefix(target.binary);
    const { files } = await checkNginxTree(target, main, main, dirs, prefix);
    return files.map((file) => file.text);
  } catch {
    return [];
  }
}

/** How the VM's admin widens the policy; the control plane cannot. */
export const WIDEN_HINT =
  "the VM's admin can allow a directory with BATON_ALLOWED_DIRS, or turn the policy off with BATON_CONFIG_POLICY=permissive, in /etc/baton/agent.env";

/**
 * Refuses (JobFailed) a configuration that breaks the policy, listing every violation in the
 * job output; with BATON_CONFIG_POLICY=permissive, says the check is off and returns.
 */
export async function enforceConfigPolicy(
  ctx: Pick<JobContext, "config" | "out"> & Partial<Pick<JobContext, "log">>,
  target: ServiceTarget,
  main: string,
  shownAs = main,
): Promise<void> {
  if (ctx.config.configPolicy === "permissive") {
    ctx.log?.warn("config policy is off (BATON_CONFIG_POLICY=permissive)", {
      service: target.service,
    });
    ctx.out.line(
      `config policy is off (BATON_CONFIG_POLICY=permissive in agent.env): ${target.service} directives and file paths are not checked`,
    );
    return;
  }
  const violations = await configViolations(ctx, target, main, shownAs);
  if (violations.length === 0) return;
  ctx.out.line(`refused by the agent's config policy (${violations.length} violations):`);
  for (const violation of violations) ctx.out.line(`  ${formatViolation(violation)}`);
  ctx.out.line(`  ${WIDEN_HINT}`);
  const [first] = violations;
  throw new JobFailed(
    `config policy refused the configuration: ${first ? formatViolation(first) : "?"}${violations.length > 1 ? ` (and ${violations.length - 1} more)` : ""}`,
  );
}
