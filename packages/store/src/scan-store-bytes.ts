import {
  corrupt,
  lastString,
  skipLiteral,
  skipNumber,
  skipString,
  skipWhitespace,
  unexpected,
  wordViewOf,
} from "./json-skip";
import type { EntryView } from "./types";

/** One top-level member of a store file, located by byte offsets. */
export interface ScannedMember {
  /** The entry's light view; `key` is the decoded key. */
  view: EntryView;
  /** Offset of the member's key (its opening quote). */
  keyStart: number;
  /** Offset just past the member's value. */
  valueEnd: number;
}

const OBJECT = 1;
const ARRAY = 2;
// The view fields an entry's own property names may name.
const NO_FIELD = 0;
const SESSION_ID = 1;
const SESSION_FILE = 2;
const UPDATED_AT = 3;

const SESSION_ID_BYTES = Buffer.from("sessionId");
const SESSION_FILE_BYTES = Buffer.from("sessionFile");
const UPDATED_AT_BYTES = Buffer.from("updatedAt");

/**
 * Scans the bytes of a store file in one pass, without decoding the whole buffer to a string.
 * Accepts exactly the texts `JSON.parse(buf.toString("utf8"))` accepts whose top-level value is
 * an object, and returns its members in file order (a duplicated key gives several members).
 * Throws StoreCorruptError, with the offending byte offset, for everything else.
 */
export function scanStoreBytes(buf: Buffer, path: string): ScannedMember[] {
  const n = buf.length;
  if (n === 0) throw corrupt(path, 0, "the file is empty");
  if (buf[0] === 0xef && buf[1] === 0xbb && buf[2] === 0xbf) {
    throw corrupt(path, 0, "the file starts with a UTF-8 byte order mark (JSON allows none)");
  }
  const words = wordViewOf(buf);
  const rootStart = skipWhitespace(buf, words, 0);
  if (rootStart === n) throw corrupt(path, n, "the file holds only whitespace");
  const fields = new EntryFields();
  const members: ScannedMember[] = [];
  let pos: number;
  if (buf[rootStart] !== 0x7b) {
    // Validate anyway, so that invalid JSON is reported as such rather than as "not an object".
    pos = scanValue(buf, words, rootStart, path, fields);
  } else {
    pos = skipWhitespace(buf, words, rootStart + 1);
    if (buf[pos] === 0x7d) pos++;
    while (buf[pos - 1] !== 0x7d) {
      if (buf[pos] !== 0x22) throw unexpected(buf, pos, path, "a property name in double quotes");
      const keyStart = pos;
      pos = skipString(buf, words, pos, path);
      const key = decodeString(buf, keyStart, pos, lastString.escaped);
      pos = skipWhitespace(buf, words, pos);
      if (buf[pos] !== 0x3a) throw unexpected(buf, pos, path, "':' after a property name");
      fields.reset();
      pos = scanValue(buf, words, skipWhitespace(buf, words, pos + 1), path, fields);
      members.push({ view: fields.view(buf, key), keyStart, valueEnd: pos });
      pos = skipWhitespace(buf, words, pos);
      if (buf[pos] === 0x2c) pos = skipWhitespace(buf, words, pos + 1);
      else if (buf[pos] === 0x7d) pos++;
      else throw unexpected(buf, pos, path, "',' or '}'");
    }
  }
  pos = skipWhitespace(buf, words, pos);
  if (pos < n) throw unexpected(buf, pos, path, "nothing after the end of the JSON value");
  if (buf[rootStart] !== 0x7b) {
    const kind = describeValueKind(buf[rootStart] as number);
    throw corrupt(path, rootStart, `the top-level value is ${kind}, not an object`);
  }
  return members;
}

/**
 * Where the view fields of the entry being scanned were last seen. The last occurrence of a
 * field wins, as in JSON.parse; start -1 means absent, or last seen with the wrong type.
 */
class EntryFields {
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

  /** Records the value at [start, end) of view field `field`, or its absence if mistyped. */
  record(field: number, first: number, start: number, end: number): void {
    const isString = first === 0x22;
    if (field === SESSION_ID) {
      this.idStart = isString ? start : -1;
      this.idEnd = end;
      this.idEscaped = isString && lastString.escaped;
    } else if (field === SESSION_FILE) {
      this.fileStart = isString ? start : -1;
      this.fileEnd = end;
      this.fileEscaped = isString && lastString.escaped;
    } else {
      this.updatedStart = first === 0x2d || (first >= 0x30 && first <= 0x39) ? start : -1;
      this.updatedEnd = end;
    }
  }

