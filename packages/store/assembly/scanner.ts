// The store scanner in WebAssembly: AssemblyScript, compiled by `pnpm run wasm` into
// src/scanner-wasm.generated.ts. It does what scanStoreLayoutJs (src/scan-store-bytes.ts) does
// for the files it accepts, writing each member's facts in StoreLayout's record format, and it
// gives up (NEEDS_JS) on the few shapes it leaves to the JavaScript scanner. It never reports why
// a file is invalid: the JavaScript scanner, run again on that file, does. Each rule below
// mirrors one of the JavaScript scanner, classifySessionKeyBytes or asciiHash; the tests compare
// the two scanners on every file they build.
//
// Memory, laid out by the caller: [stack: MAX_DEPTH bytes][records: cap × RECORD bytes]
// [numbers: cap × 8 bytes][a window of the file's bytes, then at least PADDING zero bytes]. The
// zero bytes end every run a 16-byte load looks for (a zero byte is a control byte, which no
// string, number, literal or whitespace run accepts), so no loop checks the end of the window.
// A member that runs past the window fails like an invalid one; the caller then moves the
// window to that member (`resume`) and goes on, and knows the file invalid only once the window
// reaches its end.

/** Nesting deeper than this goes to the JavaScript scanner (which has no limit). */
const MAX_DEPTH: usize = 1024;
/** Zero bytes the caller puts after the file. */
const PADDING: usize = 64;

// StoreLayout's record: 11 little-endian 32-bit words per member (see store-layout.ts).
const KEY_START: usize = 0;
const KEY_END: usize = 4;
const VALUE_END: usize = 8;
const ID_START: usize = 12;
const ID_END: usize = 16;
const FILE_START: usize = 20;
const FILE_END: usize = 24;
const ID_HASH: usize = 28;
const KIND: usize = 32;
const FLAGS: usize = 36;
const KEY_HASH: usize = 40;
const RECORD: usize = 44;

const ABSENT: u32 = 0xffffffff;
const NO_HASH: u32 = 0xffffffff;
const KEY_ESCAPED: u32 = 1;
const ID_ESCAPED: u32 = 2;
const FILE_ESCAPED: u32 = 4;
const KEY_OTHER: u32 = 0;
const KEY_CRON_RUN: u32 = 1;
const KEY_HOOK: u32 = 2;
const KEY_UNREAD: u32 = 3;

/** Results of `next` other than a count of records. */
const INVALID: i32 = -1;
const NEEDS_JS: i32 = -2;

const NO_FIELD: i32 = 0;
const SESSION_ID: i32 = 1;
const SESSION_FILE: i32 = 2;
const UPDATED_AT: i32 = 3;

const OBJECT: u8 = 1;
const ARRAY: u8 = 2;

// The scan in progress: set by `begin`, advanced by `next`.
let stack: usize = 0;
let records: usize = 0;
let numbers: usize = 0;
let capacity: i32 = 0;
/** Where offset 0 of the file is (or would be: the memory may hold a later window of it). */
let data: usize = 0;
let size: usize = 0;
/** Where the file ends, in the same (wrapping) arithmetic as `data`. */
let end: usize = 0;
/** Where the next member starts (its key, or whitespace before it); 0 once the object closed. */
let cursor: usize = 0;
let finishedFlag: i32 = 0;
let writtenCount: i32 = 0;
/** Whether a member was recorded: a '}' where a key belongs then ends no empty object. */
let sawMember: bool = false;

// The view fields of the member being scanned; the last occurrence of a name wins.
let idStart: usize = 0;
let idEnd: usize = 0;
let idEscaped: bool = false;
let fileStart: usize = 0;
let fileEnd: usize = 0;
let fileEscaped: bool = false;
let updatedStart: usize = 0;
let updatedEnd: usize = 0;
/** Set when the member is a shape left to the JavaScript scanner. */
let needsJs: bool = false;

/** The first byte the caller may lay out memory from (16-byte aligned). */
export function heapStart(): usize {
  return (__heap_base + 15) & ~(<usize>15);
}

/** Bytes of stack the caller reserves at heapStart(). */
export function stackBytes(): usize {
  return MAX_DEPTH;
}

/** Bytes of one record. */
export function recordBytes(): usize {
  return RECORD;
}

/** Zero bytes the caller puts after the file. */
export function paddingBytes(): usize {
  return PADDING;
}

