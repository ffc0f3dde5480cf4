/**
 * Where a rollout gets the text it applies: revision `revision` of the pool's balancer rendered
 * for `target`, and the certificates it references with the SHA-256 of each one's PEM (what
 * the agent checks). Revisions are the model's (worker/balancer/revisions.ts, `loadRevision`)
 * and certificates are the certs' (worker/certificates/store.ts); until both are merged the
 * default source says so, and tests hand the coordinator a source of hand-rendered texts.
 */
import type { Db } from "../db/client";

export interface RenderedRevision {
  revision: number;
  target: "haproxy" | "nginx";
  text: string;
  sha256: string;
  certificates: { id: string; sha256: string }[];
}

export type RevisionSource = (
  db: Db,
  poolId: string,
  revision: number,
  target: "haproxy" | "nginx",
) => Promise<RenderedRevision | null>;

/** TODO(model, certs): loadRevision + certificate hashes once worker/balancer and worker/certificates are merged. */
export const storedRevision: RevisionSource = async () => null;
