import { classifySessionKey } from "@session-reaper/session-key";
import {
  ABSENT,
  decodeString,
  FILE_ESCAPED,
  ID_ESCAPED,
  KEY_CRON_RUN,
  KEY_ESCAPED,
  KEY_HOOK,
  KEY_OTHER,
  KEY_UNREAD,
  keyKindCode,
  NO_HASH,
} from "./entry-fields";
import type { EntryView } from "./types";

// Per member, STRIDE 32-bit fields in one array: byte offsets into the store file (which
// readStoreFile limits to 2 GiB, so every offset fits) or ABSENT, hashes, the key's kind and
// flag bits. The hashes and the kind are taken while the scan has the bytes at hand.
const KEY_START = 0;
const KEY_END = 1;
const VALUE_END = 2;
const ID_START = 3;
const ID_END = 4;
const FILE_START = 5;
const FILE_END = 6;
/** The sessionId's asciiHash (bytes between the quotes); NO_HASH if it has none. */
const ID_HASH = 7;
/** What the key is (a KEY_* of entry-fields), KEY_UNREAD when it was not read from bytes. */
const KIND = 8;
const FLAGS = 9;
/** The key's asciiHash (bytes between the quotes); NO_HASH if it has none. */
const KEY_HASH = 10;
const STRIDE = 11;
/** 32-bit words per member in a StoreLayout (the WebAssembly scanner writes the same records). */
export const RECORD_WORDS = STRIDE;

/**
 * What {@link StoreLayout.selectByAge} decided, as member indexes in the order of the keys' first
 * occurrences: `removed` are the effective members of the keys to remove, `keptWithId` and
 * `keptWithFile` those of the keys kept that have a sessionId or a sessionFile.
 */
