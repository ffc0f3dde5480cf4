import type { Renderings } from "../../../balancer/preview";

/** The entry at `path` of a target's mapping, or the nearest above it (HAProxy maps a server whole). */
function nearestEntry(entries: Renderings["haproxy"]["mapping"], path: string) {
  for (let at = path; at !== ""; at = at.slice(0, Math.max(0, at.lastIndexOf(".")))) {
    const entry = entries.find((candidate) => candidate.path === at);
    if (entry) return entry;
  }
  return undefined;
}

/**
 * For an nginx pool: beside each field nginx renders differently, what HAProxy and nginx each
 * write and how nginx's differs (the API's mapping for this model); beside each field nginx
 * refuses, why. Keyed by model path (a field's name, or a group such as `backends.0.healthCheck`).
 */
export function nginxNotes(renderings: Renderings): Record<string, string> {
  const notes: Record<string, string> = {};
  for (const entry of renderings.nginx.mapping) {
    if (!entry.note) continue;
    const haproxy = nearestEntry(renderings.haproxy.mapping, entry.path);
    const haproxyText = haproxy ? `HAProxy: ${haproxy.renders} | ` : "";
    notes[entry.path] = `${haproxyText}nginx: ${entry.renders}. ${entry.note}`;
  }
  for (const refusal of renderings.nginx.refusals) {
    notes[refusal.path] = `nginx cannot render this: ${refusal.message}`;
  }
  return notes;
}
