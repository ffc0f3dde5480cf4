/**
 * The closed set of directories a service's config may reference and a restore may write into:
 * the service's own config directory, Baton's TLS directory, and whatever the VM's admin added
 * with BATON_ALLOWED_DIRS. Nothing the control plane sends can widen it.
 */
import { normalize } from "node:path";
import { type AgentConfig, DEFAULT_TLS_DIR } from "../config";

export function allowedDirs(
  config: Pick<AgentConfig, "extraAllowedDirs">,
  configDir: string,
): string[] {
  const dirs = [configDir, DEFAULT_TLS_DIR, ...(config.extraAllowedDirs ?? [])];
  return [...new Set(dirs.map((dir) => normalize(dir).replace(/\/+$/, "")))];
}

/** Whether `path` (absolute, normalised) lies inside one of `dirs`. */
export function isInAllowedDir(path: string, dirs: readonly string[]): boolean {
  const target = normalize(path);
  return dirs.some((dir) => target === dir || target.startsWith(`${dir}/`));
}
