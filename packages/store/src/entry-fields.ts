import { classifySessionKeyBytes, type SessionKeyKind } from "@session-reaper/session-key";
import type { StoreLayout } from "./store-layout";

/** What a property name of an entry is, as far as its view goes. */
export const NO_FIELD = 0;
export const SESSION_ID = 1;
export const SESSION_FILE = 2;
export const UPDATED_AT = 3;

/** In a StoreLayout: a view field the entry does not have (or has with the wrong type). */
export const ABSENT = 0xffffffff;
/** StoreLayout flag bits: which of a member's strings hold escapes. */
export const KEY_ESCAPED = 1;
export const ID_ESCAPED = 2;
export const FILE_ESCAPED = 4;

/** What the scanner read a member's key to be, from its bytes (see keyKindOf). */
export const KEY_OTHER = 0;
export const KEY_CRON_RUN = 1;
export const KEY_HOOK = 2;
/** A key with escapes or non-ASCII bytes: it must be decoded to be classified. */
export const KEY_UNREAD = 3;

/** The hash of a string asciiHash cannot hash: escaped, or not plain ASCII. */
export const NO_HASH = -1;

/** The first byte the scanner reports for a value: string, number, or anything else. */
export const STRING_VALUE = 0x22;
export const NUMBER_VALUE = 0x30;
export const OTHER_VALUE = 0;

const SESSION_ID_BYTES = Buffer.from("sessionId");
const SESSION_FILE_BYTES = Buffer.from("sessionFile");
const UPDATED_AT_BYTES = Buffer.from("updatedAt");

/**
 * Node's Buffer#utf8Slice, which toString("utf8", start, end) ends up calling after checking its
 * arguments: called directly it costs half as much, which counts with a few calls per entry on
 * stores of 10^5 entries. Undocumented, so toString stays the fallback.
 */
type Utf8Sliceable = Buffer & { utf8Slice(start: number, end: number): string };
const HAS_UTF8_SLICE = typeof (Buffer.prototype as Partial<Utf8Sliceable>).utf8Slice === "function";

/** Decodes the UTF-8 bytes [start, end) of `buf`. */
function utf8(buf: Buffer, start: number, end: number): string {
  return HAS_UTF8_SLICE
    ? (buf as Utf8Sliceable).utf8Slice(start, end)
    : buf.toString("utf8", start, end);
}

/**
 * Where the view fields of the entry being scanned were last seen. The last occurrence of a
 * field wins, as in JSON.parse; start -1 means absent, or last seen with the wrong type.
 * Nothing is decoded here: once the entry is complete, the winning offsets go to a StoreLayout,
 * which decodes a view only when one is asked for.
 */
export class EntryFields {
  idStart = -1;
  idEnd = 0;
  idEscaped = false;
  fileStart = -1;
  fileEnd = 0;
  fileEscaped = false;
  idHash = NO_HASH;
  /** The value of `updatedAt`, read while its bytes are at hand; NaN (no JSON number) if absent. */
  updatedAt = Number.NaN;

  reset(): void {
    this.idStart = -1;
    this.fileStart = -1;
    this.updatedAt = Number.NaN;
  }

  /**
   * Records the value token at [start, end) of `buf` as view field `field`; `kind` is a
   * *_VALUE. A sessionId is hashed and an updatedAt read here, while their bytes are in the
   * CPU's cache: read in a later pass over a 13 MB store, the 20,000 updatedAt values alone took
   * 2.3–3.4 ms, almost all of it waiting for memory.
   */
  record(
    buf: Buffer,
    field: number,
    kind: number,
    start: number,
    end: number,
    escaped: boolean,
  ): void {
    if (field === SESSION_ID) {
      const isString = kind === STRING_VALUE;
      this.idStart = isString ? start : -1;
      this.idEnd = end;
      this.idEscaped = escaped;
      this.idHash = isString && !escaped ? asciiHash(buf, start + 1, end - 1) : NO_HASH;
    } else if (field === SESSION_FILE) {
      this.fileStart = kind === STRING_VALUE ? start : -1;
      this.fileEnd = end;
      this.fileEscaped = escaped;
    } else {
      this.updatedAt = kind === NUMBER_VALUE ? numberAt(buf, start, end) : Number.NaN;
    }
  }

  /**
   * Appends the member whose key is the string token at [keyStart, keyEnd) of `buf` (`keyHash`:
   * its asciiHash, or NO_HASH) and whose value ends at `valueEnd` to `layout`, with the view
   * fields recorded since the last reset.
   */
  addTo(
    layout: StoreLayout,
    buf: Buffer,
    keyStart: number,
    keyEnd: number,
    keyEscaped: boolean,
    keyHash: number,
    valueEnd: number,
  ): void {
    const hasId = this.idStart >= 0;
    const hasFile = this.fileStart >= 0;
    const flags =
      (keyEscaped ? KEY_ESCAPED : 0) |
      (hasId && this.idEscaped ? ID_ESCAPED : 0) |
      (hasFile && this.fileEscaped ? FILE_ESCAPED : 0);
    layout.add(
      keyStart,
      keyEnd,
      keyHash,
      // An ASCII key (it has a hash) is classified from its bytes while they are in the cache.
      keyHash === NO_HASH ? KEY_UNREAD : keyKindOf(buf, keyStart + 1, keyEnd - 1),
      valueEnd,
      flags,
      hasId ? this.idStart : ABSENT,
      hasId ? this.idEnd : 0,
      hasId ? this.idHash : NO_HASH,
      hasFile ? this.fileStart : ABSENT,
      hasFile ? this.fileEnd : 0,
      this.updatedAt,
    );
  }
}