/** 1 once `next` has scanned the whole file and found it valid. */
export function finished(): i32 {
  return finishedFlag;
}

function at(p: usize): u32 {
  return <u32>load<u8>(p);
}

function isDigit(c: u32): bool {
  return c - 0x30 < 10;
}

/** The first byte at or after p that is '"', '\' or a control byte. */
function nextStringStop(p: usize): usize {
  const quote = i8x16.splat(0x22);
  const backslash = i8x16.splat(0x5c);
  const space = i8x16.splat(0x20);
  while (true) {
    const v = v128.load(p);
    const stops = v128.or(
      v128.or(i8x16.eq(v, quote), i8x16.eq(v, backslash)),
      i8x16.lt_u(v, space),
    );
    const mask = i8x16.bitmask(stops);
    if (mask != 0) return p + <usize>ctz(mask);
    p += 16;
  }
}

/** The first byte at or after p that is not a space. */
function skipSpaces(p: usize): usize {
  const space = i8x16.splat(0x20);
  while (true) {
    const other = i8x16.bitmask(i8x16.eq(v128.load(p), space)) ^ 0xffff;
    if (other != 0) return p + <usize>ctz(other);
    p += 16;
  }
}

/** The first byte at or after p that is not JSON whitespace. */
function skipWhitespace(p: usize): usize {
  while (true) {
    const c = at(p);
    if (c == 0x20 || c == 0x0a) p = skipSpaces(p + 1);
    else if (c == 0x0d || c == 0x09) p++;
    else return p;
  }
}

function isHexDigit(c: u32): bool {
  return c - 0x30 < 10 || (c | 0x20) - 0x61 < 6;
}

/**
 * From a stop inside a string that is not its closing quote: checks the escapes up to the
 * closing quote and returns its offset, or 0 when the string is invalid.
 */
function skipEscapedRest(p: usize): usize {
  while (true) {
    const c = at(p);
    if (c == 0x22) return p;
    if (c != 0x5c) return 0;
    const e = at(p + 1);
    if (e == 0x75) {
      if (!(isHexDigit(at(p + 2)) && isHexDigit(at(p + 3)))) return 0;
      if (!(isHexDigit(at(p + 4)) && isHexDigit(at(p + 5)))) return 0;
      p += 6;
    } else if (
      e == 0x22 ||
      e == 0x5c ||
      e == 0x2f ||
      e == 0x62 ||
      e == 0x66 ||
      e == 0x6e ||
      e == 0x72 ||
      e == 0x74
    ) {
      p += 2;
    } else {
      return 0;
    }
    p = nextStringStop(p);
  }
}

/** asciiHash of entry-fields.ts: a 31-bit hash of [start, end), or NO_HASH if not ASCII. */
function asciiHash(start: usize, stop: usize): u32 {
  let hash: u32 = <u32>(stop - start) ^ 0x811c9dc5;
  let high: u32 = 0;
  let i = start;
  for (; i + 4 <= stop; i += 4) {
    const word = load<u32>(i);
    high |= word;
    hash = (hash ^ word) * 0x9e3779b1;
    hash ^= hash >> 15;
  }
  for (; i < stop; i++) {
    const byte = at(i);
    high |= byte;
    hash = (hash ^ byte) * 0x01000193;
  }
  if ((high & 0x80808080) != 0) return NO_HASH;
  hash ^= hash >> 16;
  return hash >> 1;
}

// classifySessionKeyBytes of the session-key package, for a key already known to be ASCII.

function isTrimmed(c: u32): bool {
  return c == 0x20 || c - 9 < 5;
}

function skipColons(p: usize, stop: usize): usize {
  while (p < stop && at(p) == 0x3a) p++;
  return p;
}

function segmentEnd(p: usize, stop: usize): usize {
  while (p < stop && at(p) != 0x3a) p++;
  return p;
}

// The keywords as lower-case little-endian words; `| 0x20` lower-cases exactly the bytes that
// can match a lower-case letter.
const AGEN: u32 = 0x6e656761;
const CRON: u32 = 0x6e6f7263;
const HOOK: u32 = 0x6b6f6f68;

