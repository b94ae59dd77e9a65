import {
  ABSENT,
  decodeString,
  FILE_ESCAPED,
  ID_ESCAPED,
  KEY_ESCAPED,
  numberAt,
} from "./entry-fields";
import type { EntryView } from "./types";

// Per member, STRIDE 32-bit fields in one array: byte offsets into the store file (which
// readStoreFile limits to 2 GiB, so every offset fits) or ABSENT, and flag bits.
const KEY_START = 0;
const KEY_END = 1;
const VALUE_END = 2;
const ID_START = 3;
const ID_END = 4;
const FILE_START = 5;
const FILE_END = 6;
const UPDATED_START = 7;
const UPDATED_END = 8;
const FLAGS = 9;
/** The key's asciiHash, taken while the scan had its bytes at hand; NO_KEY_HASH if it has none. */
const KEY_HASH = 10;
const STRIDE = 11;

/** The KEY_HASH of a key that asciiHash cannot hash: escaped, or not plain ASCII. */
export const NO_KEY_HASH = -1;

/**
 * Where the members of a scanned store file are: offsets of each member's key, value end and
 * view fields, in file order (a duplicated key gives several members). Nothing is decoded until
 * a view is asked for, so a scan allocates next to nothing on the JavaScript heap: a removal
 * pass builds each view just before its selection and drops it right after, and only what it
 * keeps (removed views, remaining references) outlives the pass's youngest garbage.
 */
export class StoreLayout {
  /**
   * An instance that lives as long as the class, and with it the class's object shape. V8 throws
   * away optimized code that expects a shape as soon as no object of that shape is left, so
   * without it every full garbage collection between two sweeps (a gateway runs many) would send
   * the next scan back to unoptimized code and recompile it: about 14 % of a forced F1 sweep
   * (medians of 40, 108.8 → 93.3 ms, together with the other shape keepers). Built like every
   * other instance, so that its shape is theirs.
   */
  static readonly shapeKeeper = new StoreLayout();
  count = 0;
  private data = new Uint32Array(256 * STRIDE);

  /**
   * Appends a member; the view-field offsets are ABSENT when the entry lacks the field, and
   * `keyHash` is asciiHash of the key's bytes between its quotes, or NO_KEY_HASH.
   */
  add(
    keyStart: number,
    keyEnd: number,
    keyHash: number,
    valueEnd: number,
    flags: number,
    idStart: number,
    idEnd: number,
    fileStart: number,
    fileEnd: number,
    updatedStart: number,
    updatedEnd: number,
  ): void {
    let data = this.data;
    const at = this.count * STRIDE;
    if (at === data.length) {
      const bigger = new Uint32Array(data.length * 2);
      bigger.set(data);
      this.data = data = bigger;
    }
    data[at + KEY_START] = keyStart;
    data[at + KEY_END] = keyEnd;
    data[at + VALUE_END] = valueEnd;
    data[at + ID_START] = idStart;
    data[at + ID_END] = idEnd;
    data[at + FILE_START] = fileStart;
    data[at + FILE_END] = fileEnd;
    data[at + UPDATED_START] = updatedStart;
    data[at + UPDATED_END] = updatedEnd;
    data[at + FLAGS] = flags;
    data[at + KEY_HASH] = keyHash;
    this.count++;
  }

  /** Offset of member i's key (its opening quote). */
  keyStart(i: number): number {
    return this.data[i * STRIDE + KEY_START] as number;
  }

  /** Offset just past member i's value. */
  valueEnd(i: number): number {
    return this.data[i * STRIDE + VALUE_END] as number;
  }

  /** Member i's decoded key. */
  key(buf: Buffer, i: number): string {
    const at = i * STRIDE;
    const data = this.data;
    const escaped = ((data[at + FLAGS] as number) & KEY_ESCAPED) !== 0;
    return decodeString(buf, data[at + KEY_START] as number, data[at + KEY_END] as number, escaped);
  }

