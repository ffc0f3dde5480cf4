/**
 * A tiny tar (ustar + pax path records) writer and reader, gzip through node:zlib. Backups are
 * built and read in memory (they are capped at BACKUP_MAX_BYTES), so the agent decides entry by
 * entry what goes in and what comes out: links that leave the config directory are stored as
 * the file they point to, and a restore inspects every entry before anything touches the disk.
 * The system `tar` would need its listing parsed and trusted to write safely, which is harder to
 * get right than the ~150 lines below. Regular files, directories and symlinks only.
 */
import { gunzipSync, gzipSync } from "node:zlib";

interface EntryBase {
  /** Relative, `/`-separated path inside the archive. */
  path: string;
  mode: number;
  uid: number;
  gid: number;
  /** Modification time, whole seconds since the epoch. */
  mtimeS: number;
}
export type ArchiveEntry =
  | (EntryBase & { type: "file"; data: Uint8Array })
  | (EntryBase & { type: "directory" })
  | (EntryBase & { type: "symlink"; target: string });

const BLOCK = 512;
const encoder = new TextEncoder();
const decoder = new TextDecoder();

/** Writes `value` as a NUL-terminated octal number filling `width` bytes. */
function writeOctal(header: Uint8Array, offset: number, width: number, value: number): void {
  const text = Math.max(0, Math.floor(value))
    .toString(8)
    .padStart(width - 1, "0");
  if (text.length > width - 1) throw new Error(`tar: ${value} does not fit in ${width} bytes`);
  header.set(encoder.encode(text), offset);
}

function writeString(header: Uint8Array, offset: number, width: number, value: string): void {
  const bytes = encoder.encode(value);
  if (bytes.length > width) throw new Error(`tar: "${value}" is longer than ${width} bytes`);
  header.set(bytes, offset);
}

/** A pax record `"<len> key=value\n"`, where len counts the whole record, itself included. */
function paxRecord(key: string, value: string): string {
  const body = ` ${key}=${value}\n`;
  const bodyLength = encoder.encode(body).length;
  let length = bodyLength;
  while (bodyLength + String(length).length !== length) length = bodyLength + String(length).length;
  return `${length}${body}`;
}

function header(
  name: string,
  type: string,
  size: number,
  entry: EntryBase,
  linkName = "",
): Uint8Array {
  const block = new Uint8Array(BLOCK);
  writeString(block, 0, 100, name);
  writeOctal(block, 100, 8, entry.mode & 0o7777);
  writeOctal(block, 108, 8, entry.uid);
  writeOctal(block, 116, 8, entry.gid);
  writeOctal(block, 124, 12, size);
  writeOctal(block, 136, 12, entry.mtimeS);
  block.set(encoder.encode("        "), 148);
  block[156] = type.charCodeAt(0);
  writeString(block, 157, 100, linkName);
  block.set(encoder.encode("ustar\u000000"), 257);
  const sum = block.reduce((total, byte) => total + byte, 0);
  writeOctal(block, 148, 7, sum);
  return block;
}

function padded(data: Uint8Array): Uint8Array[] {
  const rest = data.length % BLOCK;
  return rest === 0 ? [data] : [data, new Uint8Array(BLOCK - rest)];
}

/** The uncompressed tar of `entries`; names too long for ustar get a pax header first. */
export function writeTar(entries: readonly ArchiveEntry[]): Uint8Array {
  const parts: Uint8Array[] = [];
  for (const entry of entries) {
    const name = entry.type === "directory" ? `${entry.path}/` : entry.path;
    const link = entry.type === "symlink" ? entry.target : "";
    const long = encoder.encode(name).length > 100 || encoder.encode(link).length > 100;
    if (long) {
      const pax = encoder.encode(
        paxRecord("path", name) + (link ? paxRecord("linkpath", link) : ""),
      );
      parts.push(header("PaxHeader", "x", pax.length, entry), ...padded(pax));
    }
    const shortName = long ? name.slice(0, 99) : name;
    const shortLink = long ? link.slice(0, 99) : link;
    if (entry.type === "file") {
      parts.push(header(shortName, "0", entry.data.length, entry), ...padded(entry.data));
    } else if (entry.type === "directory") {
      parts.push(header(shortName, "5", 0, entry));
    } else {
      parts.push(header(shortName, "2", 0, entry, shortLink));
    }
  }
  parts.push(new Uint8Array(BLOCK * 2));
  return concat(parts);
}