/** The KEY_* kind of the ASCII key [start, stop). */
function keyKind(start: usize, stop: usize): u32 {
  while (start < stop && isTrimmed(at(start))) start++;
  while (stop > start && isTrimmed(at(stop - 1))) stop--;
  let p = skipColons(start, stop);
  let q = segmentEnd(p, stop);
  if (q - p != 5 || (load<u32>(p) | 0x20202020) != AGEN || (at(p + 4) | 0x20) != 0x74) {
    return KEY_OTHER;
  }
  p = skipColons(q, stop); // agent id
  if (p >= stop) return KEY_OTHER;
  p = skipColons(segmentEnd(p, stop), stop); // first segment of the rest
  if (p >= stop) return KEY_OTHER;
  q = segmentEnd(p, stop);
  const head = q - p == 4 ? load<u32>(p) | 0x20202020 : 0;
  if (head != CRON && head != HOOK) return KEY_OTHER;
  p = skipColons(q, stop); // job id or hook id
  if (p >= stop) return KEY_OTHER;
  p = skipColons(segmentEnd(p, stop), stop);
  if (head == HOOK) return p >= stop ? KEY_HOOK : KEY_OTHER;
  if (p >= stop) return KEY_OTHER;
  q = segmentEnd(p, stop);
  if (
    q - p != 3 ||
    (at(p) | 0x20) != 0x72 ||
    (at(p + 1) | 0x20) != 0x75 ||
    (at(p + 2) | 0x20) != 0x6e
  ) {
    return KEY_OTHER;
  }
  p = skipColons(q, stop); // run id; whatever follows it is an allowed suffix
  return p >= stop ? KEY_OTHER : KEY_CRON_RUN;
}

/** Which view field the plain property name token [start, stop) names. */
function matchField(start: usize, stop: usize): i32 {
  const length = stop - start - 2;
  if (length == 9) {
    const head = load<u64>(start + 1);
    const last = at(start + 9);
    if (head == 0x496e6f6973736573 && last == 0x64) return SESSION_ID; // "sessionI" "d"
    if (head == 0x4164657461647075 && last == 0x74) return UPDATED_AT; // "updatedA" "t"
  } else if (length == 11) {
    const head = load<u64>(start + 1);
    if (head == 0x466e6f6973736573 && load<u16>(start + 9) == 0x6c69 && at(start + 11) == 0x65) {
      return SESSION_FILE; // "sessionF" "il" "e"
    }
  }
  return NO_FIELD;
}

/** Records that view field `field` holds a value that is neither a string nor a number. */
function recordOther(field: i32): void {
  if (field == SESSION_ID) idStart = 0;
  else if (field == SESSION_FILE) fileStart = 0;
  else updatedStart = 0;
}

/**
 * Validates the JSON value at p (whitespace passed) and returns its end, or 0 when it is invalid
 * or needs the JavaScript scanner (then needsJs is set). The view fields of an object value go
 * to the globals above. The same loop as scanValue in scan-store-bytes.ts.
 */
