/**
 * Where a rollout gets the text it applies: revision `revision` of the pool's balancer rendered
 * for `target` (model's `loadRevision`), and the certificates its binds name with the SHA-256 of
 * each one's PEM, which the agent checks what it fetches against. Tests hand the coordinator a
 * source of hand-rendered texts instead (Seams.revisionSource).
 */
import type { BalancerModel } from "../../shared/balancer";
import { loadRevision } from "../balancer/revisions";
import { certificateHashes } from "../certificates/store";
import type { Db } from "../db/client";

export interface RenderedRevision {
  revision: number;
  target: "haproxy" | "nginx";
  text: string;
  sha256: string;
  certificates: { id: string; sha256: string }[];
}

/** The rendered revision, null when it does not exist; throws ApiError when it cannot be sent. */
export type RevisionSource = (
  db: Db,
  poolId: string,
  revision: number,
  target: "haproxy" | "nginx",
) => Promise<RenderedRevision | null>;

/** The certificate ids the model's TLS binds name, once each. */
export function certificateIds(model: BalancerModel): string[] {
  const ids = model.frontends.flatMap((frontend) =>
    frontend.binds.flatMap((bind) => (bind.tls ? [bind.tls.certificateId] : [])),
  );
  return [...new Set(ids)];
}

export const storedRevision: RevisionSource = async (db, poolId, revision, target) => {
  const stored = await loadRevision(db, poolId, revision);
  if (!stored) return null;
  const rendered = stored[target];
  const certificates = await certificateHashes(db, poolId, certificateIds(stored.model));
  return { revision, target, text: rendered.text, sha256: rendered.sha256, certificates };
};
