/**
 * A job's output tail: the lines its handler writes, capped at the size the control plane
 * accepts. The end of the output is where a failure explains itself, so the start is dropped,
 * and a marker says how much.
 */
import { OUTPUT_TAIL_MAX_CHARS } from "../../shared/agent-protocol";
import type { JobOutput } from "./types";

/** Room kept for the marker line, which is far shorter for any count that can occur. */
const MARKER_RESERVE = 64;

export class OutputTail implements JobOutput {
  private text = "";
  private dropped = 0;

  constructor(private readonly maxChars: number = OUTPUT_TAIL_MAX_CHARS) {}

  line(text: string): void {
    this.text += text.endsWith("\n") ? text : `${text}\n`;
    // Trim in batches so a chatty handler is not quadratic.
    if (this.text.length > this.maxChars * 2) this.trimTo(this.maxChars);
  }

  /** The tail, at most `maxChars` characters including the truncation marker. */
  toString(): string {
    if (this.dropped === 0 && this.text.length <= this.maxChars) return this.text;
    const kept = this.text.slice(-(this.maxChars - MARKER_RESERVE));
    const dropped = this.dropped + this.text.length - kept.length;
    return `[… ${dropped} earlier characters dropped]\n${kept}`;
  }

  private trimTo(chars: number): void {
    const excess = this.text.length - chars;
    if (excess <= 0) return;
    this.text = this.text.slice(excess);
    this.dropped += excess;
  }
}
