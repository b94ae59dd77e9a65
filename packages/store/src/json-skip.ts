import { StoreCorruptError } from "./errors";

// Validating skippers for JSON in raw bytes. Each checks its input exactly as JSON.parse would
// and returns the offset just past it, or throws StoreCorruptError at the offending byte.
// Bytes are never decoded: JSON's structural characters are ASCII, and Node's UTF-8 decoder
// never folds an ASCII byte into an invalid sequence, so any byte ≥ 0x80 inside a string is
// accepted (it decodes to a character ≥ U+0080 or to U+FFFD) and outside one never is.
// Error messages are built in cold helpers so the hot functions stay small enough to inline.

/** 1 for the four bytes JSON calls whitespace (space, tab, LF, CR); JSON.parse allows no others. */
const WHITESPACE = new Uint8Array(256);
for (const b of [0x20, 0x09, 0x0a, 0x0d]) WHITESPACE[b] = 1;

/** 1 for bytes that end the fast path of a string body: control bytes, `"` and `\`. */
const STRING_STOP = new Uint8Array(256);
for (let b = 0; b < 0x20; b++) STRING_STOP[b] = 1;
STRING_STOP[0x22] = 1;
STRING_STOP[0x5c] = 1;

/** 1 for the characters allowed after a backslash, other than `u`. */
const SIMPLE_ESCAPE = new Uint8Array(256);
for (const ch of '"\\/bfnrt') SIMPLE_ESCAPE[ch.charCodeAt(0)] = 1;

const HEX_DIGIT = new Uint8Array(256);
for (const ch of "0123456789abcdefABCDEF") HEX_DIGIT[ch.charCodeAt(0)] = 1;

/** A little-endian 4-byte window on `buf`, so whitespace and string bodies go a word at a time. */
export function wordViewOf(buf: Buffer): DataView {
  return new DataView(buf.buffer, buf.byteOffset, buf.length);
}

/** The corruption error for the byte at `offset`. */
export function corrupt(path: string, offset: number, detail: string): StoreCorruptError {
  return new StoreCorruptError(path, offset, detail);
}

/** The error for finding the byte at `i` (or the end of the file) where `expected` belongs. */
export function unexpected(buf: Buffer, i: number, path: string, expected: string): Error {
  if (i >= buf.length) {
    return corrupt(path, buf.length, `unexpected end of file, expected ${expected} (truncated?)`);
  }
  return corrupt(path, i, `expected ${expected}, found ${describeByte(buf[i] as number)}`);
}

/** Describes a byte for an error message, e.g. `'N' (0x4e)` or `byte 0xef`. */
export function describeByte(b: number): string {
  const hex = `0x${b.toString(16).padStart(2, "0")}`;
  return b > 0x20 && b < 0x7f ? `'${String.fromCharCode(b)}' (${hex})` : `byte ${hex}`;
}

/** Returns the offset of the first non-whitespace byte at or after `i` (or `buf.length`). */
export function skipWhitespace(buf: Buffer, words: DataView, i: number): number {
  const n = buf.length;
  while (i < n && WHITESPACE[buf[i] as number] === 1) {
    i++;
    // Indentation comes in runs of spaces: pass them four at a time.
    while (i + 4 <= n && words.getInt32(i, true) === 0x20202020) i += 4;
  }
  return i;
}

/** What the last skipString call saw: read right after it, to avoid rescanning the string. */
export const lastString = { escaped: false };

/** Passes the string whose opening quote is at `i`; returns the offset after its closing quote. */
export function skipString(buf: Buffer, words: DataView, i: number, path: string): number {
  const n = buf.length;
  lastString.escaped = false;
  i++;
  for (;;) {
    if (i + 4 <= n) {
      // Flag the bytes of the next word that are < 0x20, '"' or '\'. The lowest flag of each
      // of these bit tests is exact, so the lowest flag overall is the first such byte.
      const x = words.getInt32(i, true);
      const q = x ^ 0x22222222;
      const s = x ^ 0x5c5c5c5c;
      const flags =
        (((x - 0x20202020) & ~x) | ((q - 0x01010101) & ~q) | ((s - 0x01010101) & ~s)) & 0x80808080;
      if (flags === 0) {
        i += 4;
        continue;
      }
      i += (31 - Math.clz32(flags & -flags)) >> 3;
    } else {
      while (i < n && STRING_STOP[buf[i] as number] === 0) i++;
      if (i >= n) throw unexpected(buf, i, path, "the end of the string");
    }
    const c = buf[i] as number;
    if (c === 0x22) return i + 1;
    if (c !== 0x5c) throw controlInString(i, c, path);
    // Inline the common two-byte escapes (`\n`, `\"`, ...); `\u` and errors go the long way.
    lastString.escaped = true;
    const e = buf[i + 1] as number;
    i = e !== 0x75 && SIMPLE_ESCAPE[e] === 1 ? i + 2 : skipEscape(buf, i, path);
  }
}

function controlInString(i: number, c: number, path: string): Error {
  return corrupt(path, i, `unescaped control character ${describeByte(c)} inside a string`);
}

/** Validates the escape sequence whose backslash is at `i`; returns the offset after it. */
function skipEscape(buf: Buffer, i: number, path: string): number {
  const e = buf[i + 1];
  if (e !== 0x75) {
    if (e !== undefined && SIMPLE_ESCAPE[e] === 1) return i + 2;
    throw unexpected(buf, i + 1, path, 'an escape (one of "\\/bfnrtu) after a backslash');
  }
  for (let k = i + 2; k < i + 6; k++) {
    if (HEX_DIGIT[buf[k] ?? 0] !== 1) throw unexpected(buf, k, path, "a hex digit in a \\u escape");
  }
  return i + 6;
}

/** Passes the number starting at `i` (a `-` or a digit) per JSON's grammar; returns its end. */
export function skipNumber(buf: Buffer, i: number, path: string): number {
  const n = buf.length;
  if (buf[i] === 0x2d) i++;
  if (buf[i] === 0x30) {
    i++; // A leading zero stands alone; a digit after it is rejected by the caller.
  } else {
    i = skipDigits(buf, i, path, "a digit in a number");
  }
  if (i < n && buf[i] === 0x2e) i = skipDigits(buf, i + 1, path, "a digit after the decimal point");
  if (i < n && (buf[i] === 0x65 || buf[i] === 0x45)) {
    i++;
    if (i < n && (buf[i] === 0x2b || buf[i] === 0x2d)) i++;
    i = skipDigits(buf, i, path, "a digit in the exponent");
  }
  return i;
}

/** Passes one or more digits at `i` (else fails, expecting `what`); returns the offset after them. */
function skipDigits(buf: Buffer, i: number, path: string, what: string): number {
  const n = buf.length;
  const start = i;
  while (i < n) {
    const c = buf[i] as number;
    if (c < 0x30 || c > 0x39) break;
    i++;
  }
  if (i === start) throw unexpected(buf, i, path, what);
  return i;
}

/** Passes the literal `word` (`true`, `false` or `null`) expected at `i`; returns its end. */
export function skipLiteral(buf: Buffer, i: number, word: string, path: string): number {
  for (let k = 0; k < word.length; k++) {
    if (buf[i + k] !== word.charCodeAt(k)) {
      throw unexpected(buf, i + k, path, `the literal ${word}`);
    }
  }
  return i + word.length;
}
