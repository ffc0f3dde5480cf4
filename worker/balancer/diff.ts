/**
 * A line diff in unified format (`diff -u`, 3 lines of context), for revisions of a few thousand
 * lines: Myers' O(ND) algorithm after trimming the common head and tail. Past MAX_EDITS changed
 * lines it stops searching and shows the middle as replaced whole, so a rewrite cannot make a
 * request spend seconds or megabytes.
 */

type Op = { kind: " " | "-" | "+"; line: string };

const CONTEXT = 3;
const MAX_EDITS = 1000;

/** Myers' shortest edit script from `a` to `b`, or null when it needs more than `maxEdits`. */
function shortestEdit(a: string[], b: string[], maxEdits: number): Op[] | null {
  const n = a.length;
  const m = b.length;
  const offset = maxEdits + 1;
  const v = new Int32Array(2 * offset + 1);
  // trace[d] holds v[-d..d] as it was before step d, for the walk back.
  const trace: Int32Array[] = [];
  for (let d = 0; d <= maxEdits; d++) {
    trace.push(v.slice(offset - d, offset + d + 1));
    for (let k = -d; k <= d; k += 2) {
      const down = k === -d || (k !== d && (v[offset + k - 1] ?? 0) < (v[offset + k + 1] ?? 0));
      let x = down ? (v[offset + k + 1] ?? 0) : (v[offset + k - 1] ?? 0) + 1;
      let y = x - k;
      while (x < n && y < m && a[x] === b[y]) {
        x++;
        y++;
      }
      v[offset + k] = x;
      if (x >= n && y >= m) return walkBack(a, b, trace);
    }
  }
  return null;
}

function walkBack(a: string[], b: string[], trace: Int32Array[]): Op[] {
  const ops: Op[] = [];
  let x = a.length;
  let y = b.length;
  for (let d = trace.length - 1; d >= 0; d--) {
    const before = trace[d] ?? new Int32Array(1);
    const at = (k: number) => before[k + d] ?? 0;
    const k = x - y;
    const down = k === -d || (k !== d && at(k - 1) < at(k + 1));
    const previousK = down ? k + 1 : k - 1;
    const previousX = d === 0 ? 0 : at(previousK);
    const previousY = d === 0 ? 0 : previousX - previousK;
    while (x > previousX && y > previousY) {
      ops.push({ kind: " ", line: a[--x] ?? "" });
      y--;
    }
    if (d === 0) break;
    if (down) ops.push({ kind: "+", line: b[--y] ?? "" });
    else ops.push({ kind: "-", line: a[--x] ?? "" });
  }
  return ops.reverse();
}

/**
 * A lower bound of the edits from `a` to `b`: every line one side holds more often than the
 * other must be removed or added. Cheap, so a rewrite skips the search at once.
 */
function editsAtLeast(a: string[], b: string[]): number {
  const balance = new Map<string, number>();
  for (const line of a) balance.set(line, (balance.get(line) ?? 0) + 1);
  for (const line of b) balance.set(line, (balance.get(line) ?? 0) - 1);
  let edits = 0;
  for (const count of balance.values()) edits += Math.abs(count);
  return edits;
}

function editScript(a: string[], b: string[]): Op[] {
  let head = 0;
  while (head < a.length && head < b.length && a[head] === b[head]) head++;
  let tail = 0;
  while (
    tail < a.length - head &&
    tail < b.length - head &&
    a[a.length - 1 - tail] === b[b.length - 1 - tail]
  ) {
    tail++;
  }
  const same = (lines: string[]) => lines.map((line): Op => ({ kind: " ", line }));
  const middleA = a.slice(head, a.length - tail);
  const middleB = b.slice(head, b.length - tail);
  const searched =
    editsAtLeast(middleA, middleB) > MAX_EDITS ? null : shortestEdit(middleA, middleB, MAX_EDITS);
  const middle = searched ?? [
    ...middleA.map((line): Op => ({ kind: "-", line })),
    ...middleB.map((line): Op => ({ kind: "+", line })),
  ];
  return [...same(a.slice(0, head)), ...middle, ...same(a.slice(a.length - tail))];
}

const lines = (text: string) => (text === "" ? [] : text.replace(/\n$/, "").split("\n"));

/** `start,count` of a hunk side as diff -u writes it (a count of 0 names the line before). */
function range(start: number, count: number): string {
  return `${count === 0 ? start : start + 1},${count}`;
}

/**
 * The unified diff from `before` to `after`, headed `--- <beforeName>` / `+++ <afterName>`;
 * the empty string when the texts are the same.
 */
export function unifiedDiff(
  before: string,
  after: string,
  beforeName: string,
  afterName: string,
): string {
  const ops = editScript(lines(before), lines(after));
  const changed = ops.flatMap((op, index) => (op.kind === " " ? [] : [index]));
  if (changed.length === 0) return "";
  const out = [`--- ${beforeName}`, `+++ ${afterName}`];
  let cursor = 0;
  while (cursor < changed.length) {
    const first = changed[cursor] ?? 0;
    let last = first;
    // A hunk runs on while the next change is within two contexts of the last.
    while (cursor < changed.length && (changed[cursor] ?? 0) - last <= 2 * CONTEXT) {
      last = changed[cursor] ?? 0;
      cursor++;
    }
    const start = Math.max(0, first - CONTEXT);
    const end = Math.min(ops.length, last + CONTEXT + 1);
    const before = ops.slice(0, start);
    const hunk = ops.slice(start, end);
    const oldStart = before.filter((op) => op.kind !== "+").length;
    const newStart = before.filter((op) => op.kind !== "-").length;
    const oldCount = hunk.filter((op) => op.kind !== "+").length;
    const newCount = hunk.filter((op) => op.kind !== "-").length;
    out.push(`@@ -${range(oldStart, oldCount)} +${range(newStart, newCount)} @@`);
    out.push(...hunk.map((op) => `${op.kind}${op.line}`));
  }
  return `${out.join("\n")}\n`;
}
