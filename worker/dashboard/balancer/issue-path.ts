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

export function pathInWords(path: string, model: unknown): string {
  if (path === "") return "the model";
  const words: string[] = [];
  let node: unknown = model;
  let list: string | null = null;
  for (const segment of path.split(".")) {
    const child =
      isRecord(node) || Array.isArray(node)
        ? (node as Record<string, unknown>)[segment]
        : undefined;
    if (list !== null && /^\d+$/.test(segment)) {
      const name = isRecord(child) && typeof child.name === "string" ? child.name : null;
      const singular = SINGULAR[list] ?? list;
      words.push(name ? `${singular} "${name}"` : `${singular} ${Number(segment) + 1}`);
      list = null;
    } else {
      if (list !== null) words.push(list.replace(CAMEL, "$1 $2").toLowerCase());
      list = Array.isArray(child) ? segment : null;
      if (list === null) words.push(segment.replace(CAMEL, "$1 $2").toLowerCase());
    }
    node = child;
  }
  if (list !== null) words.push(list.replace(CAMEL, "$1 $2").toLowerCase());
  return words.join(" › ");
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
