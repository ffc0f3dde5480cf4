/**
 * A model path as words for the field errors beside the editor: `frontends.0.binds.1.port`
 * becomes `frontend "web" › bind 2 › port`, naming an entry by its name when the submitted JSON
 * has one, else by its position counted from 1.
 */
const SINGULAR: Record<string, string> = {
  frontends: "frontend",
  backends: "backend",
  binds: "bind",
  routes: "route",
  servers: "server",
  hostnames: "host name",
};

const CAMEL = /([a-z])([A-Z])/g;

const humanised = (segment: string) => segment.replace(CAMEL, "$1 $2").toLowerCase();

export function pathInWords(path: string, model: unknown): string {
  if (path === "") return "the model";
  const segments = path.split(".");
  const words: string[] = [];
  let node: unknown = model;
  for (let i = 0; i < segments.length; i++) {
    const segment = segments[i] ?? "";
    const next = segments[i + 1];
    const list = childOf(node, segment);
    if (next !== undefined && /^\d+$/.test(next)) {
      // A list and a position in it: one word, as the entry is known (its name when it has one).
      const item = childOf(list, next);
      const name = isRecord(item) && typeof item.name === "string" ? item.name : null;
      const singular = SINGULAR[segment] ?? humanised(segment);
      words.push(name ? `${singular} "${name}"` : `${singular} ${Number(next) + 1}`);
      node = item;
      i++;
    } else {
      words.push(humanised(segment));
      node = list;
    }
  }
  return words.join(" › ");
}

function childOf(node: unknown, key: string): unknown {
  if (Array.isArray(node)) return node[Number(key)];
  return isRecord(node) ? node[key] : undefined;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
