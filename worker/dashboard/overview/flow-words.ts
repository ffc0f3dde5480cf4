// The flow diagram's words: loads on its arrows and boxes, and lines that fit a box.

/** "7/s · 5 sess": new sessions per second and current sessions; "5 sessions" without a rate. */
export function loadLabel(rate: number | null, sessions: number): string {
  return rate === null ? `${sessions} sessions` : `${rate}/s · ${sessions} sess`;
}

/** A frontend's load: HTTP requests per second when reported ("12 req/s · 5 sess"), else sessions. */
export function frontendLoadLabel(frontend: {
  rate: number;
  reqRate: number | null;
  scur: number;
}) {
  return frontend.reqRate === null
    ? loadLabel(frontend.rate, frontend.scur)
    : `${frontend.reqRate} req/s · ${frontend.scur} sess`;
}

/**
 * Splits `text` at spaces into lines of at most `max` characters (a longer word gets a line of
 * its own). Each line but the last keeps its trailing space, so the lines joined are the text.
 */
export function wrapWords(text: string, max: number): string[] {
  const lines: string[] = [];
  let line = "";
  for (const word of text.split(" ")) {
    const longer = line === "" ? word : `${line} ${word}`;
    if (line !== "" && longer.length > max) {
      lines.push(`${line} `);
      line = word;
    } else line = longer;
  }
  lines.push(line);
  return lines;
}
