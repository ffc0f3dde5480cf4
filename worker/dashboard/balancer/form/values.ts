import type { BalancerDraft } from "./draft";

/**
 * The draft as the form's field values, by field name (its path): what `Input`, `Select` and
 * `Checkbox` show. A checkbox that is on holds "true"; one that is off is absent, as a browser
 * posts it.
 */
export function valuesOf(draft: BalancerDraft): Record<string, string> {
  const values: Record<string, string> = {};
  const walk = (node: unknown, at: string) => {
    if (typeof node === "string") values[at] = node;
    else if (typeof node === "boolean") {
      if (node) values[at] = "true";
    } else if (Array.isArray(node)) {
      node.forEach((item, index) => {
        walk(item, `${at}.${index}`);
      });
    } else if (typeof node === "object" && node !== null) {
      for (const [key, value] of Object.entries(node)) walk(value, at ? `${at}.${key}` : key);
    }
  };
  walk(draft, "");
  return values;
}
