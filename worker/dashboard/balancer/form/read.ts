import { type FormFields, textOf, typedTextOf } from "../../common/form-fields";
import type {
  BackendDraft,
  BalancerDraft,
  BindDraft,
  FrontendDraft,
  RouteDraft,
  ServerDraft,
} from "./draft";

const escaped = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");

/**
 * The positions of a list's entries among the posted fields (`backends.0.servers.3.name` gives
 * 3 for `backends.0.servers`), in order. A gap (a row removed by hand) is closed: the page drawn
 * again from the draft numbers its fields afresh, so issue paths and field names still agree.
 */
function positions(fields: FormFields, list: string): number[] {
  const pattern = new RegExp(`^${escaped(list)}\\.(\\d+)\\.`);
  const found = new Set<number>();
  for (const name of Object.keys(fields)) {
    const match = pattern.exec(name);
    if (match) found.add(Number(match[1]));
  }
  return [...found].sort((a, b) => a - b);
}

function entries<T>(fields: FormFields, list: string, read: (at: string) => T): T[] {
  return positions(fields, list).map((index) => read(`${list}.${index}`));
}

/** A checkbox: posted (with any value but "false") is on. */
function isOn(fields: FormFields, name: string): boolean {
  const value = textOf(fields, name);
  return value !== "" && value !== "false";
}

function bindOf(fields: FormFields, at: string): BindDraft {
  return {
    address: textOf(fields, `${at}.address`),
    port: textOf(fields, `${at}.port`),
    tls: { certificateId: textOf(fields, `${at}.tls.certificateId`) },
  };
}

function routeOf(fields: FormFields, at: string): RouteDraft {
  return {
    host: textOf(fields, `${at}.host`),
    pathPrefix: textOf(fields, `${at}.pathPrefix`),
    backend: textOf(fields, `${at}.backend`),
  };
}

function frontendOf(fields: FormFields, at: string): FrontendDraft {
  return {
    name: textOf(fields, `${at}.name`),
    binds: entries(fields, `${at}.binds`, (bind) => bindOf(fields, bind)),
    hostnames: typedTextOf(fields, `${at}.hostnames`).replace(/\r\n?/g, "\n"),
    routes: entries(fields, `${at}.routes`, (route) => routeOf(fields, route)),
    defaultBackend: textOf(fields, `${at}.defaultBackend`),
    forwardedHeaders: isOn(fields, `${at}.forwardedHeaders`),
    redirectToHttps: isOn(fields, `${at}.redirectToHttps`),
    timeouts: {
      clientMs: textOf(fields, `${at}.timeouts.clientMs`),
      httpRequestMs: textOf(fields, `${at}.timeouts.httpRequestMs`),
    },
  };
}

function serverOf(fields: FormFields, at: string): ServerDraft {
  return {
    name: textOf(fields, `${at}.name`),
    address: textOf(fields, `${at}.address`),
    port: textOf(fields, `${at}.port`),
    weight: textOf(fields, `${at}.weight`),
    maxConnections: textOf(fields, `${at}.maxConnections`),
    backup: isOn(fields, `${at}.backup`),
    state: textOf(fields, `${at}.state`),
  };
}

function backendOf(fields: FormFields, at: string): BackendDraft {
  const check = `${at}.healthCheck`;
  return {
    name: textOf(fields, `${at}.name`),
    strategy: textOf(fields, `${at}.strategy`),
    healthCheck: {
      enabled: isOn(fields, `${check}.enabled`),
      path: textOf(fields, `${check}.path`),
      intervalMs: textOf(fields, `${check}.intervalMs`),
      timeoutMs: textOf(fields, `${check}.timeoutMs`),
      rise: textOf(fields, `${check}.rise`),
      fall: textOf(fields, `${check}.fall`),
      expectStatus: {
        min: textOf(fields, `${check}.expectStatus.min`),
        max: textOf(fields, `${check}.expectStatus.max`),
      },
    },
    sticky: {
      type: textOf(fields, `${at}.sticky.type`) || "none",
      name: textOf(fields, `${at}.sticky.name`),
    },
    servers: entries(fields, `${at}.servers`, (server) => serverOf(fields, server)),
    timeouts: {
      connectMs: textOf(fields, `${at}.timeouts.connectMs`),
      serverMs: textOf(fields, `${at}.timeouts.serverMs`),
    },
  };
}

/** The posted Balancer form as a draft: every field as typed, lists in their page order. */
export function draftOfForm(fields: FormFields): BalancerDraft {
  return {
    frontends: entries(fields, "frontends", (at) => frontendOf(fields, at)),
    backends: entries(fields, "backends", (at) => backendOf(fields, at)),
  };
}
