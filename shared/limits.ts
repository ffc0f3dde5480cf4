/**
 * Size caps of the agent protocol, in bytes of the encoded body. Both sides read them here: the
 * control plane refuses a larger request with 413 `payload_too_large` before it reaches the pool's
 * coordinator, and the agent refuses a larger answer. The README states each one.
 */

const KiB = 1024;
const MiB = 1024 * KiB;

/**
 * `POST /agent/v1/heartbeat`. The largest heartbeat the schema allows (256 backends with
 * 128-character names) is about 60 KiB; a real one with 250 backends about 29 KiB.
 */
export const HEARTBEAT_MAX_BYTES = 256 * KiB;

/**
 * `POST /agent/v1/haproxy/stat`. The schema allows 5,000 rows; a real table of 5,020 rows
 * (250 backends of 19 servers) encodes to 2 MB, about 400 bytes a row.
 */
export const HAPROXY_STAT_MAX_BYTES = 4 * MiB;

/** `POST /agent/v1/jobs/:id/result`: a 64 Ki-character output tail, even fully escaped. */
export const JOB_RESULT_MAX_BYTES = 512 * KiB;

/** Every other JSON body an agent sends (job ack, schedule fire). */
export const AGENT_REQUEST_MAX_BYTES = 16 * KiB;

/**
 * The largest JSON answer an agent reads (heartbeat answers included). The control plane packs
 * job deliveries so that a heartbeat answer stays under it.
 */
export const AGENT_ANSWER_MAX_BYTES = 1 * MiB;

/**
 * A queued job's payload, as JSON in UTF-8. Half the answer limit, so the largest job always
 * fits in a heartbeat answer beside the smaller ones.
 */
export const JOB_PAYLOAD_MAX_BYTES = 512 * KiB;

/** `POST /api/v1/members/:id/jobs`: room for the largest payload even if every byte is escaped. */
export const CREATE_JOB_REQUEST_MAX_BYTES = 4 * JOB_PAYLOAD_MAX_BYTES;

/**
 * Bytes of `text` in UTF-8 (a lone surrogate counts as the 3-byte replacement character), without
 * TextEncoder, which shared code cannot assume.
 */
export function utf8Length(text: string): number {
  let bytes = 0;
  for (let index = 0; index < text.length; index++) {
    const unit = text.charCodeAt(index);
    if (unit < 0x80) bytes += 1;
    else if (unit < 0x800) bytes += 2;
    else if (unit >= 0xd800 && unit <= 0xdbff && isLowSurrogate(text.charCodeAt(index + 1))) {
      bytes += 4;
      index++;
    } else bytes += 3;
  }
  return bytes;
}

function isLowSurrogate(unit: number): boolean {
  return unit >= 0xdc00 && unit <= 0xdfff;
}

/** Bytes of `value` encoded as JSON in UTF-8, as it goes over the wire. */
export function jsonBytes(value: unknown): number {
  return utf8Length(JSON.stringify(value) ?? "");
}

/** A byte count as the caps are written in messages: "256 KiB", "4 MiB". */
export function formatCap(bytes: number): string {
  if (bytes % MiB === 0) return `${bytes / MiB} MiB`;
  if (bytes % KiB === 0) return `${bytes / KiB} KiB`;
  return `${bytes} bytes`;
}