  view(buf: Buffer, key: string): EntryView {
    const view: EntryView = { key };
    if (this.idStart >= 0) {
      view.sessionId = decodeString(buf, this.idStart, this.idEnd, this.idEscaped);
    }
    if (this.fileStart >= 0) {
      view.sessionFile = decodeString(buf, this.fileStart, this.fileEnd, this.fileEscaped);
    }
    if (this.updatedStart >= 0) view.updatedAt = numberAt(buf, this.updatedStart, this.updatedEnd);
    return view;
  }
}

// The open containers of scanValue, innermost last; shared, as scans never overlap.
let containers = new Uint8Array(64);

/**
 * Validates the JSON value at `pos` (whitespace already passed) and returns its end. When it is
 * an object, its own view fields go to `fields`. One loop over every token with an explicit
 * stack, so any depth JSON.parse accepts is fine; it runs once per store entry, so it gets
 * optimized early and for good instead of once, late, for the whole file.
 */
function scanValue(
  buf: Buffer,
  words: DataView,
  pos: number,
  path: string,
  fields: EntryFields,
): number {
  let stack = containers;
  let depth = 0;
  // Set when the next token is a property name (after '{', or after ',' inside an object).
  let keyNext = false;
  let field = NO_FIELD;
  for (;;) {
    if (keyNext) {
      keyNext = false;
      if (buf[pos] !== 0x22) throw unexpected(buf, pos, path, "a property name in double quotes");
      const nameStart = pos;
      pos = skipString(buf, words, pos, path);
      if (depth === 1) field = matchViewField(buf, nameStart, pos, lastString.escaped);
      pos = skipWhitespace(buf, words, pos);
      if (buf[pos] !== 0x3a) throw unexpected(buf, pos, path, "':' after a property name");
      pos = skipWhitespace(buf, words, pos + 1);
    }

    // `pos` is at the first byte of a value.
    const start = pos;
    const c = buf[pos];
    if (c === 0x22) {
      pos = skipString(buf, words, pos, path);
    } else if (c === 0x2d || (c !== undefined && c >= 0x30 && c <= 0x39)) {
      pos = skipNumber(buf, pos, path);
    } else if (c === 0x7b || c === 0x5b) {
      pos = skipWhitespace(buf, words, pos + 1);
      if (buf[pos] !== c + 2) {
        // Not empty ('{' + 2 is '}', '[' + 2 is ']'): open it and go on with its first member.
        if (field !== NO_FIELD) fields.record(field, c, start, pos);
        field = NO_FIELD;
        if (depth === stack.length) {
          const bigger = new Uint8Array(depth * 2);
          bigger.set(stack);
          containers = stack = bigger;
        }
        stack[depth++] = c === 0x7b ? OBJECT : ARRAY;
        keyNext = c === 0x7b;
        continue;
      }
      pos++;
    } else if (c === 0x74) {
      pos = skipLiteral(buf, pos, "true", path);
    } else if (c === 0x66) {
      pos = skipLiteral(buf, pos, "false", path);
    } else if (c === 0x6e) {
      pos = skipLiteral(buf, pos, "null", path);
    } else {
      throw unexpected(buf, pos, path, "a value");
    }
    if (field !== NO_FIELD) {
      fields.record(field, c as number, start, pos);
      field = NO_FIELD;
    }

    // A value is complete: close every container it completes, then go on to the next value.
    for (;;) {
      if (depth === 0) return pos;
      pos = skipWhitespace(buf, words, pos);
      const inObject = stack[depth - 1] === OBJECT;
      const next = buf[pos];
      if (next === 0x2c) {
        pos = skipWhitespace(buf, words, pos + 1);
        keyNext = inObject;
        break;
      }
      if (next !== (inObject ? 0x7d : 0x5d)) {
        throw unexpected(buf, pos, path, inObject ? "',' or '}'" : "',' or ']'");
      }
      pos++;
      depth--;
    }
  }
}

/** Decodes the JSON string token at [start, end) (quotes included). */
function decodeString(buf: Buffer, start: number, end: number, escaped: boolean): string {
  // Slices start and end at ASCII quotes, so decoding them alone gives the same characters
  // (U+FFFD for invalid UTF-8 included) as decoding the whole file.
  return escaped
    ? (JSON.parse(buf.toString("utf8", start, end)) as string)
    : buf.toString("utf8", start + 1, end - 1);
}

