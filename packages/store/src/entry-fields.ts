import type { EntryView } from "./types";

/** What a property name of an entry is, as far as its view goes. */
export const NO_FIELD = 0;
export const SESSION_ID = 1;
export const SESSION_FILE = 2;
export const UPDATED_AT = 3;

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

// OpenClaw writes an entry's sessionId first, a few bytes after its key: when it is this close,
// key and sessionId are decoded with one call (see EntryFields.view).
const NEAR_KEY = 64;

/**
 * Where the view fields of the entry being scanned were last seen. The last occurrence of a
 * field wins, as in JSON.parse; start -1 means absent, or last seen with the wrong type.
 * Values are decoded only once the entry is complete, and only the winning ones.
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
   * The view of the entry whose key is the string token at [keyStart, keyEnd), from the fields
   * recorded since the last reset. Views are built in one go, never grown property by property.
   */
  view(buf: Buffer, keyStart: number, keyEnd: number, keyEscaped: boolean): EntryView {
    let key: string;
    let sessionId: string | undefined;
    const { idStart, idEnd } = this;
    if (idStart > keyEnd && idStart - keyEnd <= NEAR_KEY && !keyEscaped && !this.idEscaped) {
      // One decode for the key, the sessionId and the few ASCII bytes between them. If every
      // byte gave one UTF-16 unit (ASCII, or an invalid byte decoded to U+FFFD on its own),
      // string offsets are byte offsets and the two can be cut out of it.
      const both = utf8(buf, keyStart + 1, idEnd - 1);
      if (both.length === idEnd - keyStart - 2) {
        key = both.slice(0, keyEnd - keyStart - 2);
        sessionId = both.slice(idStart - keyStart);
      } else {
        key = decodeString(buf, keyStart, keyEnd, false);
        sessionId = decodeString(buf, idStart, idEnd, false);
      }
    } else {
      key = decodeString(buf, keyStart, keyEnd, keyEscaped);
      if (idStart >= 0) sessionId = decodeString(buf, idStart, idEnd, this.idEscaped);
    }
    const updatedAt =
      this.updatedStart >= 0 ? numberAt(buf, this.updatedStart, this.updatedEnd) : undefined;
    if (this.fileStart < 0) {
      if (sessionId === undefined) return updatedAt === undefined ? { key } : { key, updatedAt };
      return updatedAt === undefined ? { key, sessionId } : { key, sessionId, updatedAt };
    }
    const view: EntryView = { key };
    if (sessionId !== undefined) view.sessionId = sessionId;
    view.sessionFile = decodeString(buf, this.fileStart, this.fileEnd, this.fileEscaped);
    if (updatedAt !== undefined) view.updatedAt = updatedAt;
    return view;
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
