import { z } from "zod";
import type { BalancerModel } from "./balancer";

/** A rule of the balancer model broken at `path` (`frontends.1.binds.0.port`). */
export interface ModelProblem {
  path: (string | number)[];
  message: string;
}

/** Whether `host` is one of `patterns` (`*.example.com` covers every name below example.com). */
export function hostCovered(host: string, patterns: readonly string[]): boolean {
  return patterns.some((pattern) => {
    if (pattern === host) return true;
    if (!pattern.startsWith("*.")) return false;
    const suffix = pattern.slice(1);
    // `*.example.com` covers `a.example.com` and `*.a.example.com`, not `example.com`.
    return host.endsWith(suffix) && host.length > suffix.length;
  });
}

/**
 * What the rules below read, and nothing else. A model whose fields here are well-formed is
 * checked across fields even while others are wrong (a server's port typed "80a", a timeout), so
 * the API and the form name every problem at once instead of one round after another. Where one
 * of these is malformed (binds that are not a list), the rules wait for it to be fixed.
 */
const CrossCheckedFields = z.object({
  frontends: z.array(
    z.object({
      name: z.string(),
      binds: z.array(z.object({ port: z.number() })),
      routes: z.array(z.object({ backend: z.string(), host: z.string().optional() })),
      defaultBackend: z.string(),
      hostnames: z.array(z.string()),
    }),
  ),
  backends: z.array(
    z.object({
      name: z.string(),
      servers: z.array(z.object({ name: z.string() })),
      healthCheck: z
        .object({ expectStatus: z.object({ min: z.number(), max: z.number() }) })
        .optional(),
    }),
  ),
});

/** Whether `balancerModelProblems` can read `value` (a model as far as it parsed). */
export function crossCheckable(value: unknown): boolean {
  return CrossCheckedFields.safeParse(value).success;
}

function duplicates<T>(items: readonly T[], key: (item: T) => string) {
  const firstIndex = new Map<string, number>();
  const found: { index: number; first: number }[] = [];
  items.forEach((item, index) => {
    const first = firstIndex.get(key(item));
    if (first === undefined) firstIndex.set(key(item), index);
    else found.push({ index, first });
  });
  return found;
}

/**
 * The cross-field rules of a model whose fields are each valid: unique frontend, backend and
 * server names, routes and defaults naming a backend that exists, one frontend per port, route
 * hosts among the frontend's hostnames, a health status range in order. Each problem points at
 * the field to change.
 */
export function balancerModelProblems(model: BalancerModel): ModelProblem[] {
  const problems: ModelProblem[] = [];
  for (const { index, first } of duplicates(model.frontends, (frontend) => frontend.name)) {
    problems.push({
      path: ["frontends", index, "name"],
      message: `is already the name of frontends.${first}; frontend names must differ`,
    });
  }
  for (const { index, first } of duplicates(model.backends, (backend) => backend.name)) {
    problems.push({
      path: ["backends", index, "name"],
      message: `is already the name of backends.${first}; backend names must differ`,
    });
  }
  model.backends.forEach((backend, b) => {
    for (const { index, first } of duplicates(backend.servers, (server) => server.name)) {
      problems.push({
        path: ["backends", b, "servers", index, "name"],
        message: `is already the name of servers.${first} of this backend; server names must differ`,
      });
    }
    const check = backend.healthCheck;
    if (check && check.expectStatus.min > check.expectStatus.max) {
      problems.push({
        path: ["backends", b, "healthCheck", "expectStatus", "max"],
        message: `must be at least min (${check.expectStatus.min})`,
      });
    }
  });
  problems.push(...backendReferenceProblems(model), ...portProblems(model));
  model.frontends.forEach((frontend, f) => {
    if (frontend.hostnames.length === 0) return;
    frontend.routes.forEach((route, r) => {
      if (route.host !== undefined && !hostCovered(route.host, frontend.hostnames)) {
        problems.push({
          path: ["frontends", f, "routes", r, "host"],
          message: `is not among this frontend's hostnames (${frontend.hostnames.join(", ")}), which answer every other host with 404`,
        });
      }
    });
  });
  return problems;
}

function backendReferenceProblems(model: BalancerModel): ModelProblem[] {
  const known = new Set(model.backends.map((backend) => backend.name));
  const message = (backend: string) =>
    `names no backend of this model (${backend}); backends are: ${[...known].join(", ")}`;
  const problems: ModelProblem[] = [];
  model.frontends.forEach((frontend, f) => {
    if (!known.has(frontend.defaultBackend)) {
      problems.push({
        path: ["frontends", f, "defaultBackend"],
        message: message(frontend.defaultBackend),
      });
    }
    frontend.routes.forEach((route, r) => {
      if (!known.has(route.backend)) {
        problems.push({
          path: ["frontends", f, "routes", r, "backend"],
          message: message(route.backend),
        });
      }
    });
  });
  return problems;
}

/** Two binds on one port cannot both listen, whatever their address or frontend. */
function portProblems(model: BalancerModel): ModelProblem[] {
  const owner = new Map<number, string>();
  const problems: ModelProblem[] = [];
  model.frontends.forEach((frontend, f) => {
    frontend.binds.forEach((bind, b) => {
      const taken = owner.get(bind.port);
      if (taken !== undefined) {
        problems.push({
          path: ["frontends", f, "binds", b, "port"],
          message: `is already bound by ${taken}; one port serves one frontend`,
        });
      } else owner.set(bind.port, `frontend ${frontend.name} (frontends.${f})`);
    });
  });
  return problems;
}
