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
  updatedStart = -1;
  updatedEnd = 0;

  reset(): void {
    this.idStart = -1;
    this.fileStart = -1;
    this.updatedStart = -1;
  }

  /** Records the value token at [start, end) of view field `field`; `kind` is a *_VALUE. */
  record(field: number, kind: number, start: number, end: number, escaped: boolean): void {
    if (field === SESSION_ID) {
      this.idStart = kind === STRING_VALUE ? start : -1;
      this.idEnd = end;
      this.idEscaped = escaped;
    } else if (field === SESSION_FILE) {
      this.fileStart = kind === STRING_VALUE ? start : -1;
      this.fileEnd = end;
      this.fileEscaped = escaped;
    } else {
      this.updatedStart = kind === NUMBER_VALUE ? start : -1;
      this.updatedEnd = end;
    }
  }

  /**
   * Appends the member whose key is the string token at [keyStart, keyEnd) (`keyHash`: see
   * StoreLayout.add) and whose value ends at `valueEnd` to `layout`, with the view fields
   * recorded since the last reset.
   */
  addTo(
    layout: StoreLayout,
    keyStart: number,
    keyEnd: number,
    keyEscaped: boolean,
    keyHash: number,
    valueEnd: number,
  ): void {
    const hasId = this.idStart >= 0;
    const hasFile = this.fileStart >= 0;
    const hasUpdated = this.updatedStart >= 0;
    const flags =
      (keyEscaped ? KEY_ESCAPED : 0) |
      (hasId && this.idEscaped ? ID_ESCAPED : 0) |
      (hasFile && this.fileEscaped ? FILE_ESCAPED : 0);
    layout.add(
      keyStart,
      keyEnd,
      keyHash,
      valueEnd,
      flags,
      hasId ? this.idStart : ABSENT,
      this.idEnd,
      hasFile ? this.fileStart : ABSENT,
      this.fileEnd,
      hasUpdated ? this.updatedStart : ABSENT,
      this.updatedEnd,
    );
  }
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