  /** The light view of member i (see EntryView), decoded from `buf`, the bytes scanned. */
  view(buf: Buffer, i: number): EntryView {
    const data = this.data;
    const at = i * STRIDE;
    const flags = data[at + FLAGS] as number;
    const key = this.key(buf, i);
    const idStart = data[at + ID_START] as number;
    const sessionId =
      idStart === ABSENT
        ? undefined
        : decodeString(buf, idStart, data[at + ID_END] as number, (flags & ID_ESCAPED) !== 0);
    const updatedStart = data[at + UPDATED_START] as number;
    const updatedAt =
      updatedStart === ABSENT
        ? undefined
        : numberAt(buf, updatedStart, data[at + UPDATED_END] as number);
    // Views are built in one go, each shape by its own literal, never grown property by
    // property: a shape reached by adding properties dies with its last object, and the
    // optimized code that expects it with it (see StoreLayout.shapeKeeper).
    const fileStart = data[at + FILE_START] as number;
    if (fileStart === ABSENT) {
      if (sessionId === undefined) return updatedAt === undefined ? { key } : { key, updatedAt };
      return updatedAt === undefined ? { key, sessionId } : { key, sessionId, updatedAt };
    }
    const sessionFile = decodeString(
      buf,
      fileStart,
      data[at + FILE_END] as number,
      (flags & FILE_ESCAPED) !== 0,
    );
    if (sessionId === undefined) {
      return updatedAt === undefined ? { key, sessionFile } : { key, sessionFile, updatedAt };
    }
    return updatedAt === undefined
      ? { key, sessionId, sessionFile }
      : { key, sessionId, sessionFile, updatedAt };
  }

  /**
   * For each member, the index of the first member with the same key (its own index for a
   * first occurrence), or null when all keys are distinct, as in any store JSON.stringify wrote.
   * Keys are compared as JSON.parse would: by their decoded text.
   */
  firstOccurrences(buf: Buffer): Int32Array | null {
    const count = this.count;
    if (count < 2) return null;
    const data = this.data;
    // The scan's key hashes (see KEY_HASH), as signed values: NO_KEY_HASH reads back as -1.
    const hashOf = (i: number) => (data[i * STRIDE + KEY_HASH] as number) | 0;
    for (let i = 0; i < count; i++) {
      // Escapes and non-ASCII bytes (where different bytes may decode to the same text, e.g.
      // invalid UTF-8 to U+FFFD) are rare: then every key is compared decoded.
      if (hashOf(i) === NO_KEY_HASH) return this.firstOccurrencesByText(buf);
    }
    // Open addressing on the byte hashes; equal plain-ASCII bytes are equal keys.
    let size = 4;
    while (size < count * 2) size *= 2;
    const mask = size - 1;
    const table = new Int32Array(size).fill(-1);
    let first: Int32Array | null = null;
    for (let i = 0; i < count; i++) {
      const hash = hashOf(i);
      let slot = hash & mask;
      for (;;) {
        const j = table[slot] as number;
        if (j < 0) {
          table[slot] = i;
          break;
        }
        if (hashOf(j) === hash && this.sameKeyBytes(buf, i, j)) {
          first ??= identity(count);
          first[i] = j;
          break;
        }
        slot = (slot + 1) & mask;
      }
    }
    return first;
  }

  private firstOccurrencesByText(buf: Buffer): Int32Array | null {
    const seen = new Map<string, number>();
    let first: Int32Array | null = null;
    for (let i = 0; i < this.count; i++) {
      const key = this.key(buf, i);
      const j = seen.get(key);
      if (j === undefined) {
        seen.set(key, i);
      } else {
        first ??= identity(this.count);
        first[i] = j;
      }
    }
    return first;
  }

  private sameKeyBytes(buf: Buffer, i: number, j: number): boolean {
    const a = i * STRIDE;
    const b = j * STRIDE;
    const data = this.data;
    const aStart = data[a + KEY_START] as number;
    const aEnd = data[a + KEY_END] as number;
    const bStart = data[b + KEY_START] as number;
    const bEnd = data[b + KEY_END] as number;
    return aEnd - aStart === bEnd - bStart && buf.compare(buf, bStart, bEnd, aStart, aEnd) === 0;
  }
}

/** [0, 1, ..., count - 1]. */
export function identity(count: number): Int32Array {
  const array = new Int32Array(count);
  for (let i = 0; i < count; i++) array[i] = i;
  return array;
}

/**
 * A 31-bit hash of the bytes [start, end), or NO_KEY_HASH if any of them is not ASCII. Four
 * bytes per step: keys are long (OpenClaw's run keys are ~90 bytes) and there is one per entry.
 * The scanner hashes each key right after passing it, while its bytes are still in the CPU's
 * cache: hashing all keys in a second pass over a 13 MB store took ~3 ms, in the scan ~0.8 ms.
 */
export function asciiHash(buf: Buffer, start: number, end: number): number {
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
  if ((high & 0x80808080) !== 0) return NO_KEY_HASH;
  hash ^= hash >>> 16;
  return hash >>> 1;
}
