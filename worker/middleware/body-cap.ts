import { bodyLimit } from "hono/body-limit";
import { formatCap } from "../../shared/limits";
import { ApiError } from "../errors";

/**
 * Refuses a request body larger than `maxBytes` with 413 `payload_too_large`, before a handler
 * reads it: a declared Content-Length is checked first, and a body streamed without one is
 * counted while it is read, so an oversized body is never buffered whole.
 *
 * @example
 * app.post("/heartbeat", bodyCap(HEARTBEAT_MAX_BYTES, "A heartbeat"), handler)
 */
export function bodyCap(maxBytes: number, what: string) {
  return bodyLimit({
    maxSize: maxBytes,
    onError: () => {
      throw new ApiError(
        "payload_too_large",
        `${what} may be at most ${formatCap(maxBytes)}; this body is larger`,
      );
    },
  });
}