/** The KEY_* kind of the key spelled by the bytes [start, end) of `buf`. */
export function keyKindOf(buf: Buffer, start: number, end: number): number {
  return keyKindCode(classifySessionKeyBytes(buf, start, end));
}

/** The KEY_* code of a key kind; KEY_UNREAD for null (a key not read from its bytes). */
export function keyKindCode(kind: SessionKeyKind | null): number {
  if (kind === "cron-run") return KEY_CRON_RUN;
  if (kind === "hook") return KEY_HOOK;
  return kind === null ? KEY_UNREAD : KEY_OTHER;
}

/**
 * A 31-bit hash of the bytes [start, end), or NO_HASH if any of them is not ASCII. Four bytes
 * per step: keys are long (OpenClaw's run keys are ~90 bytes) and there is one per entry. The
 * scanner hashes each key and sessionId right after passing it, while its bytes are still in the
 * CPU's cache: hashing all keys in a second pass over a 13 MB store took ~3 ms, in the scan
 * ~0.8 ms. `asciiHashOf` gives the same hash for the string of the same characters.
 */
export function asciiHash(buf: Uint8Array, start: number, end: number): number {
  let hash = (end - start) ^ 0x811c9dc5;
  let high = 0;
  let i = start;
  for (; i + 4 <= end; i += 4) {
    const word =
      (buf[i] as number) |
      ((buf[i + 1] as number) << 8) |
      ((buf[i + 2] as number) << 16) |
      ((buf[i + 3] as number) << 24);
    high |= word;
    hash = Math.imul(hash ^ word, 0x9e3779b1);
    hash ^= hash >>> 15;
  }
  for (; i < end; i++) {
    const byte = buf[i] as number;
    high |= byte;
    hash = Math.imul(hash ^ byte, 0x01000193);
  }
  if ((high & 0x80808080) !== 0) return NO_HASH;
  hash ^= hash >>> 16;
  return hash >>> 1;
}

/** asciiHash of the string's characters as bytes, or NO_HASH if one of them is not ASCII. */
export function asciiHashOf(text: string): number {
  const end = text.length;
  let hash = end ^ 0x811c9dc5;
  let high = 0;
  let i = 0;
  for (; i + 4 <= end; i += 4) {
    const c0 = text.charCodeAt(i);
    const c1 = text.charCodeAt(i + 1);
    const c2 = text.charCodeAt(i + 2);
    const c3 = text.charCodeAt(i + 3);
    high |= c0 | c1 | c2 | c3;
    hash = Math.imul(hash ^ (c0 | (c1 << 8) | (c2 << 16) | (c3 << 24)), 0x9e3779b1);
    hash ^= hash >>> 15;
  }
  for (; i < end; i++) {
    const code = text.charCodeAt(i);
    high |= code;
    hash = Math.imul(hash ^ code, 0x01000193);
  }
  if (high > 0x7f) return NO_HASH;
  hash ^= hash >>> 16;
  return hash >>> 1;
}

/** Decodes the JSON string token at [start, end) (quotes included). */
export function decodeString(buf: Buffer, start: number, end: number, escaped: boolean): string {
  // Slices start and end at ASCII quotes, so decoding them alone gives the same characters
  // (U+FFFD for invalid UTF-8 included) as decoding the whole file.
  return escaped
    ? (JSON.parse(buf.toString("utf8", start, end)) as string)
    : utf8(buf, start + 1, end - 1);
}

/**
 * Which view field, if any, the property name token at [start, end) names. Names of another
 * length than the three fields' cost one comparison; only escaped names are decoded.
 */
export function matchViewField(buf: Buffer, start: number, end: number, escaped: boolean): number {
  const length = end - start - 2;
  if (length === 9) {
    if (bytesAt(buf, start + 1, SESSION_ID_BYTES)) return SESSION_ID;
    if (bytesAt(buf, start + 1, UPDATED_AT_BYTES)) return UPDATED_AT;
  } else if (length === 11) {
    if (bytesAt(buf, start + 1, SESSION_FILE_BYTES)) return SESSION_FILE;
  }
  // An escaped name is longer in bytes than the name it spells.
  if (!escaped || length <= 9) return NO_FIELD;
  const name = decodeString(buf, start, end, true);
  if (name === "sessionId") return SESSION_ID;
  if (name === "sessionFile") return SESSION_FILE;
  return name === "updatedAt" ? UPDATED_AT : NO_FIELD;
}

function bytesAt(buf: Buffer, at: number, pattern: Uint8Array): boolean {
  // Most names that reach here differ in their first byte.
  for (let k = 0; k < pattern.length; k++) if (buf[at + k] !== pattern[k]) return false;
  return true;
}

/** The value of the JSON number token at [start, end), as JSON.parse reads it. */
export function numberAt(buf: Buffer, start: number, end: number): number {
  // Up to 15 digits, an integer is exact when built digit by digit (epoch ms has 13).
  const negative = buf[start] === 0x2d;
  let value = 0;
  let i = negative ? start + 1 : start;
  if (end - i <= 15) {
    for (; i < end; i++) {
      const digit = (buf[i] as number) - 0x30;
      if (digit < 0 || digit > 9) break;
      value = value * 10 + digit;
    }
    if (i === end) return negative ? -value : value;
  }
  return Number(buf.toString("latin1", start, end));
}
