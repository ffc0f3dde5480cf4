/**
 * `balancer` in the heartbeat: what the managed balancer file on disk is now, its revision (from
 * its header comment) and the SHA-256 of its bytes, so the control plane sees a hand edit as
 * drift. The managed file is whichever of the HAProxy and nginx main configs has a revision
 * header; with neither, the one that exists (its header may be what was edited away). A file is
 * hashed again only when its size, mtime or inode changed, so a beat costs two stat calls.
 */
import { readFile, stat } from "node:fs/promises";
import { type BalancerOnDisk, revisionFromHeader } from "../../shared/agent-protocol";
import { sha256Hex } from "../balancer/certificates";
import type { Probe } from "./probe";

interface Seen {
  key: string;
  onDisk: BalancerOnDisk;
}

export function balancerProbe(options: { files: readonly string[] }): Probe {
  const cache = new Map<string, Seen>();
  const read = async (file: string): Promise<BalancerOnDisk | null> => {
    const info = await stat(file).catch(() => null);
    if (!info?.isFile()) return null;
    const key = `${info.size}:${info.mtimeMs}:${info.ino}`;
    const seen = cache.get(file);
    if (seen?.key === key) return seen.onDisk;
    const bytes = await readFile(file).catch(() => null);
    if (!bytes) return null;
    const onDisk = {
      revision: revisionFromHeader(bytes.subarray(0, 4096).toString("utf8")),
      sha256: sha256Hex(bytes),
    };
    cache.set(file, { key, onDisk });
    return onDisk;
  };
  return {
    name: "balancer",
    async collect() {
      const found = (await Promise.all(options.files.map(read))).filter(
        (onDisk): onDisk is BalancerOnDisk => onDisk !== null,
      );
      const managed = found.find((onDisk) => onDisk.revision !== null) ?? found[0];
      return managed ? { balancer: managed } : {};
    },
  };
}
