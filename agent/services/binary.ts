/**
 * Finding a daemon's binary. Service binaries live in sbin directories, which are often not on
 * the PATH of a service or a non-root shell, so those are searched after PATH.
 */
import { accessSync, constants } from "node:fs";
import { isAbsolute, join } from "node:path";

const SBIN_DIRS = ["/usr/local/sbin", "/usr/sbin", "/sbin"];

function isExecutable(path: string): boolean {
  try {
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/** The absolute path of `name` (or `name` itself when absolute and executable), or undefined. */
export function findBinary(name: string, path = process.env.PATH ?? ""): string | undefined {
  if (isAbsolute(name)) return isExecutable(name) ? name : undefined;
  const dirs = [...path.split(":").filter(Boolean), ...SBIN_DIRS];
  return dirs.map((dir) => join(dir, name)).find(isExecutable);
}
