import {
  type BackendDraft,
  type BalancerDraft,
  blankHealthCheck,
  type FrontendDraft,
  type ServerDraft,
} from "./draft";

/**
 * Adding and removing rows of the form (a server, a backend, a frontend, a bind, a route). The
 * buttons post the whole form with `_edit` = `add <list path>` or `remove <entry path>`; the
 * page comes back with the row added or removed and everything else as typed, nothing saved.
 * Works without scripts.
 */

/** The first of `base1`, `base2`, … that no entry of `taken` is called. */
function freeName(base: string, taken: readonly string[]): string {
  for (let n = taken.length + 1; ; n++) {
    if (!taken.includes(`${base}${n}`)) return `${base}${n}`;
  }
}

function blankServer(backend: BackendDraft): ServerDraft {
  const names = backend.servers.map((server) => server.name);
  return {
    name: freeName(/^[a-z][a-z0-9_-]{0,20}$/.test(backend.name) ? backend.name : "server", names),
    address: "",
    port: "",
    weight: "1",
    maxConnections: "",
    backup: false,
    state: "ready",
  };
}

function blankBackend(draft: BalancerDraft): BackendDraft {
  const backend: BackendDraft = {
    name: freeName(
      "backend",
      draft.backends.map((entry) => entry.name),
    ),
    strategy: "round_robin",
    healthCheck: blankHealthCheck(),
    sticky: { type: "none", name: "" },
    servers: [],
    timeouts: { connectMs: "5000", serverMs: "30000" },
  };
  backend.servers.push(blankServer(backend));
  return backend;
}

function blankFrontend(draft: BalancerDraft): FrontendDraft {
  return {
    name: freeName(
      "frontend",
      draft.frontends.map((entry) => entry.name),
    ),
    binds: [{ address: "", port: "", tls: { certificateId: "" } }],
    hostnames: "",
    routes: [],
    defaultBackend: draft.backends[0]?.name ?? "",
    forwardedHeaders: true,
    redirectToHttps: false,
    timeouts: { clientMs: "30000", httpRequestMs: "10000" },
  };
}

/** What a pool without a model starts from: one frontend on port 80 to one backend. */
export function starterDraft(): BalancerDraft {
  const draft: BalancerDraft = { frontends: [], backends: [] };
  draft.backends.push({ ...blankBackend(draft), name: "app" });
  const backend = draft.backends[0];
  if (backend) backend.servers = [blankServer({ ...backend, servers: [] })];
  draft.frontends.push({
    ...blankFrontend(draft),
    name: "web",
    binds: [{ address: "", port: "80", tls: { certificateId: "" } }],
  });
  return draft;
}

/** The list at `path` (`backends.0.servers`) and a new entry for it, or null. */
function listAt(
  draft: BalancerDraft,
  path: string,
): { list: unknown[]; blank: () => unknown } | null {
  const [top, index, list] = path.split(".");
  if (top === "frontends" && index === undefined)
    return { list: draft.frontends, blank: () => blankFrontend(draft) };
  if (top === "backends" && index === undefined)
    return { list: draft.backends, blank: () => blankBackend(draft) };
  const position = Number(index);
  if (top === "frontends") {
    const frontend = draft.frontends[position];
    if (!frontend) return null;
    if (list === "binds")
      return {
        list: frontend.binds,
        blank: () => ({ address: "", port: "", tls: { certificateId: "" } }),
      };
    if (list === "routes")
      return {
        list: frontend.routes,
        blank: () => ({ host: "", pathPrefix: "/", backend: frontend.defaultBackend }),
      };
  }
  if (top === "backends" && list === "servers") {
    const backend = draft.backends[position];
    if (backend) return { list: backend.servers, blank: () => blankServer(backend) };
  }
  return null;
}

export interface EditOutcome {
  draft: BalancerDraft;
  /** The form field (or button) to focus on the page that comes back. */
  focus: string | null;
}

/**
 * Applies `add <list>` or `remove <list>.<n>` to a copy of the draft. An edit naming no list of
 * the draft changes nothing.
 */
export function applyEdit(draft: BalancerDraft, edit: string): EditOutcome {
  const copy = structuredClone(draft);
  const [verb, path = ""] = edit.split(" ");
  if (verb === "add") {
    const found = listAt(copy, path);
    if (!found) return { draft: copy, focus: null };
    found.list.push(found.blank());
    const added = `${path}.${found.list.length - 1}`;
    // A bind's or route's first field is not its name.
    const first = path.endsWith("binds") ? "port" : path.endsWith("routes") ? "host" : "name";
    return { draft: copy, focus: `${added}.${first}` };
  }
  if (verb === "remove") {
    const cut = path.lastIndexOf(".");
    const found = listAt(copy, path.slice(0, cut));
    const index = Number(path.slice(cut + 1));
    if (found && Number.isInteger(index)) found.list.splice(index, 1);
    return { draft: copy, focus: found ? `add ${path.slice(0, cut)}` : null };
  }
  return { draft: copy, focus: null };
}