function scanValue(p: usize): usize {
  let depth: usize = 0;
  let inObject = false;
  let keyNext = false;
  let field = NO_FIELD;
  let c = at(p);
  while (true) {
    const start = p;
    if (c == 0x22) {
      p = nextStringStop(p + 1);
      const escaped = at(p) != 0x22;
      if (escaped) {
        p = skipEscapedRest(p);
        if (p == 0) return 0;
      }
      c = at(++p);
      if (keyNext) {
        keyNext = false;
        if (depth == 1) {
          if (!escaped) {
            field = matchField(start, p);
          } else if (p - start - 2 > 9) {
            // It may spell a view field's name: decoding it is left to JavaScript.
            needsJs = true;
            return 0;
          }
        }
        if (c != 0x3a) {
          p = skipWhitespace(p);
          if (at(p) != 0x3a) return 0;
        }
        c = at(++p);
        if (c == 0x20) c = at(++p);
        if (c <= 0x20) {
          p = skipWhitespace(p);
          c = at(p);
        }
        continue;
      }
      if (field != NO_FIELD) {
        if (field == SESSION_ID) {
          idStart = start;
          idEnd = p;
          idEscaped = escaped;
        } else if (field == SESSION_FILE) {
          fileStart = start;
          fileEnd = p;
          fileEscaped = escaped;
        } else {
          recordOther(field);
        }
        field = NO_FIELD;
      }
    } else if (keyNext) {
      return 0;
    } else if (isDigit(c) || c == 0x2d) {
      if (c == 0x2d) c = at(++p);
      if (c == 0x30) {
        c = at(++p);
      } else if (c - 0x31 < 9) {
        do c = at(++p);
        while (isDigit(c));
      } else {
        return 0;
      }
      if (c == 0x2e) {
        c = at(++p);
        if (!isDigit(c)) return 0;
        do c = at(++p);
        while (isDigit(c));
      }
      if (c == 0x65 || c == 0x45) {
        c = at(++p);
        if (c == 0x2b || c == 0x2d) c = at(++p);
        if (!isDigit(c)) return 0;
        do c = at(++p);
        while (isDigit(c));
      }
      if (field != NO_FIELD) {
        if (field == UPDATED_AT) {
          updatedStart = start;
          updatedEnd = p;
        } else {
          recordOther(field);
        }
        field = NO_FIELD;
      }
    } else if (c == 0x7b || c == 0x5b) {
      if (field != NO_FIELD) {
        recordOther(field);
        field = NO_FIELD;
      }
      const open = c;
      c = at(++p);
      if (c <= 0x20) {
        p = skipWhitespace(p);
        c = at(p);
      }
      if (c != open + 2) {
        // Not empty ('{' + 2 is '}', '[' + 2 is ']'): open it, go on with its first member.
        if (depth == MAX_DEPTH) {
          needsJs = true;
          return 0;
        }
        inObject = open == 0x7b;
        store<u8>(stack + depth, inObject ? OBJECT : ARRAY);
        depth++;
        keyNext = inObject;
        continue;
      }
      p++;
    } else {
      // The literals, read as one word: "true", "alse" after the 'f', "null".
      if (c == 0x74) {
        if (load<u32>(p) != 0x65757274) return 0;
        p += 4;
      } else if (c == 0x66) {
        if (load<u32>(p + 1) != 0x65736c61) return 0;
        p += 5;
      } else if (c == 0x6e) {
        if (load<u32>(p) != 0x6c6c756e) return 0;
        p += 4;
      } else {
        return 0;
      }
      if (field != NO_FIELD) {
        recordOther(field);
        field = NO_FIELD;
      }
    }

    // A value is complete: close every container it completes, then go on to the next value.
    c = at(p);
    while (true) {
      if (depth == 0) return p;
      if (c == 0x2c) {
        c = at(++p);
        if (c == 0x0a) {
          p = skipSpaces(p + 1);
          c = at(p);
        }
        if (c <= 0x20) {
          p = skipWhitespace(p);
          c = at(p);
        }
        keyNext = inObject;
        break;
      }
      if (c == (inObject ? <u32>0x7d : <u32>0x5d)) {
        c = at(++p);
        depth--;
        inObject = depth > 0 && load<u8>(stack + depth - 1) == OBJECT;
      } else if (c == 0x0a) {
        p = skipSpaces(p + 1);
        c = at(p);
      } else if (c == 0x20 || c == 0x09 || c == 0x0d) {
        p = skipWhitespace(p);
        c = at(p);
      } else {
        return 0;
      }
    }
  }
}

/**
 * The value of the JSON number token [start, stop) when it is an integer of at most 15 digits
 * (exact when built digit by digit, as numberAt in entry-fields.ts does), else NaN.
 */
function simpleNumber(start: usize, stop: usize): f64 {
  const negative = at(start) == 0x2d;
  let p = negative ? start + 1 : start;
  if (stop - p > 15) return NaN;
  let value: f64 = 0;
  for (; p < stop; p++) {
    const digit = at(p) - 0x30;
    if (digit > 9) return NaN;
    value = value * 10 + <f64>digit;
  }
  return negative ? -value : value;
}

/**
 * Starts a scan of a file of `n` bytes whose first bytes (a window of it, see `resume`) are at
 * `file`, followed by PADDING zero bytes; `next` then writes up to `cap` records to
 * `recordsAt` and their updatedAt values to `numbersAt`, with the stack at heapStart().
 * Returns 0, or INVALID (which, when the window is not the whole file, may only mean that the
 * window is too short).
 */
export function begin(file: usize, n: usize, recordsAt: usize, numbersAt: usize, cap: i32): i32 {
  stack = heapStart();
  records = recordsAt;
  numbers = numbersAt;
  capacity = cap;
  data = file;
  size = n;
  end = file + n;
  finishedFlag = 0;
  sawMember = false;
  const p = skipWhitespace(file);
  if (at(p) != 0x7b) return INVALID;
  cursor = p + 1;
  return 0;
}

