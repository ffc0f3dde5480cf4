import { type BalancerModel, type BalancerTarget, balancerHeader } from "../../shared/balancer";
import type { BalancerMappingEntry, BalancerRefusal } from "../../shared/balancer-api";
import { sha256HexSync } from "../lib/sha256-sync";
import { nginxRefusals } from "./refusals";
import { renderHaproxy } from "./render-haproxy";
import { renderNginx } from "./render-nginx";
import type { TargetRendering } from "./render-types";

export interface RenderMeta {
  poolId: string;
  poolName: string;
  revision: number;
}

export interface RenderedBalancer {
  /** Exactly what the agent writes: the header naming pool and revision, then the config. */
  text: string;
  /** Lowercase hex SHA-256 of `text` in UTF-8. */
  sha256: string;
  mapping: BalancerMappingEntry[];
  /** Fields this target cannot render; the text names them and leaves them out. */
  refusals: BalancerRefusal[];
}

const RENDERERS: Record<BalancerTarget, (model: BalancerModel) => TargetRendering> = {
  haproxy: renderHaproxy,
  nginx: renderNginx,
};

const REFUSALS: Record<BalancerTarget, (model: BalancerModel) => BalancerRefusal[]> = {
  haproxy: () => [],
  nginx: nginxRefusals,
};

/**
 * Renders a (parsed, valid) balancer model for one target. Pure: the same model and meta give
 * the same text byte for byte, on every member and on every call.
 */
export function renderBalancer(
  model: BalancerModel,
  target: BalancerTarget,
  meta: RenderMeta,
): RenderedBalancer {
  const { body, mapping } = RENDERERS[target](model);
  const refusals = REFUSALS[target](model);
  const lines = [balancerHeader(meta.revision, meta.poolName, meta.poolId)];
  for (const refusal of refusals)
    lines.push(`# Not rendered (${refusal.path}): ${refusal.message}`);
  const text = `${lines.join("\n")}\n\n${body}`;
  return { text, sha256: sha256HexSync(text), mapping, refusals };
}
