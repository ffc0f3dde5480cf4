/**
 * A minimal DER reader and writer: just what reading X.509 certificates and private keys needs.
 * Hand-written instead of a library (decision 0026): a few hundred bytes in the Worker bundle,
 * where @peculiar/x509 or pkijs bring tens of kilobytes and their own ASN.1 runtime.
 */

/** One DER element: its tag, and where its header and content lie in `bytes`. */
export interface DerNode {
  tag: number;
  bytes: Uint8Array;
  start: number;
  contentStart: number;
  end: number;
}

export class DerError extends Error {}

export const TAG = {
  integer: 0x02,
  bitString: 0x03,
  octetString: 0x04,
  null: 0x05,
  oid: 0x06,
  sequence: 0x30,
  set: 0x31,
} as const;

/** Reads the element that starts at `offset`; throws DerError when it runs past the end. */
export function readDer(bytes: Uint8Array, offset = 0, limit = bytes.length): DerNode {
  if (offset + 2 > limit) throw new DerError("truncated element");
  const tag = bytes[offset] as number;
  if ((tag & 0x1f) === 0x1f) throw new DerError("multi-byte tags are not used by X.509");
  let length = bytes[offset + 1] as number;
  let contentStart = offset + 2;
  if (length & 0x80) {
    const count = length & 0x7f;
    if (count === 0 || count > 4) throw new DerError("unsupported length");
    length = 0;
    for (let i = 0; i < count; i++) length = length * 256 + (bytes[contentStart + i] as number);
    contentStart += count;
  }
  const end = contentStart + length;
  if (end > limit) throw new DerError("element runs past its container");
  return { tag, bytes, start: offset, contentStart, end };
}

/** The elements inside a constructed one (a SEQUENCE, SET or explicit tag). */
export function childrenOf(node: DerNode): DerNode[] {
  const found: DerNode[] = [];
  for (let at = node.contentStart; at < node.end; ) {
    const child = readDer(node.bytes, at, node.end);
    found.push(child);
    at = child.end;
  }
  return found;
}

/** The child at `index`, checked to carry `tag`. */
export function childAt(node: DerNode, index: number, tag?: number): DerNode {
  const child = childrenOf(node)[index];
  if (!child || (tag !== undefined && child.tag !== tag)) {
    throw new DerError(`expected tag ${tag ?? "any"} at position ${index}`);
  }
  return child;
}

export const contentOf = (node: DerNode) => node.bytes.subarray(node.contentStart, node.end);
/** The whole element, header included: what two names are compared by. */
export const encodedOf = (node: DerNode) => node.bytes.subarray(node.start, node.end);

/** A dotted object identifier such as `2.5.4.3`. */
export function oidOf(node: DerNode): string {
  if (node.tag !== TAG.oid) throw new DerError("expected an object identifier");
  const content = contentOf(node);
  const first = content[0] ?? 0;
  const parts = [
    Math.min(2, Math.floor(first / 40)),
    first - Math.min(2, Math.floor(first / 40)) * 40,
  ];
  let value = 0;
  for (const byte of content.subarray(1)) {
    value = value * 128 + (byte & 0x7f);
    if (!(byte & 0x80)) {
      parts.push(value);
      value = 0;
    }
  }
  return parts.join(".");
}

/** One DER element from its tag and content. */
export function encodeDer(tag: number, ...content: Uint8Array[]): Uint8Array {
  const length = content.reduce((sum, part) => sum + part.length, 0);
  const lengthBytes: number[] = [];
  if (length < 0x80) lengthBytes.push(length);
  else {
    for (let rest = length; rest > 0; rest = Math.floor(rest / 256))
      lengthBytes.unshift(rest % 256);
    lengthBytes.unshift(0x80 | lengthBytes.length);
  }
  const out = new Uint8Array(1 + lengthBytes.length + length);
  out[0] = tag;
  out.set(lengthBytes, 1);
  let at = 1 + lengthBytes.length;
  for (const part of content) {
    out.set(part, at);
    at += part.length;
  }
  return out;
}

/** A dotted object identifier, DER-encoded. */
export function encodeOid(oid: string): Uint8Array {
  const [first = 0, second = 0, ...rest] = oid.split(".").map(Number);
  const bytes = [first * 40 + second];
  for (const part of rest) {
    const group = [part & 0x7f];
    for (let value = Math.floor(part / 128); value > 0; value = Math.floor(value / 128)) {
      group.unshift((value & 0x7f) | 0x80);
    }
    bytes.push(...group);
  }
  return encodeDer(TAG.oid, new Uint8Array(bytes));
}
