import { StoreCorruptError } from "./errors";

// Validating skippers for JSON in raw bytes. Each checks its input exactly as JSON.parse would
// and returns the offset just past it, or throws StoreCorruptError at the offending byte.
// Bytes are never decoded: JSON's structural characters are ASCII, and Node's UTF-8 decoder
// never folds an ASCII byte into an invalid sequence, so any byte ≥ 0x80 inside a string is
// accepted (it decodes to a character ≥ U+0080 or to U+FFFD) and outside one never is.
// Error messages are built in cold helpers so the hot functions stay small enough to inline.

/** 1 for the four bytes JSON calls whitespace (space, tab, LF, CR); JSON.parse allows no others. */
const WHITESPACE = byteSet(" \t\n\r");

/** 1 for bytes that end the plain run of a string body: control bytes, `"` and `\`. */
const STRING_STOP = byteSet('"\\');
STRING_STOP.fill(1, 0, 0x20);

/** 1 for the characters allowed after a backslash, other than `u`. */
const SIMPLE_ESCAPE = byteSet('"\\/bfnrt');

const HEX_DIGIT = byteSet("0123456789abcdefABCDEF");

function byteSet(chars: string): Uint8Array {
  const set = new Uint8Array(256);
  for (const ch of chars) set[ch.charCodeAt(0)] = 1;
  return set;
}

/**
 * Views the bytes of `buf` as aligned little-endian 32-bit words, so that string bodies and runs
 * of spaces go four bytes per step; never copies. Word k holds bytes [4k - shift, 4k - shift + 4)
 * of `buf`, where shift = `buf.byteOffset & 3` (passed along with the words): the bytes before
 * the buffer that share its first word are never looked at, and the last bytes, which fill no
 * whole word, go one at a time. (Plain arguments rather than an object: optimized code must not
 * depend on a short-lived object shape, or every full garbage collection throws it away.)
 */
export function wordsOf(buf: Buffer): Int32Array {
  const shift = buf.byteOffset & 3;
  return new Int32Array(buf.buffer, buf.byteOffset - shift, (buf.length + shift) >> 2);
}

/**
 * One flag bit (0x80) per byte of the word `x` that is < 0x20, '"' or '\'. Each term works on
 * the low 7 bits and cannot carry into the next byte, so every flag is exact: the flags of the
 * bytes before a given offset can simply be masked off.
 */
function stopFlags(x: number): number {
  const low = x & 0x7f7f7f7f;
  const plain =
    (low + 0x60606060) & ((low ^ 0x22222222) + 0x7f7f7f7f) & ((low ^ 0x5c5c5c5c) + 0x7f7f7f7f);
  return ~(plain | x) & 0x80808080;
}

/** The stops (see stopFlags) at and after offset `i` in the word that holds it, word k. */
function stopsFrom(words: Int32Array, shift: number, k: number, i: number): number {
  return stopFlags(words[k] as number) & (-1 << (((i + shift) & 3) << 3));
}

/** The first byte at or after `i` that is `"`, `\` or a control byte, or `buf.length`. */
export function nextStringStop(buf: Buffer, words: Int32Array, shift: number, i: number): number {
  let k = (i + shift) >> 2;
  if (k < words.length) {
    // stopFlags by hand: this loop is where a scan spends most of its time, and calls here,
    // even inlined, slow it down measurably.
    let x = words[k] as number;
    let low = x & 0x7f7f7f7f;
    let flags =
      ~(
        ((low + 0x60606060) &
          ((low ^ 0x22222222) + 0x7f7f7f7f) &
          ((low ^ 0x5c5c5c5c) + 0x7f7f7f7f)) |
        x
      ) &
      (0x80808080 << (((i + shift) & 3) << 3));
    while (flags === 0) {
      if (++k === words.length) return nextStopInTail(buf, k * 4 - shift);
      x = words[k] as number;
      low = x & 0x7f7f7f7f;
      flags =
        ~(
          ((low + 0x60606060) &
            ((low ^ 0x22222222) + 0x7f7f7f7f) &
            ((low ^ 0x5c5c5c5c) + 0x7f7f7f7f)) |
          x
        ) & 0x80808080;
    }
    return k * 4 - shift + ((31 - Math.clz32(flags & -flags)) >> 3);
  }
  return nextStopInTail(buf, i);
}

/**
 * Passes the rest of a string from `at`, a stop byte found by nextStringStop that is not its
 * closing quote: checks that it is an escape, then goes on, escapes and all, to the closing
 * quote, whose offset it returns. An escape is passed within the word it sits in, without
 * looking for the next stop from scratch: some stores hold long texts with an escape every
 * few dozen bytes.
 */
export function skipEscapedRest(
  buf: Buffer,
  words: Int32Array,
  shift: number,
  at: number,
  path: string,
): number {
  for (;;) {
    const k = (at + shift) >> 2;
    // The stops of word k from `at` on; none in the tail, where nextStringStop goes bytewise.
    let flags = k < words.length ? stopsFrom(words, shift, k, at) : 0;
    for (;;) {
      const c = buf[at] as number;
      if (c === 0x22) return at;
      if (c !== 0x5c) throw stringStopError(buf, at, path);
      const e = buf[at + 1] as number;
      const next = e !== 0x75 && SIMPLE_ESCAPE[e] === 1 ? at + 2 : skipEscape(buf, at, path);
      if (flags === 0 || (next + shift) >> 2 !== k) {
        at = nextStringStop(buf, words, shift, next);
        break;
      }
      // The escape ends in this word: drop its flags and take the next stop here, if any.
      flags &= -1 << (((next + shift) & 3) << 3);
      if (flags === 0) {
        at = nextStringStop(buf, words, shift, (k + 1) * 4 - shift);
        break;
      }
      at = k * 4 - shift + ((31 - Math.clz32(flags & -flags)) >> 3);
    }
  }
}

