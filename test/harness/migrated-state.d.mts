/** Where templates are kept; one directory per key. */
export const TEMPLATES_DIR: string;
/** What a template's contents follow from: every migration, wrangler.toml, wrangler's version. */
export function migrationsKey(root: string): string;
/** The migrated `--persist-to` directory for `root`, built by `build(into)` if nobody has yet. */
export function migratedState(
  root: string,
  build: (into: string) => Promise<void>,
): Promise<string>;
