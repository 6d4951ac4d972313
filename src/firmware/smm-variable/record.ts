/**
 * The encrypted variable record: its flash layout, its state byte and the AES-256-GCM seal.
 * State values are edk2's (MdeModulePkg/Include/Guid/VariableFormat.h): a record moves from
 * erased (0xFF) to VAR_HEADER_VALID_ONLY to VAR_ADDED, and from there through
 * VAR_IN_DELETED_TRANSITION to VAR_DELETED, only ever clearing bits, as NOR flash allows.
 * Which record is live follows edk2's Variable.c (UpdateVariable / FindVariableEx): the
 * VAR_ADDED one, else one in delete transition. The data is sealed with AES-256-GCM
 * (node:crypto) under the record's own key and nonce (./key-material.ts); the header (without
 * its state byte and tag, which change / are the output) and the name are authenticated data.
 *
 * Layout (little-endian, 4-byte aligned):
 *   0 u16 magic 0x5641 · 2 u8 state · 3 u8 nameLen · 4 u32 dataLen · 8 u32 SMRAM key slot ·
 *   12 nonce[12] · 24 tag[16] · 40 u32 attributes · 44 name (UTF-8) · ciphertext
 */
import { createCipheriv, createDecipheriv } from 'node:crypto';

const MAGIC = 0x5641;
export const HEADER = 44;
/** AAD: the header without its state byte and tag (they change / are the output), then the name. */
export const AAD_FIXED = HEADER - 1 - 16;
// edk2 VariableFormat.h: states are reached by clearing bits.
export const VAR_HEADER_VALID_ONLY = 0x7f;
export const VAR_ADDED = 0x3f;
export const VAR_IN_DELETED_TRANSITION = 0xfe;
export const VAR_DELETED = 0xfd;
export const HEADER_VALID_BYTE = new Uint8Array([VAR_HEADER_VALID_ONLY]);
export const ADDED_BYTE = new Uint8Array([VAR_ADDED]);
/** EFI_VARIABLE_NON_VOLATILE | BOOTSERVICE_ACCESS | RUNTIME_ACCESS, and TIME_BASED_AUTHENTICATED_WRITE_ACCESS. */
export const ATTR_NV_BS_RT = 0x07;
export const ATTR_TIME_BASED_AUTH = 0x20;
/** The access bits (BOOTSERVICE_ACCESS | RUNTIME_ACCESS): a SetVariable without either deletes (UEFI 2.10 §8.2). */
export const ATTR_ACCESS = 0x06;
/** EFI_VARIABLE_APPEND_WRITE: a request flag, never stored (edk2 UpdateVariable clears it in the record). */
export const ATTR_APPEND_WRITE = 0x40;
/** AES-256-GCM key and nonce sizes of a record. */
export const KEY_BYTES = 32;
export const NONCE_BYTES = 12;

export const UTF8 = new TextEncoder();
const UTF8_DECODE = new TextDecoder();

export interface ParsedRecord {
  offset: number;
  state: number;
  name: string;
  attributes: number;
  dataLen: number;
  slot: number;
  nonce: Uint8Array;
  tag: Uint8Array;
  ciphertext: Uint8Array;
  header: Uint8Array;
  size: number;
}

export function align4(n: number): number {
  return (n + 3) & ~3;
}

function writeU32(b: Uint8Array, at: number, v: number): void {
  b[at] = v & 0xff;
  b[at + 1] = (v >>> 8) & 0xff;
  b[at + 2] = (v >>> 16) & 0xff;
  b[at + 3] = v >>> 24;
}

/** Size of a record (header ‖ name ‖ data, padded to 4 bytes). */
export function recordSize(nameLen: number, dataLen: number): number {
  return align4(HEADER + nameLen + dataLen);
}

/** Size of the record whose header is `hdr`. */
export function recordSizeOf(hdr: Uint8Array): number {
  return recordSize(hdr[3]!, new DataView(hdr.buffer).getUint32(4, true));
}

/** AAD = header without state byte and tag (they change / are the output) ‖ name, into out (AAD_FIXED + name bytes long). */
function buildAad(header: Uint8Array, nameBytes: Uint8Array, out: Uint8Array): void {
  out[0] = header[0]!;
  out[1] = header[1]!;
  for (let i = 3; i < 24; i++) out[i - 1] = header[i]!;
  for (let i = 40; i < HEADER; i++) out[i - 17] = header[i]!;
  out.set(nameBytes, AAD_FIXED);
}

/**
 * Builds the sealed record image in `record` (exactly `recordSize` bytes): header with its
 * state byte still erased (0xFF: the header is programmed before the state moves), name,
 * AES-256-GCM ciphertext of `data` under key ‖ nonce with the AAD rebuilt into `aad`, tag,
 * erased padding. Returns the AAD length (the crypto work is charged per byte).
 */