function nextStopInTail(buf: Buffer, i: number): number {
  while (i < buf.length && STRING_STOP[buf[i] as number] === 0) i++;
  return i;
}

/** The first byte at or after `i` that is not a space, or `buf.length`. */
export function skipSpaces(buf: Buffer, words: Int32Array, shift: number, i: number): number {
  let k = (i + shift) >> 2;
  if (k < words.length) {
    // One flag bit per byte that is not 0x20, exact as in stopFlags.
    let y = (words[k] as number) ^ 0x20202020;
    let other = (((y & 0x7f7f7f7f) + 0x7f7f7f7f) | y) & (0x80808080 << (((i + shift) & 3) << 3));
    while (other === 0) {
      if (++k === words.length) {
        i = k * 4 - shift;
        break;
      }
      y = (words[k] as number) ^ 0x20202020;
      other = (((y & 0x7f7f7f7f) + 0x7f7f7f7f) | y) & 0x80808080;
    }
    if (other !== 0) return k * 4 - shift + ((31 - Math.clz32(other & -other)) >> 3);
  }
  while (buf[i] === 0x20) i++;
  return i;
}

/** Returns the offset of the first non-whitespace byte at or after `i` (or `buf.length`). */
export function skipWhitespace(buf: Buffer, words: Int32Array, shift: number, i: number): number {
  for (;;) {
    const c = buf[i] as number;
    if (c === 0x20 || c === 0x0a) {
      // Indentation comes in runs of spaces after a newline.
      i = skipSpaces(buf, words, shift, i + 1);
    } else if (c === 0x0d || c === 0x09) {
      i++;
    } else {
      return i;
    }
  }
}

/** True for the four whitespace bytes of JSON. */
export function isWhitespace(c: number): boolean {
  return WHITESPACE[c] === 1;
}

/**
 * Passes the string whose opening quote is at `i`. Returns the offset after its closing quote,
 * negated when the string holds an escape (so the caller knows whether a plain decode will do).
 */
export function skipString(
  buf: Buffer,
  words: Int32Array,
  shift: number,
  i: number,
  path: string,
): number {
  i = nextStringStop(buf, words, shift, i + 1);
  if (buf[i] === 0x22) return i + 1;
  return -(skipEscapedRest(buf, words, shift, i, path) + 1);
}

/** The error for a string that stops at `i` on something other than `"` or `\`. */
function stringStopError(buf: Buffer, i: number, path: string): Error {
  if (i >= buf.length) return unexpected(buf, i, path, "the end of the string");
  const detail = `unescaped control character ${describeByte(buf[i] as number)} inside a string`;
  return corrupt(path, i, detail);
}

/** Validates the escape sequence whose backslash is at `i`; returns the offset after it. */
function skipEscape(buf: Buffer, i: number, path: string): number {
  const e = buf[i + 1] as number;
  if (e !== 0x75) {
    if (SIMPLE_ESCAPE[e] === 1) return i + 2;
    throw unexpected(buf, i + 1, path, 'an escape (one of "\\/bfnrtu) after a backslash');
  }
  for (let k = i + 2; k < i + 6; k++) {
    if (HEX_DIGIT[buf[k] ?? 0] !== 1) throw unexpected(buf, k, path, "a hex digit in a \\u escape");
  }
  return i + 6;
}

/** Passes the fraction and exponent, if any, of a number whose integer part ends at `i`. */
export function skipNumberTail(buf: Buffer, i: number, path: string): number {
  // Reads past the end give undefined, which fails every comparison: the number just ends.
  let c = buf[i] as number;
  if (c === 0x2e) {
    c = buf[++i] as number;
    if (!(c >= 0x30 && c <= 0x39))
      throw unexpected(buf, i, path, "a digit after the decimal point");
    do c = buf[++i] as number;
    while (c >= 0x30 && c <= 0x39);
  }
  if (c === 0x65 || c === 0x45) {
    c = buf[++i] as number;
    if (c === 0x2b || c === 0x2d) c = buf[++i] as number;
    if (!(c >= 0x30 && c <= 0x39)) throw unexpected(buf, i, path, "a digit in the exponent");
    do c = buf[++i] as number;
    while (c >= 0x30 && c <= 0x39);
  }
  return i;
}

/** Passes the literal `true`, `false` or `null` whose first letter is at `i`; returns its end. */
export function skipLiteral(buf: Buffer, i: number, path: string): number {
  const c = buf[i];
  const word = c === 0x74 ? "true" : c === 0x66 ? "false" : "null";
  for (let k = 1; k < word.length; k++) {
    if (buf[i + k] !== word.charCodeAt(k)) {
      throw unexpected(buf, i + k, path, `the literal ${word}`);
    }
  }
  return i + word.length;
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
