import {
  asciiHash,
  EntryFields,
  matchViewField,
  NO_FIELD,
  NO_HASH,
  NUMBER_VALUE,
  OTHER_VALUE,
  STRING_VALUE,
} from "./entry-fields";
import {
  corrupt,
  isWhitespace,
  nextStringStop,
  skipEscapedRest,
  skipLiteral,
  skipNumberTail,
  skipSpaces,
  skipString,
  skipWhitespace,
  unexpected,
  wordsOf,
} from "./json-skip";
import { scanStoreLayoutWasm } from "./scan-store-wasm";
import { StoreLayout } from "./store-layout";
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

/**
 * {@link scanStoreLayout} with every member's view decoded: the members in file order (a
 * duplicated key gives several members). Throws StoreCorruptError as scanStoreLayout does.
 * Removal decodes views one at a time instead; this whole-list form is what the scanner's tests
 * compare with JSON.parse.
 */
export function scanStoreBytes(buf: Buffer, path: string): ScannedMember[] {
  const layout = scanStoreLayout(buf, path);
  const members: ScannedMember[] = [];
  for (let i = 0; i < layout.count; i++) {
    members.push({
      view: layout.view(buf, i),
      keyStart: layout.keyStart(i),
      valueEnd: layout.valueEnd(i),
    });
  }
  return members;
}

/**
 * Scans the bytes of a store file in one pass, without decoding the whole buffer to a string.
 * Accepts exactly the texts `JSON.parse(buf.toString("utf8"))` accepts whose top-level value is
 * an object, and returns where its members are, in file order (a duplicated key gives several
 * members), without decoding any of them. Throws StoreCorruptError, with the offending byte
 * offset, for everything else. Scans in WebAssembly (see scan-store-wasm.ts) where it can, else
 * with {@link scanStoreLayoutJs}.
 */
export function scanStoreLayout(buf: Buffer, path: string): StoreLayout {
  const layout = scanStoreLayoutWasm(buf);
  return typeof layout === "object" ? layout : scanStoreLayoutJs(buf, path);
}

/** {@link scanStoreLayout} in JavaScript only: the reference, and what explains errors. */
export function scanStoreLayoutJs(buf: Buffer, path: string): StoreLayout {
  const n = buf.length;
  if (n === 0) throw corrupt(path, 0, "the file is empty");
  if (buf[0] === 0xef && buf[1] === 0xbb && buf[2] === 0xbf) {
    throw corrupt(path, 0, "the file starts with a UTF-8 byte order mark (JSON allows none)");
  }
  const words = wordsOf(buf);
  const shift = buf.byteOffset & 3;
  const rootStart = skipWhitespace(buf, words, shift, 0);
  if (rootStart === n) throw corrupt(path, n, "the file holds only whitespace");
  const layout = new StoreLayout();
  let pos: number;
  if (buf[rootStart] !== 0x7b) {
    // Validate anyway, so that invalid JSON is reported as such rather than as "not an object".
    pos = scanValue(buf, words, shift, rootStart, path);
  } else {
    pos = skipWhitespace(buf, words, shift, rootStart + 1);
    if (buf[pos] === 0x7d) pos++;
    while (buf[pos - 1] !== 0x7d) {
      if (buf[pos] !== 0x22) throw unexpected(buf, pos, path, "a property name in double quotes");
      const keyStart = pos;
      let keyEnd = skipString(buf, words, shift, pos, path);
      const keyEscaped = keyEnd < 0;
      if (keyEscaped) keyEnd = -keyEnd;
      const keyHash = keyEscaped ? NO_HASH : asciiHash(buf, keyStart + 1, keyEnd - 1);
      pos = skipWhitespace(buf, words, shift, keyEnd);
      if (buf[pos] !== 0x3a) throw unexpected(buf, pos, path, "':' after a property name");
      fields.reset();
      pos = scanValue(buf, words, shift, skipWhitespace(buf, words, shift, pos + 1), path);
      fields.addTo(layout, buf, keyStart, keyEnd, keyEscaped, keyHash, pos);
      pos = skipWhitespace(buf, words, shift, pos);
      if (buf[pos] === 0x2c) pos = skipWhitespace(buf, words, shift, pos + 1);
      else if (buf[pos] === 0x7d) pos++;
      else throw unexpected(buf, pos, path, "',' or '}'");
    }
  }
  pos = skipWhitespace(buf, words, shift, pos);
  if (pos < n) throw unexpected(buf, pos, path, "nothing after the end of the JSON value");
  if (buf[rootStart] !== 0x7b) {
    const kind = describeValueKind(buf[rootStart] as number);
    throw corrupt(path, rootStart, `the top-level value is ${kind}, not an object`);
  }
  return layout;
}