function concat(parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((total, part) => total + part.length, 0));
  let offset = 0;
  for (const part of parts) {
    out.set(part, offset);
    offset += part.length;
  }
  return out;
}

function readString(block: Uint8Array, offset: number, width: number): string {
  const slice = block.subarray(offset, offset + width);
  const end = slice.indexOf(0);
  return decoder.decode(end === -1 ? slice : slice.subarray(0, end));
}

function readOctal(block: Uint8Array, offset: number, width: number): number {
  const text = readString(block, offset, width).trim();
  if (text === "") return 0;
  if (!/^[0-7]+$/.test(text)) throw new Error(`tar: bad number field "${text}"`);
  return Number.parseInt(text, 8);
}

function parsePax(data: Uint8Array): Map<string, string> {
  const records = new Map<string, string>();
  let offset = 0;
  while (offset < data.length) {
    const space = data.indexOf(0x20, offset);
    const length = Number(decoder.decode(data.subarray(offset, space)));
    if (space === -1 || !Number.isInteger(length) || length <= 0) throw new Error("tar: bad pax");
    const record = decoder.decode(data.subarray(space + 1, offset + length - 1));
    const equals = record.indexOf("=");
    records.set(record.slice(0, equals), record.slice(equals + 1));
    offset += length;
  }
  return records;
}

/**
 * Every entry of a tar. Throws on a damaged header and on entry types a config backup never
 * holds (hard links, devices, FIFOs), so a restore cannot be tricked into creating them.
 */
export function readTar(tar: Uint8Array): ArchiveEntry[] {
  const entries: ArchiveEntry[] = [];
  let pax = new Map<string, string>();
  let offset = 0;
  for (;;) {
    // Every tar ends with zero blocks: running out of bytes first means it was cut short.
    if (offset + BLOCK > tar.length) throw new Error("tar: archive is truncated");
    const block = tar.subarray(offset, offset + BLOCK);
    if (block.every((byte) => byte === 0)) break;
    const expected = readOctal(block, 148, 8);
    const sum = block.reduce(
      (total, byte, index) => total + (index >= 148 && index < 156 ? 0x20 : byte),
      0,
    );
    if (sum !== expected) throw new Error(`tar: header checksum mismatch at byte ${offset}`);
    const size = readOctal(block, 124, 12);
    const type = String.fromCharCode(block[156] ?? 0);
    const data = tar.subarray(offset + BLOCK, offset + BLOCK + size);
    if (data.length !== size) throw new Error("tar: archive is truncated");
    offset += BLOCK + Math.ceil(size / BLOCK) * BLOCK;
    if (type === "x") {
      pax = parsePax(data);
      continue;
    }
    if (type === "g") continue; // global pax defaults: nothing Baton relies on
    const prefix = readString(block, 345, 155);
    const name = readString(block, 0, 100);
    const path = (pax.get("path") ?? (prefix ? `${prefix}/${name}` : name)).replace(/\/+$/, "");
    const base: EntryBase = {
      path,
      mode: readOctal(block, 100, 8),
      uid: readOctal(block, 108, 8),
      gid: readOctal(block, 116, 8),
      mtimeS: readOctal(block, 136, 12),
    };
    if (type === "0" || type === "\0")
      entries.push({ ...base, type: "file", data: Uint8Array.from(data) });
    else if (type === "5") entries.push({ ...base, type: "directory" });
    else if (type === "2") {
      const target = pax.get("linkpath") ?? readString(block, 157, 100);
      entries.push({ ...base, type: "symlink", target });
    } else throw new Error(`tar: ${path}: unsupported entry type '${type}'`);
    pax = new Map();
  }
  return entries;
}

/** Decompressed archives larger than this are refused: a gzip bomb must not exhaust memory. */
export const MAX_UNPACKED_BYTES = 64 * 1024 * 1024;

export function packTarGz(entries: readonly ArchiveEntry[]): Uint8Array {
  return gzipSync(writeTar(entries), { level: 9 });
}

export function unpackTarGz(archive: Uint8Array): ArchiveEntry[] {
  let tar: Uint8Array;
  try {
    tar = gunzipSync(archive, { maxOutputLength: MAX_UNPACKED_BYTES });
  } catch (error) {
    throw new Error(`not a readable tar.gz: ${(error as Error).message}`);
  }
  return readTar(tar);
}
