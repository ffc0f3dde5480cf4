/**
 * Which certificate files a configuration references, so a backup can carry them along with the
 * config directory (they often live outside it, in /etc/ssl). Pure text scanners: they do not
 * follow `include`s; the caller scans every file of the config directory instead, which also
 * covers conf.d and sites-enabled. Paths are absolute; relative ones are resolved the way the
 * daemon resolves them.
 */
import { isAbsolute, join, normalize } from "node:path";

export interface Reference {
  keyword: string;
  path: string;
  /** For `crt-list`: the `crt-base` its own relative entries follow. */
  base?: string;
}

/** Splits one config line into words: `#` starts a comment, quotes group, `\` escapes. */
export function words(line: string): string[] {
  const out: string[] = [];
  let current = "";
  let inWord = false;
  let quote = "";
  for (let i = 0; i < line.length; i++) {
    const char = line[i] ?? "";
    if (quote) {
      if (char === quote) quote = "";
      else current += char;
    } else if (char === "\\" && i + 1 < line.length) {
      current += line[++i];
      inWord = true;
    } else if (char === '"' || char === "'") {
      quote = char;
      inWord = true;
    } else if (char === "#" && !inWord) {
      break;
    } else if (/\s/.test(char)) {
      if (inWord) out.push(current);
      current = "";
      inWord = false;
    } else {
      current += char;
      inWord = true;
    }
  }
  if (inWord) out.push(current);
  return out;
}

/** A path the daemon would read, or null for values that are not plain files. */
function plainPath(value: string | undefined, base: string): string | null {
  // `@system-ca` is HAProxy's built-in store; `$VAR`/`${VAR}` are expanded at run time.
  if (!value || value.startsWith("@") || value.includes("$")) return null;
  const path = normalize(isAbsolute(value) ? value : join(base, value));
  return path.length > 1 ? path.replace(/\/+$/, "") : path;
}

const HAPROXY_CRT_KEYWORDS = new Set(["crt", "crt-list"]);
const HAPROXY_CA_KEYWORDS = new Set(["ca-file", "crl-file", "ca-verify-file"]);
const HAPROXY_GLOBAL_KEYWORDS = new Set(["ssl-dh-param-file"]);

interface HaproxyBases {
  crtBase: string;
  caBase: string;
}

function haproxyWords(tokens: string[], bases: HaproxyBases, into: Reference[]): void {
  for (let i = 0; i < tokens.length; i++) {
    const keyword = (tokens[i] ?? "").replace(/^\[/, "");
    const base = HAPROXY_CRT_KEYWORDS.has(keyword)
      ? bases.crtBase
      : HAPROXY_CA_KEYWORDS.has(keyword)
        ? bases.caBase
        : HAPROXY_GLOBAL_KEYWORDS.has(keyword) && i === 0
          ? bases.crtBase
          : null;
    if (base === null) continue;
    const path = plainPath(tokens[i + 1]?.replace(/\]$/, ""), base);
    if (path) into.push(keyword === "crt-list" ? { keyword, path, base } : { keyword, path });
    i++;
  }
}

/**
 * Files an HAProxy configuration references: `crt`, `crt-list`, `ca-file`, `crl-file`,
 * `ca-verify-file` (on bind and server lines) and `ssl-dh-param-file`. Relative paths follow
 * `crt-base`/`ca-base` as HAProxy does, else `cwd` (the daemon's working directory, `/` under
 * systemd). A `crt` may name a directory; the caller expands it.
 */
export function haproxyReferences(text: string, cwd = "/"): Reference[] {
  const bases: HaproxyBases = { crtBase: cwd, caBase: cwd };
  const found: Reference[] = [];
  for (const line of text.split("\n")) {
    const tokens = words(line);
    if (tokens[0] === "crt-base" && tokens[1]) bases.crtBase = plainPath(tokens[1], cwd) ?? cwd;
    else if (tokens[0] === "ca-base" && tokens[1]) bases.caBase = plainPath(tokens[1], cwd) ?? cwd;
    else haproxyWords(tokens, bases, found);
  }
  return found;
}

/**
 * Files an HAProxy crt-list references: the certificate that starts each line and any
 * `ca-file`/`crl-file` inside its `[…]` options. Relative paths follow `crtBase`.
 */
export function crtListReferences(text: string, crtBase: string): Reference[] {
  const found: Reference[] = [];
  for (const line of text.split("\n")) {
    const tokens = words(line);
    const path = plainPath(tokens[0], crtBase);
    if (!path) continue;
    found.push({ keyword: "crt", path });
    const options = tokens.slice(1);
    haproxyWords(options, { crtBase, caBase: crtBase }, found);
  }
  return found;
}

const NGINX_FILE_DIRECTIVE =
  /^(?:proxy_|grpc_|uwsgi_)?ssl_(?:certificate|certificate_key|trusted_certificate|client_certificate|crl|dhparam|stapling_file|password_file)$/;

/** nginx's text split into statements (`;`, `{`, `}` end one), each as its words. */
function nginxStatements(text: string): string[][] {
  const statements: string[][] = [];
  let current: string[] = [];
  for (const line of text.split("\n")) {
    for (const word of words(line.replace(/([;{}])/g, " $1 "))) {
      if (word === ";" || word === "{" || word === "}") {
        if (current.length > 0) statements.push(current);
        current = [];
      } else current.push(word);
    }
  }
  return statements;
}

/**
 * Files an nginx configuration references: `ssl_certificate`, `ssl_certificate_key`,
 * `ssl_trusted_certificate`, `ssl_client_certificate`, `ssl_crl`, `ssl_dhparam`, … and their
 * `proxy_`/`grpc_`/`uwsgi_` forms. Relative paths are relative to `confPrefix` (the main config's
 * directory); `data:`/`engine:` values and variables are not files.
 */
export function nginxReferences(text: string, confPrefix: string): Reference[] {
  const found: Reference[] = [];
  for (const [keyword, value] of nginxStatements(text)) {
    if (!keyword || !NGINX_FILE_DIRECTIVE.test(keyword)) continue;
    if (!value || /^(data|engine):/.test(value)) continue;
    const path = plainPath(value, confPrefix);
    if (path) found.push({ keyword, path });
  }
  return found;
}