// State shared by all scans, as scans never overlap: the open containers of scanValue
// (innermost last), and the view fields of the entry being scanned. A single long-lived
// EntryFields also keeps its object shape alive, which the optimized scanner depends on.
let containers: Uint8Array = new Uint8Array(64);
const fields = new EntryFields();

/**
 * Validates the JSON value at `pos` (whitespace already passed) and returns its end. When it is
 * an object, its own view fields go to `fields`. One loop over every token with an explicit
 * stack, so any depth JSON.parse accepts is fine. It runs once per store entry, so it gets
 * optimized early; the common token shapes of indented stores are handled inline, because this
 * loop is where a sweep spends most of its CPU time.
 */
function scanValue(
  buf: Buffer,
  words: Int32Array,
  shift: number,
  pos: number,
  path: string,
): number {
  let stack = containers;
  let depth = 0;
  let inObject = false;
  // Set when the next token is a property name (after '{', or after ',' inside an object).
  let keyNext = false;
  // The view field named by the property name just read at depth 1, if any.
  let field = NO_FIELD;
  // Reads past the end give undefined, which fails every comparison below: the errors then
  // report the end of the file.
  let c = buf[pos] as number;
  for (;;) {
    // `pos` is at the first byte `c` of a token: a property name when keyNext, else a value.
    const start = pos;
    if (c === 0x22) {
      // One string loop for names and values alike, so that it is compiled inline once.
      pos = nextStringStop(buf, words, shift, pos + 1);
      // Anything but the closing quote is an escape (or an error): the rarer, longer way.
      const escaped = buf[pos] !== 0x22;
      if (escaped) pos = skipEscapedRest(buf, words, shift, pos, path);
      c = buf[++pos] as number;
      if (keyNext) {
        keyNext = false;
        if (depth === 1) {
          const length = pos - start - 2;
          if (length === 9 || length === 11 || escaped) {
            field = matchViewField(buf, start, pos, escaped);
          }
        }
        if (c !== 0x3a) {
          pos = skipWhitespace(buf, words, shift, pos);
          if (buf[pos] !== 0x3a) throw unexpected(buf, pos, path, "':' after a property name");
        }
        c = buf[++pos] as number;
        if (c === 0x20) c = buf[++pos] as number;
        if (c <= 0x20) {
          pos = skipWhitespace(buf, words, shift, pos);
          c = buf[pos] as number;
        }
        continue;
      }
      if (field !== NO_FIELD) {
        fields.record(buf, field, STRING_VALUE, start, pos, escaped);
        field = NO_FIELD;
      }
    } else if (keyNext) {
      throw unexpected(buf, pos, path, "a property name in double quotes");
    } else if ((c >= 0x30 && c <= 0x39) || c === 0x2d) {
      if (c === 0x2d) c = buf[++pos] as number;
      if (c === 0x30) {
        c = buf[++pos] as number; // A leading zero stands alone; a digit after it is an error.
      } else if (c >= 0x31 && c <= 0x39) {
        do c = buf[++pos] as number;
        while (c >= 0x30 && c <= 0x39);
      } else {
        throw unexpected(buf, pos, path, "a digit in a number");
      }
      if (c === 0x2e || c === 0x65 || c === 0x45) pos = skipNumberTail(buf, pos, path);
      if (field !== NO_FIELD) {
        fields.record(buf, field, NUMBER_VALUE, start, pos, false);
        field = NO_FIELD;
      }
    } else if (c === 0x7b || c === 0x5b) {
      if (field !== NO_FIELD) {
        fields.record(buf, field, OTHER_VALUE, start, pos, false);
        field = NO_FIELD;
      }
      const open = c;
      c = buf[++pos] as number;
      if (c <= 0x20) {
        pos = skipWhitespace(buf, words, shift, pos);
        c = buf[pos] as number;
      }
      if (c !== open + 2) {
        // Not empty ('{' + 2 is '}', '[' + 2 is ']'): open it and go on with its first member.
        if (depth === stack.length) stack = growContainers(stack);
        inObject = open === 0x7b;
        stack[depth++] = inObject ? OBJECT : ARRAY;
        keyNext = inObject;
        continue;
      }
      pos++;
    } else if (c === 0x74 || c === 0x66 || c === 0x6e) {
      pos = skipLiteral(buf, pos, path);
      if (field !== NO_FIELD) {
        fields.record(buf, field, OTHER_VALUE, start, pos, false);
        field = NO_FIELD;
      }
    } else {
      throw unexpected(buf, pos, path, "a value");
    }

    // A value is complete: close every container it completes, then go on to the next value.
    c = buf[pos] as number;
    for (;;) {
      if (depth === 0) return pos;
      if (c === 0x2c) {
        c = buf[++pos] as number;
        if (c === 0x0a) {
          pos = skipSpaces(buf, words, shift, pos + 1);
          c = buf[pos] as number;
        }
        if (c <= 0x20) {
          pos = skipWhitespace(buf, words, shift, pos);
          c = buf[pos] as number;
        }
        keyNext = inObject;
        break;
      }
      if (c === (inObject ? 0x7d : 0x5d)) {
        c = buf[++pos] as number;
        depth--;
        inObject = depth > 0 && stack[depth - 1] === OBJECT;
      } else if (c === 0x0a) {
        pos = skipSpaces(buf, words, shift, pos + 1);
        c = buf[pos] as number;
      } else if (isWhitespace(c)) {
        pos = skipWhitespace(buf, words, shift, pos);
        c = buf[pos] as number;
      } else {
        throw unexpected(buf, pos, path, inObject ? "',' or '}'" : "',' or ']'");
      }
    }
  }
}

