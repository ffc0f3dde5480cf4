/**
 * `agent.update`: replace the running agent bundle with the one the control plane serves.
 *
 * Only a bundle signed with the release key pinned on this VM (BATON_RELEASE_KEY, set at install)
 * is installed: the control plane serves the bundle and its signature but never holds the
 * private key, so even a compromised control plane cannot make this job run its own code. With
 * no key pinned the job is refused and says how to pin one (docs/decisions/0012).
 *
 * The new bundle must also have the SHA-256 the job names and must run (`node bundle version`
 * prints the job's version) before it goes anywhere near the live file; it is then renamed over
 * the live file in one step (the same directory, so the same filesystem), and the old one is kept
 * as `.prev` for a manual rollback. A failure at any step leaves the live file as it was.
 *
 * The handler does not restart the agent: the runner first reports the job succeeded (a result
 * sent from the new process would depend on the new version working), then the agent exits and
 * systemd (`Restart=always`) starts the new file. `onInstalled` tells the agent to do that.
 */
import { createHash } from "node:crypto";
import { copyFile, realpath, rename, rm, stat, writeFile } from "node:fs/promises";
import { AGENT_SIGNATURE_PATH } from "../../shared/agent-protocol";
import { Refused } from "../control-plane";
import { describeExit, exec } from "../exec";
import { verifyReleaseSignature } from "../release-signature";
import type { JobContext, JobHandler } from "./types";
import { JobFailed } from "./types";

/** Starting the new bundle to ask its version must be quick; it loads no config. */
export const VERSION_CHECK_TIMEOUT_MS = 15_000;

export interface AgentUpdateOptions {
  /** The running bundle, replaced in place (default: `process.argv[1]`, the file Node runs). */
  bundlePath?: string;
  /** The Node that runs the agent, used to try the new bundle (default: `process.execPath`). */
  nodePath?: string;
  /** The new version is in place; the agent restarts once the job's result is reported. */
  onInstalled: (version: string) => void;
}

export function createAgentUpdate(options: AgentUpdateOptions): JobHandler<"agent.update"> {
  return async (payload, ctx) => {
    const { releaseKey } = ctx.config;
    if (releaseKey === undefined) throw new JobFailed(NO_RELEASE_KEY);
    const live = await liveBundle(options.bundlePath ?? process.argv[1]);
    const bundle = await ctx.api.downloadAgentBundle();
    const actual = createHash("sha256").update(bundle).digest("hex");
    if (actual !== payload.sha256) {
      throw new JobFailed(
        `checksum mismatch: the control plane's bundle is sha256 ${actual}, the job expects ${payload.sha256}; nothing was changed`,
      );
    }
    ctx.out.line(`downloaded ${bundle.length} bytes, sha256 ${actual} verified`);
    if (!verifyReleaseSignature(bundle, await signature(ctx), releaseKey)) {
      throw new JobFailed(
        `the bundle's signature does not verify against the release key pinned on this VM (${releaseKey}): it was not signed with your release key (npm run release:sign) or it was altered; nothing was changed`,
      );
    }
    ctx.out.line(`signature verified against the pinned release key ${releaseKey}`);

    // Node picks the module format by extension: the staged file must end in .mjs, or Node
    // refuses to run the ESM bundle (ERR_UNKNOWN_FILE_EXTENSION) and no update ever lands.
    const staged = `${live}.${process.pid}.new.mjs`;
    const { mode } = await stat(live);
    await writeFile(staged, bundle, { mode: mode & 0o7777 });
    try {
      await checkRuns(staged, payload.version, options.nodePath ?? process.execPath, ctx);
      ctx.signal.throwIfAborted(); // past its timeout the job is reported failed: change nothing
      await copyFile(live, `${live}.prev`);
      await rename(staged, live);
    } catch (error) {
      await rm(staged, { force: true });
      throw error;
    }
    ctx.out.line(`installed ${payload.version} at ${live} (previous kept at ${live}.prev)`);
    ctx.out.line("the agent restarts into it once this result is reported");
    options.onInstalled(payload.version);
  };
}

export const NO_RELEASE_KEY =
  "no release key is pinned on this VM, so agent.update is refused: only a bundle signed with your release key is installed. Pin the public key npm run release:keygen printed: re-run install.sh with --release-key <key>, or add BATON_RELEASE_KEY=<key> to /etc/baton/agent.env and restart baton-agent; nothing was changed";

/** The served signature; its absence means the release was deployed unsigned. */
async function signature(ctx: JobContext): Promise<string> {
  try {
    return await ctx.api.downloadAgentSignature();
  } catch (error) {
    if (!(error instanceof Refused && error.status === 404)) throw error;
    throw new JobFailed(
      `the control plane serves no release signature (${AGENT_SIGNATURE_PATH}): sign the bundle with npm run release:sign before wrangler deploy; nothing was changed`,
    );
  }
}

/** The file to replace: symlinks resolved, so the link stays and its target is updated. */
async function liveBundle(path: string | undefined): Promise<string> {
  if (!path) throw new JobFailed("cannot tell which file the agent runs from");
  try {
    return await realpath(path);
  } catch (error) {
    throw new JobFailed(`cannot find the running bundle ${path}: ${(error as Error).message}`);
  }
}

/** Runs `node <staged> version` and insists on the job's version, so a broken file never lands. */
async function checkRuns(
  staged: string,
  version: string,
  node: string,
  ctx: JobContext,
): Promise<void> {
  const result = await exec(node, [staged, "version"], {
    timeoutMs: VERSION_CHECK_TIMEOUT_MS,
    signal: ctx.signal,
  });
  const printed = result.stdout.trim();
  if (result.code !== 0) {
    throw new JobFailed(
      `the new bundle does not run: ${describeExit("node", { ...result, stderr: errorLine(result.stderr) })}; nothing was changed`,
    );
  }
  if (printed !== version) {
    throw new JobFailed(
      `the new bundle says it is version ${JSON.stringify(printed.slice(0, 64))}, the job expects ${version}; nothing was changed`,
    );
  }
  ctx.out.line(`the new bundle runs under ${node} and reports version ${printed}`);
}

/** Node's stack trace ends with its version; the line naming the error is the useful one. */
function errorLine(stderr: string): string {
  const lines = stderr.trim().split("\n");
  return lines.find((line) => /^\w*Error\b|\[ERR_/.test(line)) ?? lines.pop() ?? "";
}
