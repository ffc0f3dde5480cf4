import { z } from "zod";

/**
 * A SHA-256 as the protocol writes it. A leaf module: backups, certificates and the balancer's
 * apply job all use it, and importing it from backups.ts (which imports heartbeat.ts) would close
 * an import cycle through jobs.ts.
 */
export const Sha256Hex = z.string().regex(/^[0-9a-f]{64}$/, "must be 64 lowercase hex characters");