export function sealRecord(
  record: Uint8Array,
  r: { nameBytes: Uint8Array; data: Uint8Array; attributes: number; slot: number; key: Uint8Array; nonce: Uint8Array; aad: Uint8Array },
): number {
  const { nameBytes, data, nonce } = r;
  const nameLen = nameBytes.length;
  record[0] = MAGIC & 0xff;
  record[1] = MAGIC >>> 8;
  record[2] = 0xff;
  record[3] = nameLen;
  writeU32(record, 4, data.length);
  writeU32(record, 8, r.slot);
  for (let i = 0; i < NONCE_BYTES; i++) record[12 + i] = nonce[i]!;
  writeU32(record, 40, r.attributes);
  for (let i = 0; i < nameLen; i++) record[HEADER + i] = nameBytes[i]!;
  buildAad(record, nameBytes, r.aad);
  const c = createCipheriv('aes-256-gcm', r.key, nonce);
  c.setAAD(r.aad);
  record.set(c.update(data), HEADER + nameLen);
  c.final(); // GCM: no trailing block
  const tag = c.getAuthTag();
  for (let i = 0; i < 16; i++) record[24 + i] = tag[i]!;
  for (let i = HEADER + nameLen + data.length; i < record.length; i++) record[i] = 0xff; // padding stays erased
  return r.aad.length;
}

/** Authenticates and decrypts one record with its key; null if it does not verify. */
export function openRecord(key: Uint8Array, rec: ParsedRecord): Uint8Array | null {
  const nameBytes = UTF8.encode(rec.name);
  const aad = new Uint8Array(AAD_FIXED + nameBytes.length);
  buildAad(rec.header, nameBytes, aad);
  try {
    const d = createDecipheriv('aes-256-gcm', key, rec.nonce);
    d.setAAD(aad);
    d.setAuthTag(rec.tag);
    return new Uint8Array(Buffer.concat([d.update(rec.ciphertext), d.final()]));
  } catch {
    return null;
  }
}

/** The complete record at `off` of a store of `size` bytes read through `read`, or undefined where none is. */
function recordAt(read: (offset: number, length: number) => Uint8Array, off: number, size: number): ParsedRecord | undefined {
  if (off + HEADER > size) return undefined;
  const header = read(off, HEADER);
  const dv = new DataView(header.buffer, header.byteOffset);
  if (dv.getUint16(0, true) !== MAGIC) return undefined;
  const nameLen = header[3]!;
  const dataLen = dv.getUint32(4, true);
  // A header cut while being programmed has erased (0xFF…) length bytes: no record fits.
  if (dataLen > size - off - HEADER - nameLen) return undefined;
  const recSize = recordSize(nameLen, dataLen);
  if (off + recSize > size) return undefined;
  const body = read(off + HEADER, nameLen + dataLen);
  return {
    offset: off,
    state: header[2]!,
    name: UTF8_DECODE.decode(body.subarray(0, nameLen)),
    attributes: dv.getUint32(40, true),
    dataLen,
    slot: dv.getUint32(8, true),
    nonce: header.slice(12, 24),
    tag: header.slice(24, 40),
    ciphertext: body.slice(nameLen),
    header,
    size: recSize,
  };
}

/** The record at offset 0 of `read` (`size` bytes from there), or undefined (one record, no scan). */
export function parseRecord(read: (offset: number, length: number) => Uint8Array, size: number): ParsedRecord | undefined {
  return recordAt(read, 0, size);
}

/** Parses every record from offset 0 of a store of `size` bytes read through `read` (fresh read-back). */
export function parseRecords(read: (offset: number, length: number) => Uint8Array, size: number): ParsedRecord[] {
  const out: ParsedRecord[] = [];
  for (let rec = recordAt(read, 0, size); rec !== undefined; rec = recordAt(read, rec.offset + rec.size, size)) out.push(rec);
  return out;
}

/**
 * The live record per name, edk2's way: the VAR_ADDED one; a record in delete transition
 * only when no VAR_ADDED copy exists; anything else (header only, deleted) is not live.
 */
export function liveRecords(records: ParsedRecord[]): Map<string, ParsedRecord> {
  const added = new Map<string, ParsedRecord>();
  const transition = new Map<string, ParsedRecord>();
  for (const r of records) {
    if (r.state === VAR_ADDED) added.set(r.name, r);
    else if (r.state === (VAR_ADDED & VAR_IN_DELETED_TRANSITION)) transition.set(r.name, r);
  }
  for (const [name, r] of transition) if (!added.has(name)) added.set(name, r);
  return added;
}