function growContainers(stack: Uint8Array): Uint8Array {
  const bigger = new Uint8Array(stack.length * 2);
  bigger.set(stack);
  containers = bigger;
  return bigger;
}

function describeValueKind(first: number): string {
  if (first === 0x5b) return "an array";
  if (first === 0x22) return "a string";
  if (first === 0x6e) return "null";
  if (first === 0x74 || first === 0x66) return "a boolean";
  return "a number";
}

/** Where members are, as {@link StoreLayout} tells it (or a list of scanned members does). */
export interface MemberOffsets {
  readonly count: number;
  keyStart(i: number): number;
  valueEnd(i: number): number;
}

/**
 * The byte ranges of `buf` that survive cutting out the members at the indices in `remove`, as
 * flat `[start, end, start, end, ...]` pairs in file order (see spliceOutMembers for the rules).
 * Lets a caller size the result, or write the ranges, without building the result first.
 * Throws RangeError for an index that is not a member's.
 */
export function keptRanges(
  buf: Buffer,
  members: readonly ScannedMember[],
  remove: ReadonlySet<number>,
): number[] {
  const count = members.length;
  const removed = new Uint8Array(count);
  for (const index of remove) {
    if (!Number.isInteger(index) || index < 0 || index >= count) {
      throw new RangeError(`${index} is not a member index (there are ${count} members)`);
    }
    removed[index] = 1;
  }
  const offsets: MemberOffsets = {
    count,
    keyStart: (i) => (members[i] as ScannedMember).keyStart,
    valueEnd: (i) => (members[i] as ScannedMember).valueEnd,
  };
  return keptRangesOf(buf, offsets, removed);
}

/**
 * {@link keptRanges} over member offsets, with the members to cut out marked by a non-zero
 * `removed[i]` (an array of at least `members.count` marks).
 */
export function keptRangesOf(buf: Buffer, members: MemberOffsets, removed: Uint8Array): number[] {
  const count = members.count;
  const kept: number[] = [];
  let keepFrom = 0;
  for (let first = 0; first < count; first++) {
    if (removed[first] === 0) continue;
    let last = first;
    while (last + 1 < count && removed[last + 1] !== 0) last++;
    const runStart = members.keyStart(first);
    const runEnd = members.valueEnd(last);
    if (last + 1 < count) {
      // A run with a survivor after it goes with the separator that follows it.
      kept.push(keepFrom, runStart);
      keepFrom = members.keyStart(last + 1);
    } else if (first > 0) {
      // A run that ends the object goes with the separator before it.
      kept.push(keepFrom, members.valueEnd(first - 1));
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
