/**
 * Makes sure an HAProxy config's `global` section has the admin stats socket the agent talks to
 * (`stats socket <path> mode 660 level admin`). Pure text editing: the result goes through the
 * same validate → swap → reload path as any other config change.
 */
import { words } from "./references";

const SECTION =
  /^(global|defaults|frontend|backend|listen|peers|resolvers|userlist|program|http-errors|ring|mailers|cache|fcgi-app)\b/;

/** The config text with the admin socket in `global`; `changed` is false when it already was. */
export function ensureStatsSocket(
  text: string,
  socketPath: string,
): { text: string; changed: boolean } {
  const wanted = `stats socket ${socketPath} mode 660 level admin`;
  const lines = text.split("\n");
  const start = lines.findIndex((line) => words(line)[0] === "global" && SECTION.test(line));
  if (start === -1) {
    return { text: `global\n    ${wanted}\n\n${text}`, changed: true };
  }
  let end = lines.length;
  for (let i = start + 1; i < lines.length; i++) {
    if (SECTION.test(lines[i] ?? "")) {
      end = i;
      break;
    }
  }
  let lastDirective = start;
  let indent = "    ";
  for (let i = start + 1; i < end; i++) {
    const tokens = words(lines[i] ?? "");
    if (tokens.length === 0) continue;
    lastDirective = i;
    indent = /^\s*/.exec(lines[i] ?? "")?.[0] || indent;
    if (tokens[0] !== "stats" || tokens[1] !== "socket" || tokens[2] !== socketPath) continue;
    const level = tokens.indexOf("level");
    if (level !== -1 && tokens[level + 1] === "admin") return { text, changed: false };
    // Our path without admin level: give the agent the level it needs on that same socket.
    lines[i] = `${indent}${wanted}`;
    return { text: lines.join("\n"), changed: true };
  }
  lines.splice(lastDirective + 1, 0, `${indent}${wanted}`);
  return { text: lines.join("\n"), changed: true };
}
