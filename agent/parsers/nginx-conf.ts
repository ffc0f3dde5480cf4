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

interface Statement {
  depth: number;
  words: string[];
}

function statements(text: string): Statement[] {
  const found: Statement[] = [];
  let depth = 0;
  let words: string[] = [];
  let word = "";
  let inWord = false;
  let inVariable = false;
  const endWord = () => {
    if (inWord) words.push(word);
    word = "";
    inWord = false;
  };
  for (let i = 0; i < text.length; i++) {
    const ch = text[i] as string;
    if (!inWord && ch === "#") {
      const lineEnd = text.indexOf("\n", i) === -1 ? text.length : text.indexOf("\n", i);
      if (FILE_HEADER.test(text.slice(i, lineEnd).trim())) {
        depth = 0;
        words = [];
      }
      i = lineEnd;
    } else if (!inWord && (ch === '"' || ch === "'")) {
      let j = i + 1;
      while (j < text.length && text[j] !== ch) j += text[j] === "\\" ? 2 : 1;
      words.push(text.slice(i + 1, j));
      i = j;
    } else if (/\s/.test(ch)) {
      endWord();
    } else if (inVariable || (ch === "{" && inWord && word.endsWith("$"))) {
      word += ch; // `${name}`: a variable, not a block
      inVariable = ch !== "}";
    } else if (ch === ";" || ch === "{" || ch === "}") {
      endWord();
      if (ch !== "}" && words.length > 0) found.push({ depth, words });
      words = [];
      if (ch === "{") depth++;
      if (ch === "}") depth = Math.max(0, depth - 1);
    } else {
      word += ch;
      inWord = true;
    }
  }
  return found;
}

/** The path of the main-context `pid` directive, as written (maybe relative), or undefined. */
export function findNginxPidPath(dump: string): string | undefined {
  const pid = statements(dump).find((s) => s.depth === 0 && s.words[0] === "pid");
  return pid?.words[1];
}