export interface AgeSelection {
  /** 1 at the first occurrence of each key removed (not yet at its later occurrences). */
  cut: Uint8Array;
  removed: Int32Array;
  keptWithId: Int32Array;
  keptWithFile: Int32Array;
  /** The least updatedAt (0 when missing) of the cron runs and hooks kept, null if none. */
  oldestCronRun: number | null;
  oldestHook: number | null;
}

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
  /** Per member, the value of `updatedAt`; NaN (which no JSON number reads as) if absent. */
  private updated = new Float64Array(256);

  /**
   * Appends a member; the view-field offsets are ABSENT when the entry lacks the field, the
   * hashes are asciiHash of the bytes between the quotes (or NO_HASH), `kind` a KEY_* and
   * `updatedAt` NaN when the entry has no numeric updatedAt.
   */
  add(
    keyStart: number,
    keyEnd: number,
    keyHash: number,
    kind: number,
    valueEnd: number,
    flags: number,
    idStart: number,
    idEnd: number,
    idHash: number,
    fileStart: number,
    fileEnd: number,
    updatedAt: number,
  ): void {
    const count = this.count;
    const at = count * STRIDE;
    if (at === this.data.length) this.reserve(count + 1);
    const data = this.data;
    data[at + KEY_START] = keyStart;
    data[at + KEY_END] = keyEnd;
    data[at + VALUE_END] = valueEnd;
    data[at + ID_START] = idStart;
    data[at + ID_END] = idEnd;
    data[at + FILE_START] = fileStart;
    data[at + FILE_END] = fileEnd;
    data[at + ID_HASH] = idHash;
    data[at + KIND] = kind;
    data[at + FLAGS] = flags;
    data[at + KEY_HASH] = keyHash;
    this.updated[count] = updatedAt;
    this.count = count + 1;
  }

  /**
   * Appends `count` members from records laid out as this class lays them out: RECORD_WORDS
   * words each in `words`, and their updatedAt values (NaN when absent) in `updated`.
   */
  addRecords(words: Uint32Array, updated: Float64Array, count: number): void {
    const total = this.count + count;
    if (total > this.updated.length) this.reserve(total);
    this.data.set(words.subarray(0, count * STRIDE), this.count * STRIDE);
    this.updated.set(updated.subarray(0, count), this.count);
    this.count = total;
  }

  /** Grows the arrays to hold at least `members` members (at least doubling them). */
  private reserve(members: number): void {
    const size = Math.max(members, this.updated.length * 2);
    const data = new Uint32Array(size * STRIDE);
    data.set(this.data.subarray(0, this.count * STRIDE));
    this.data = data;
    const updated = new Float64Array(size);
    updated.set(this.updated.subarray(0, this.count));
    this.updated = updated;
  }

  /** True when `other` holds the same members with the same records, word for word. */
  sameRecords(other: StoreLayout): boolean {
    if (other.count !== this.count) return false;
    for (let k = 0; k < this.count * STRIDE; k++) if (other.data[k] !== this.data[k]) return false;
    for (let i = 0; i < this.count; i++) {
      if (!Object.is(other.updated[i], this.updated[i])) return false;
    }
    return true;
  }

  /** Offset of member i's key (its opening quote). */
  keyStart(i: number): number {
    return this.data[i * STRIDE + KEY_START] as number;
  }

  /** Offset just past member i's value. */
  valueEnd(i: number): number {
    return this.data[i * STRIDE + VALUE_END] as number;
  }

  /**
   * What member i's key is: KEY_CRON_RUN, KEY_HOOK or KEY_OTHER (invalid keys included), as
   * classifySessionKey sees the decoded key; only a key the scan could not read from its bytes
   * is decoded.
   */
  keyKind(buf: Buffer, i: number): number {
    const kind = this.data[i * STRIDE + KIND] as number;
    return kind !== KEY_UNREAD ? kind : keyKindCode(classifySessionKey(this.key(buf, i)));
  }

  /** Member i's `updatedAt` (any JSON number, Infinity for 1e400), or undefined if it has none. */
  updatedAt(i: number): number | undefined {
    const at = this.updated[i] as number;
    return Number.isNaN(at) ? undefined : at;
  }

  /** Offset of member i's sessionId (its opening quote), or ABSENT. */
  sessionIdStart(i: number): number {
    return this.data[i * STRIDE + ID_START] as number;
  }

  /** Member i's sessionId hash (see ID_HASH): NO_HASH if it has none or it is not plain ASCII. */
  sessionIdHash(i: number): number {
    return (this.data[i * STRIDE + ID_HASH] as number) | 0;
  }

  /**
   * True when member i has a plain-ASCII sessionId (one with a hash) whose characters are
   * exactly those of `id`.
   */
  sessionIdIs(buf: Buffer, i: number, id: string): boolean {
    const at = i * STRIDE;
    const data = this.data;
    const start = (data[at + ID_START] as number) + 1;
    const end = (data[at + ID_END] as number) - 1;
    if (end - start !== id.length) return false;
    for (let k = 0; k < id.length; k++) if (buf[start + k] !== id.charCodeAt(k)) return false;
    return true;
  }

  /** Member i's decoded sessionId, or undefined if it has none. */
  sessionId(buf: Buffer, i: number): string | undefined {
    return this.stringField(buf, i, ID_START, ID_END, ID_ESCAPED);
  }

  /** Member i's decoded sessionFile, or undefined if it has none. */
  sessionFile(buf: Buffer, i: number): string | undefined {
    return this.stringField(buf, i, FILE_START, FILE_END, FILE_ESCAPED);
  }

  private stringField(
    buf: Buffer,
    i: number,
    startField: number,
    endField: number,
    escapedFlag: number,
  ): string | undefined {
    const at = i * STRIDE;
    const data = this.data;
    const start = data[at + startField] as number;
    if (start === ABSENT) return undefined;
    const escaped = ((data[at + FLAGS] as number) & escapedFlag) !== 0;
    return decodeString(buf, start, data[at + endField] as number, escaped);
  }

  /** Member i's decoded key. */
  key(buf: Buffer, i: number): string {
    const at = i * STRIDE;
    const data = this.data;
    const escaped = ((data[at + FLAGS] as number) & KEY_ESCAPED) !== 0;
    return decodeString(buf, data[at + KEY_START] as number, data[at + KEY_END] as number, escaped);
  }

  /**
   * The age rule of removeSessionEntries' `olderThan` for the distinct keys `firsts` (each
   * decided by its effective member, `lastOfFirst[first]`, or `first` when `lastOfFirst` is
   * null): a cron run key (a hook key) goes when `cronRunsBefore` (`hooksBefore`) is not null
   * and its updatedAt, 0 when missing or not finite, is below it; every other key stays.
   */
  selectByAge(
    buf: Buffer,
    firsts: Int32Array,
    lastOfFirst: Int32Array | null,
    cronRunsBefore: number | null,
    hooksBefore: number | null,
  ): AgeSelection {
    const n = firsts.length;
    // Keys the scan could not classify from their bytes are classified decoded, beforehand.
    let kinds = NO_KINDS;
    if (cronRunsBefore !== null || hooksBefore !== null) {
      const unread = firstUnreadKind(this.data, this.count);
      if (unread >= 0) {
        kinds = new Uint8Array(this.count);
        for (let i = unread; i < this.count; i++) kinds[i] = this.keyKind(buf, i);
      }
    }
    const cut = new Uint8Array(this.count);
    const removed = new Int32Array(n);
    const keptWithId = new Int32Array(n);
    const keptWithFile = new Int32Array(n);
    const counts = new Int32Array(3);
    const oldest = new Float64Array(2);
    selectByAgeKernel(
      this.data,
      this.updated,
      firsts,
      lastOfFirst ?? NO_MEMBERS,
      kinds,
      cronRunsBefore ?? Number.NaN,
      hooksBefore ?? Number.NaN,
      cut,
      removed,
      keptWithId,
      keptWithFile,
      counts,
      oldest,
    );
    return {
      cut,
      removed: removed.subarray(0, counts[0]),
      keptWithId: keptWithId.subarray(0, counts[1]),
      keptWithFile: keptWithFile.subarray(0, counts[2]),
      oldestCronRun: Number.isNaN(oldest[0]) ? null : (oldest[0] as number),
      oldestHook: Number.isNaN(oldest[1]) ? null : (oldest[1] as number),
    };
  }

  /**
   * Fills `table` (a power of two in size, at least `count` + 1 slots, every slot -1) with
   * `members[0, count)` by their sessionId hash, by open addressing; writes the members whose
   * sessionId has no hash to `unhashed` instead and returns how many.
   */
  hashSessionIds(
    members: Int32Array,
    count: number,
    table: Int32Array,
    unhashed: Int32Array,
  ): number {
    return hashSessionIdsKernel(this.data, members, count, table, unhashed);
  }

  /** The light view of member i (see EntryView), decoded from `buf`, the bytes scanned. */
  view(buf: Buffer, i: number): EntryView {
    const key = this.key(buf, i);
    const sessionId = this.sessionId(buf, i);
    const updatedAt = this.updatedAt(i);
    // Views are built in one go, each shape by its own literal, never grown property by
    // property: a shape reached by adding properties dies with its last object, and the
    // optimized code that expects it with it (see StoreLayout.shapeKeeper).
    const sessionFile = this.sessionFile(buf, i);
    if (sessionFile === undefined) {
      if (sessionId === undefined) return updatedAt === undefined ? { key } : { key, updatedAt };
      return updatedAt === undefined ? { key, sessionId } : { key, sessionId, updatedAt };
    }
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
    // The scan's key hashes (see KEY_HASH), as signed values: NO_HASH reads back as -1.
    const hashOf = (i: number) => (data[i * STRIDE + KEY_HASH] as number) | 0;
    for (let i = 0; i < count; i++) {
      // Escapes and non-ASCII bytes (where different bytes may decode to the same text, e.g.
      // invalid UTF-8 to U+FFFD) are rare: then every key is compared decoded.
      if (hashOf(i) === NO_HASH) return this.firstOccurrencesByText(buf);
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

// The loops a removal pass runs over every member are free functions of typed arrays and numbers
// only. V8 throws away optimized code when an object shape it expects dies, and a full garbage
// collection between two sweeps kills shapes that no live object holds: code that touches only
// typed arrays (whose shapes never die) stays optimized from one sweep to the next, while a loop
// over objects went back to unoptimized code and a recompile in most sweeps (the benchmark runs
// a full collection before each).

const NO_KINDS = new Uint8Array(0);
const NO_MEMBERS = new Int32Array(0);

/** The first member whose KIND is KEY_UNREAD, or -1. */
function firstUnreadKind(data: Uint32Array, count: number): number {
  for (let i = 0; i < count; i++) if (data[i * STRIDE + KIND] === KEY_UNREAD) return i;
  return -1;
}

/**
 * StoreLayout.selectByAge's loop: a NaN cutoff is a null one, `kinds` (empty when no key needs
 * it) holds the kinds of KEY_UNREAD members; writes the counts of removed, keptWithId and
 * keptWithFile to `counts` and the oldest kept cron run and hook (NaN for none) to `oldest`.
 */
function selectByAgeKernel(
  data: Uint32Array,
  updated: Float64Array,
  firsts: Int32Array,
  lastOfFirst: Int32Array,
  kinds: Uint8Array,
  cronRunsBefore: number,
  hooksBefore: number,
  cut: Uint8Array,
  removed: Int32Array,
  keptWithId: Int32Array,
  keptWithFile: Int32Array,
  counts: Int32Array,
  oldest: Float64Array,
): void {
  let removedCount = 0;
  let idCount = 0;
  let fileCount = 0;
  let oldestCronRun = Number.NaN;
  let oldestHook = Number.NaN;
  const byLast = lastOfFirst.length > 0;
  for (let k = 0; k < firsts.length; k++) {
    const first = firsts[k] as number;
    const member = byLast ? (lastOfFirst[first] as number) : first;
    const at = member * STRIDE;
    let kind = data[at + KIND] as number;
    if (kind === KEY_UNREAD) kind = kinds.length > 0 ? (kinds[member] as number) : KEY_OTHER;
    if (kind === KEY_CRON_RUN || kind === KEY_HOOK) {
      const cutoff = kind === KEY_CRON_RUN ? cronRunsBefore : hooksBefore;
      if (!Number.isNaN(cutoff)) {
        const value = updated[member] as number;
        const base = Number.isFinite(value) ? value : 0;
        if (base < cutoff) {
          removed[removedCount++] = member;
          cut[first] = 1;
          continue;
        }
        if (kind === KEY_CRON_RUN) {
          if (Number.isNaN(oldestCronRun) || base < oldestCronRun) oldestCronRun = base;
        } else if (Number.isNaN(oldestHook) || base < oldestHook) {
          oldestHook = base;
        }
      }
    }
    if (data[at + ID_START] !== ABSENT) keptWithId[idCount++] = member;
    if (data[at + FILE_START] !== ABSENT) keptWithFile[fileCount++] = member;
  }
  counts[0] = removedCount;
  counts[1] = idCount;
  counts[2] = fileCount;
  oldest[0] = oldestCronRun;
  oldest[1] = oldestHook;
}

/** StoreLayout.hashSessionIds's loop. */
function hashSessionIdsKernel(
  data: Uint32Array,
  members: Int32Array,
  count: number,
  table: Int32Array,
  unhashed: Int32Array,
): number {
  const mask = table.length - 1;
  let unhashedCount = 0;
  for (let k = 0; k < count; k++) {
    const member = members[k] as number;
    const hash = (data[member * STRIDE + ID_HASH] as number) | 0;
    if (hash === NO_HASH) {
      unhashed[unhashedCount++] = member;
      continue;
    }
    let slot = hash & mask;
    while ((table[slot] as number) >= 0) slot = (slot + 1) & mask;
    table[slot] = member;
  }
  return unhashedCount;
}

/** [0, 1, ..., count - 1]. */
export function identity(count: number): Int32Array {
  const array = new Int32Array(count);
  for (let i = 0; i < count; i++) array[i] = i;
  return array;
}