/** Which view field, if any, the property name token at [start, end) names. */
function matchViewField(buf: Buffer, start: number, end: number, escaped: boolean): number {
  const length = end - start - 2;
  if (length === 9) {
    if (bytesAt(buf, start + 1, SESSION_ID_BYTES)) return SESSION_ID;
    if (bytesAt(buf, start + 1, UPDATED_AT_BYTES)) return UPDATED_AT;
    return NO_FIELD;
  }
  if (length === 11) return bytesAt(buf, start + 1, SESSION_FILE_BYTES) ? SESSION_FILE : NO_FIELD;
  if (!escaped) return NO_FIELD;
  const name = decodeString(buf, start, end, true);
  if (name === "sessionId") return SESSION_ID;
  if (name === "sessionFile") return SESSION_FILE;
  return name === "updatedAt" ? UPDATED_AT : NO_FIELD;
}

/** The value of the JSON number token at [start, end), as JSON.parse reads it. */
function numberAt(buf: Buffer, start: number, end: number): number {
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

function bytesAt(buf: Buffer, at: number, pattern: Buffer): boolean {
  for (let k = 0; k < pattern.length; k++) if (buf[at + k] !== pattern[k]) return false;
  return true;
}

function describeValueKind(first: number): string {
  if (first === 0x5b) return "an array";
  if (first === 0x22) return "a string";
  if (first === 0x6e) return "null";
  if (first === 0x74 || first === 0x66) return "a boolean";
  return "a number";
}

/**
 * The byte ranges of `buf` that survive cutting out the members at the indices in `remove`, as
 * flat `[start, end, start, end, ...]` pairs in file order (see spliceOutMembers for the rules).
 * Lets a caller size the result, or write the ranges with `writev`, without copying.
 * Throws RangeError for an index that is not a member's.
 */
export function keptRanges(
  buf: Buffer,
  members: readonly ScannedMember[],
  remove: ReadonlySet<number>,
): number[] {
  const count = members.length;
  for (const index of remove) {
    if (!Number.isInteger(index) || index < 0 || index >= count) {
      throw new RangeError(`${index} is not a member index (there are ${count} members)`);
    }
  }
  const kept: number[] = [];
  let keepFrom = 0;
  for (let first = 0; first < count; first++) {
    if (!remove.has(first)) continue;
    let last = first;
    while (last + 1 < count && remove.has(last + 1)) last++;
    const before = members[first - 1];
    const after = members[last + 1];
    const runStart = (members[first] as ScannedMember).keyStart;
    const runEnd = (members[last] as ScannedMember).valueEnd;
    if (after) {
      // A run with a survivor after it goes with the separator that follows it.
      kept.push(keepFrom, runStart);
      keepFrom = after.keyStart;
    } else if (before) {
      // A run that ends the object goes with the separator before it.
      kept.push(keepFrom, before.valueEnd);
      keepFrom = runEnd;
    } else {
      // Every member goes: keep the braces (and what lies outside them), drop what was inside.
      let open = runStart - 1;
      while (buf[open] !== 0x7b) open--;
      let close = runEnd;
      while (buf[close] !== 0x7d) close++;
      kept.push(keepFrom, open + 1);
      keepFrom = close;
    }
    first = last;
  }
  kept.push(keepFrom, buf.length);
  return kept;
}

/**
 * Returns a new buffer equal to `buf` with the members at the indices in `remove` cut out;
 * `members` must be the full result of scanStoreBytes(buf). Every other member and the
 * formatting around it stays byte-for-byte identical and the result is valid JSON. A removed
 * member goes with the separator after it (before it, when it ends the object); removing every
 * member leaves `{}` between the file's original leading and trailing whitespace, as
 * `JSON.stringify({}, null, 2)` would write it. Returns `buf` itself when `remove` is empty.
 * Throws RangeError for an index that is not a member's.
 */
export function spliceOutMembers(
  buf: Buffer,
  members: readonly ScannedMember[],
  remove: ReadonlySet<number>,
): Buffer {
  const kept = keptRanges(buf, members, remove);
  if (remove.size === 0) return buf;
  let size = 0;
  for (let k = 0; k < kept.length; k += 2) size += (kept[k + 1] as number) - (kept[k] as number);
  const out = Buffer.allocUnsafe(size);
  let at = 0;
  for (let k = 0; k < kept.length; k += 2) {
    at += buf.copy(out, at, kept[k] as number, kept[k + 1] as number);
  }
  return out;
}
