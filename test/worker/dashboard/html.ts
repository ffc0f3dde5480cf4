/** Opening tags of elements with `data-testid="<testId>"`, as attribute maps. */
export function byTestId(html: string, testId: string): Record<string, string>[] {
  const tags = html.match(new RegExp(`<[a-z]+\\b[^>]*data-testid="${testId}"[^>]*>`, "g")) ?? [];
  return tags.map((tag) =>
    Object.fromEntries([...tag.matchAll(/([a-z-]+)="([^"]*)"/g)].map((m) => [m[1], m[2]])),
  );
}

/** The text of the element with `data-testid="<testId>"` (first one; tags stripped). */
export function textOf(html: string, testId: string): string {
  const start = html.search(new RegExp(`data-testid="${testId}"`));
  if (start < 0) return "";
  const open = html.indexOf(">", start) + 1;
  const tag = /<([a-z]+)\b[^>]*$/.exec(html.slice(0, start))?.[1] ?? "div";
  let depth = 1;
  const pattern = new RegExp(`<(/?)${tag}\\b[^>]*>`, "g");
  pattern.lastIndex = open;
  for (let match = pattern.exec(html); match; match = pattern.exec(html)) {
    depth += match[1] ? -1 : 1;
    if (depth === 0)
      return html
        .slice(open, match.index)
        .replace(/<[^>]+>/g, " ")
        .replace(/\s+/g, " ")
        .trim();
  }
  return "";
}
