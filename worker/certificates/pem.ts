/** PEM text: the `-----BEGIN <label>-----` blocks of an upload, and writing them back. */

export interface PemBlock {
  label: string;
  der: Uint8Array;
}

const BLOCK = /-----BEGIN ([A-Z0-9 ]+)-----([\s\S]*?)-----END \1-----/g;

/**
 * Every PEM block in `text`, in order. Text around the blocks (the "Bag Attributes" lines that
 * PKCS#12 exports add, comments) is ignored; a block whose body is not base64 is returned with
 * `der` null so the caller can say which one is damaged.
 */
export function pemBlocks(text: string): { label: string; der: Uint8Array | null }[] {
  return [...text.matchAll(BLOCK)].map(([, label = "", body = ""]) => ({
    label,
    der: base64Bytes(body.replace(/\s+/g, "")),
  }));
}

function base64Bytes(base64: string): Uint8Array | null {
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(base64)) return null;
  try {
    return Uint8Array.from(atob(base64), (char) => char.charCodeAt(0));
  } catch {
    return null;
  }
}

/** One PEM block with 64-character lines, as openssl writes it. */
export function toPem(block: PemBlock): string {
  let binary = "";
  for (const byte of block.der) binary += String.fromCharCode(byte);
  const lines = btoa(binary).match(/.{1,64}/g) ?? [];
  return `-----BEGIN ${block.label}-----\n${lines.join("\n")}\n-----END ${block.label}-----\n`;
}
