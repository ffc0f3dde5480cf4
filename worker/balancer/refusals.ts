import type { BalancerBackend, BalancerModel } from "../../shared/balancer";
import type { BalancerRefusal } from "../../shared/balancer-api";

/** Stickiness nginx can combine with the backend's strategy: it has one method per upstream. */
function stickyFits(backend: BalancerBackend): boolean {
  if (!backend.sticky) return true;
  if (backend.strategy === "round_robin") return true;
  return backend.sticky.type === "source" && backend.strategy === "source";
}

/**
 * Whether nginx balances `backend` by hashing (source, uri_hash, or a sticky session it can
 * render): nginx then allows no backup servers.
 */
function nginxHashes(backend: BalancerBackend): boolean {
  if (backend.strategy === "source" || backend.strategy === "uri_hash") return true;
  return !!backend.sticky && stickyFits(backend);
}

/**
 * What nginx open source cannot render at all, at the field to change. HAProxy renders every
 * field of the model, so it has no such list.
 */
export function nginxRefusals(model: BalancerModel): BalancerRefusal[] {
  const refusals: BalancerRefusal[] = [];
  model.backends.forEach((backend, b) => {
    if (!stickyFits(backend)) {
      refusals.push({
        path: `backends.${b}.sticky`,
        message: `nginx balances an upstream by one method, and ${backend.sticky?.type} stickiness replaces the ${backend.strategy} strategy: use round_robin with sticky sessions${backend.sticky?.type === "source" ? ", or the source strategy alone" : ""}`,
      });
    }
    if (!nginxHashes(backend)) return;
    backend.servers.forEach((server, s) => {
      if (server.backup) {
        refusals.push({
          path: `backends.${b}.servers.${s}.backup`,
          message:
            "nginx refuses backup servers in an upstream that hashes (source, uri_hash or sticky sessions)",
        });
      }
    });
  });
  model.frontends.forEach((frontend, f) => {
    const first = frontend.binds.find((bind) => bind.tls)?.tls?.certificateId;
    frontend.binds.forEach((bind, i) => {
      if (bind.tls && bind.tls.certificateId !== first) {
        refusals.push({
          path: `frontends.${f}.binds.${i}.tls.certificateId`,
          message: `nginx serves one certificate per frontend (server block); this frontend already uses ${first}`,
        });
      }
    });
  });
  return refusals;
}
