/**
 * Reads the main-context `pid` directive out of `nginx -T` output (every configuration file,
 * each under a `# configuration file <path>:` header). The direct service manager needs it
 * because nginx refuses `-g "pid …;"` when the configuration has its own `pid` line ("pid
 * directive is duplicate"): with one, the daemon's pid is wherever that line says.
 *
 * A small tokenizer in nginx's own rules (quotes, `#` comments at the start of a token, `${var}`
 * braces) so a `pid` inside a block (a `map` entry) or a string is not mistaken for it. Each
 * dumped file starts at depth 0: a file included at the top level holds main-context lines.
 */
const FILE_HEADER = /^# configuration file (.+):$/;

export interface NginxStatement {
  /** The directives of the enclosing blocks, outermost first (`["http", "server"]`). */
  blocks: string[];
  words: string[];
  /** 1-based line of the statement's first word. */
  line: number;
  /** Whether it opens a block (`{`) rather than ending with `;`. */
  opensBlock: boolean;
}

/**
 * Every statement of an nginx configuration with its enclosing blocks and line, in nginx's
 * own quoting rules. A `# configuration file` header of `nginx -T` output starts over at the
 * top level.
 */
export function nginxStatements(text: string): NginxStatement[] {
  const found: NginxStatement[] = [];
  let blocks: string[] = [];
  let words: string[] = [];
  let line = 1;
  let startLine = 1;
  let word = "";
  let inWord = false;
  let inVariable = false;
  const push = (value: string) => {
    if (words.length === 0) startLine = line;
    words.push(value);
  };
  const endWord = () => {
    if (inWord) push(word);
    word = "";
    inWord = false;
  };
  const countLines = (from: number, to: number) => {
    for (let k = from; k < to; k++) if (text[k] === "\n") line++;
  };
  for (let i = 0; i < text.length; i++) {
    const ch = text[i] as string;
    if (!inWord && ch === "#") {
      const lineEnd = text.indexOf("\n", i) === -1 ? text.length : text.indexOf("\n", i);
      if (FILE_HEADER.test(text.slice(i, lineEnd).trim())) {
        blocks = [];
        words = [];
      }
      i = lineEnd - 1;
    } else if (!inWord && (ch === '"' || ch === "'")) {
      let j = i + 1;
      while (j < text.length && text[j] !== ch) j += text[j] === "\\" ? 2 : 1;
      push(text.slice(i + 1, j));
      countLines(i, j);
      i = j;
    } else if (/\s/.test(ch)) {
      endWord();
      if (ch === "\n") line++;
    } else if (inVariable || (ch === "{" && inWord && word.endsWith("$"))) {
      word += ch; // `${name}`: a variable, not a block
      inVariable = ch !== "}";
    } else if (ch === ";" || ch === "{" || ch === "}") {
      endWord();
      if (ch !== "}" && words.length > 0) {
        found.push({ blocks: [...blocks], words, line: startLine, opensBlock: ch === "{" });
      }
      if (ch === "{") blocks = [...blocks, words[0] ?? ""];
      if (ch === "}") blocks = blocks.slice(0, -1);
      words = [];
    } else {
      word += ch;
      inWord = true;
    }
  }
  return found;
}

/** The path of the main-context `pid` directive, as written (maybe relative), or undefined. */
export function findNginxPidPath(dump: string): string | undefined {
  const pid = nginxStatements(dump).find((s) => s.blocks.length === 0 && s.words[0] === "pid");
  return pid?.words[1];
}
