import type { BalancerMappingEntry } from "../../shared/balancer-api";

/** A target's text after the header, and what it wrote for each field of the model. */
export interface TargetRendering {
  body: string;
  mapping: BalancerMappingEntry[];
}
