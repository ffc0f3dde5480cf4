import { BALANCER_TARGETS, type BalancerModel, type BalancerTarget } from "../../shared/balancer";
import type { BalancerAnswer } from "../../shared/balancer-api";
import { type RenderedBalancer, type RenderMeta, renderBalancer } from "./render";

export type Renderings = Record<BalancerTarget, RenderedBalancer>;

/** The model rendered for every target. */
export function renderAll(model: BalancerModel, meta: RenderMeta): Renderings {
  const [haproxy, nginx] = BALANCER_TARGETS.map((target) => renderBalancer(model, target, meta));
  if (!haproxy || !nginx) throw new Error("a target has no renderer");
  return { haproxy, nginx };
}

/** What each target renders for each field, and what it refuses, as the API shows them. */
export function mappingOf(renderings: Renderings | null): Omit<BalancerAnswer, "balancer"> {
  return {
    mapping: {
      haproxy: renderings?.haproxy.mapping ?? [],
      nginx: renderings?.nginx.mapping ?? [],
    },
    refusals: {
      haproxy: renderings?.haproxy.refusals ?? [],
      nginx: renderings?.nginx.refusals ?? [],
    },
  };
}
