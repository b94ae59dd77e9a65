import { resolve } from "node:path";
import { readStoreFile } from "./read-store-file";
import { scanStoreLayout } from "./scan-store-bytes";
import { identity, type StoreLayout } from "./store-layout";
import type { EntryView } from "./types";

/**
 * The distinct keys of a scanned store, as JSON.parse sees them: `firsts[k]` is the member index
 * of the k-th distinct key's first occurrence, in file order.
 */
export class DistinctKeys {
  /** Keeps this class's object shape alive between passes (see StoreLayout.shapeKeeper). */
  static readonly shapeKeeper = new DistinctKeys(new Int32Array(0), null, null);

  constructor(
    readonly firsts: Int32Array,
    /** Per member, the first member with its key; null when every key is distinct. */
    private readonly firstOf: Int32Array | null,
    /** Per first occurrence, the last member with its key; null when every key is distinct. */
    readonly lastOfFirst: Int32Array | null,
  ) {}

  /** The member index of the k-th distinct key's last occurrence: the one JSON.parse keeps. */
  lastOf(k: number): number {
    const first = this.firsts[k] as number;
    return this.lastOfFirst === null ? first : (this.lastOfFirst[first] as number);
  }

  /** The effective view of every distinct key, in order of first occurrence. */
  views(layout: StoreLayout, buf: Buffer): EntryView[] {
    return Array.from(this.firsts, (_, k) => layout.view(buf, this.lastOf(k)));
  }

  /** Copies each first occurrence's mark to the key's later occurrences. */
  spreadToDuplicates(marks: Uint8Array): void {
    const firstOf = this.firstOf;
    if (firstOf === null) return;
    for (let i = 0; i < firstOf.length; i++) marks[i] = marks[firstOf[i] as number] as number;
  }
}

/**
 * The distinct keys of `layout` (scanned from `buf`), in order of first occurrence; the last
 * occurrence of a key is its effective entry. When keys are distinct this costs one pass over
 * the key hashes the scan took, and no strings.
 */
export function distinctKeys(layout: StoreLayout, buf: Buffer): DistinctKeys {
  const firstOf = layout.firstOccurrences(buf);
  const count = layout.count;
  if (firstOf === null) return new DistinctKeys(identity(count), null, null);
  const last = new Int32Array(count);
  let distinct = 0;
  for (let i = 0; i < count; i++) {
    const first = firstOf[i] as number;
    if (first === i) distinct++;
    last[first] = i;
  }
  const firsts = new Int32Array(distinct);
  let k = 0;
  for (let i = 0; i < count; i++) if (firstOf[i] === i) firsts[k++] = i;
  return new DistinctKeys(firsts, firstOf, last);
}

/**
 * Lists the light view of every entry (one per distinct key) with one unlocked pass over the
 * bytes. Missing file → no entries, 0 bytes. Throws StoreCorruptError or StoreError STORE_IO.
 */
export async function readSessionEntryViews(
  storePath: string,
): Promise<{ entries: EntryView[]; bytes: number }> {
  const path = resolve(storePath);
  const file = await readStoreFile(path);
  if (!file) return { entries: [], bytes: 0 };
  const { buf } = file;
  const layout = scanStoreLayout(buf, path);
  return { entries: distinctKeys(layout, buf).views(layout, buf), bytes: buf.length };
}
