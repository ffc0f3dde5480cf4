import { z } from "zod";

/**
 * Characters that are invisible or rewrite how the text around them shows: C0 and C1 controls
 * (newline, NUL, escape…), the line and paragraph separators, and the bidirectional marks,
 * embeddings, overrides and isolates (U+202E shows "gpj.exe" as "exe.jpg").
 */
const HIDDEN =
  // biome-ignore lint/suspicious/noControlCharactersInRegex: finding control characters is the point
  /[\u0000-\u001f\u007f-\u009f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/u;
/** Half of a surrogate pair without the other half: not a character at all. */
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

function codePoint(character: string): string {
  const hex = (character.codePointAt(0) ?? 0).toString(16).toUpperCase().padStart(4, "0");
  return `U+${hex}`;
}

/**
 * Why `value` cannot be a name a person reads (a pool, member, token or account name, a
 * hostname), or null when it can: it holds a control character, a bidirectional control or an
 * unpaired surrogate. The message names the first such character by its code point.
 */
export function hiddenCharacterProblem(value: string): string | null {
  const lone = LONE_SURROGATE.exec(value);
  if (lone) return `must not contain an unpaired surrogate (${codePoint(lone[0])})`;
  const hidden = HIDDEN.exec(value);
  if (hidden) {
    return `must not contain control or bidirectional characters such as a newline, NUL or U+202E (found ${codePoint(hidden[0])})`;
  }
  return null;
}

/** A zod check refusing what `hiddenCharacterProblem` refuses, with its message. */
export function refuseHiddenCharacters(value: string, ctx: z.RefinementCtx<string>): void {
  const problem = hiddenCharacterProblem(value);
  if (problem) ctx.addIssue({ code: "custom", message: problem, input: value });
}

/** A name people read: trimmed, 1 to `max` characters, nothing hidden or reordering. */
export function displayName(max = 100) {
  return z
    .string()
    .trim()
    .min(1, "must not be empty")
    .max(max, `must be at most ${max} characters`)
    .superRefine(refuseHiddenCharacters);
}