/**
 * Goes on with the member at `memberAt` after the caller moved the window: `base` is where
 * offset 0 of the file would be (it may lie below the memory, in wrapping arithmetic).
 */
export function resume(base: usize, memberAt: usize): void {
  data = base;
  end = base + size;
  cursor = memberAt;
}

/** The file offset of the member `next` stopped at (after INVALID: where to go on from). */
export function cursorOffset(): u32 {
  return <u32>(cursor - data);
}

/** How many records the last `next` wrote (after INVALID: those of the members it completed). */
export function written(): i32 {
  return writtenCount;
}

/**
 * Scans up to `cap` more members, writing their records from the start of the records area.
 * Returns how many it wrote, INVALID or NEEDS_JS; finished() tells whether the scan is complete.
 * A member is recorded only once the separator after it is read, so that after INVALID the
 * members before `cursorOffset()` are exactly those recorded.
 */
export function next(): i32 {
  let p = cursor;
  let count: i32 = 0;
  while (p != 0 && count < capacity) {
    // Where to go on from if this member does not complete in the window.
    cursor = p;
    writtenCount = count;
    p = skipWhitespace(p);
    if (at(p) == 0x7d && !sawMember) {
      // The object is empty.
      if (skipWhitespace(p + 1) != end) return INVALID;
      p = 0;
      break;
    }
    if (at(p) != 0x22) return INVALID;
    const keyStart = p;
    p = nextStringStop(p + 1);
    let keyEscaped = false;
    if (at(p) != 0x22) {
      p = skipEscapedRest(p);
      if (p == 0) return INVALID;
      keyEscaped = true;
    }
    p++;
    const keyEnd = p;
    p = skipWhitespace(p);
    if (at(p) != 0x3a) return INVALID;
    idStart = 0;
    fileStart = 0;
    updatedStart = 0;
    needsJs = false;
    const valueEnd = scanValue(skipWhitespace(p + 1));
    if (valueEnd == 0) return needsJs ? NEEDS_JS : INVALID;
    let updatedAt: f64 = NaN;
    if (updatedStart != 0) {
      updatedAt = simpleNumber(updatedStart, updatedEnd);
      // Any other number is read by JavaScript's own number parser.
      if (isNaN(updatedAt)) return NEEDS_JS;
    }
    p = skipWhitespace(valueEnd);
    const c = at(p);
    if (c == 0x2c) {
      p = skipWhitespace(p + 1);
    } else if (c == 0x7d) {
      if (skipWhitespace(p + 1) != end) return INVALID;
      p = 0;
    } else {
      return INVALID;
    }

    const keyHash = keyEscaped ? NO_HASH : asciiHash(keyStart + 1, keyEnd - 1);
    const record = records + <usize>count * RECORD;
    const hasId = idStart != 0;
    const hasFile = fileStart != 0;
    store<u32>(record, <u32>(keyStart - data), KEY_START);
    store<u32>(record, <u32>(keyEnd - data), KEY_END);
    store<u32>(record, <u32>(valueEnd - data), VALUE_END);
    store<u32>(record, hasId ? <u32>(idStart - data) : ABSENT, ID_START);
    store<u32>(record, hasId ? <u32>(idEnd - data) : 0, ID_END);
    store<u32>(record, hasFile ? <u32>(fileStart - data) : ABSENT, FILE_START);
    store<u32>(record, hasFile ? <u32>(fileEnd - data) : 0, FILE_END);
    store<u32>(record, hasId && !idEscaped ? asciiHash(idStart + 1, idEnd - 1) : NO_HASH, ID_HASH);
    store<u32>(record, keyHash == NO_HASH ? KEY_UNREAD : keyKind(keyStart + 1, keyEnd - 1), KIND);
    store<u32>(
      record,
      (keyEscaped ? KEY_ESCAPED : 0) |
        (hasId && idEscaped ? ID_ESCAPED : 0) |
        (hasFile && fileEscaped ? FILE_ESCAPED : 0),
      FLAGS,
    );
    store<u32>(record, keyHash, KEY_HASH);
    store<f64>(numbers + ((<usize>count) << 3), updatedAt);
    count++;
    sawMember = true;
  }
  cursor = p;
  writtenCount = count;
  if (p == 0) finishedFlag = 1;
  return count;
}
