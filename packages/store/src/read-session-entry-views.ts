import { resolve } from "node:path";
import { readStoreFile } from "./read-store-file";
import { scanStoreLayout } from "./scan-store-bytes";
import { identity, type StoreLayout } from "./store-layout";
import type { EntryView } from "./types";

/** The distinct keys of a scanned store, as JSON.parse sees them. */
export interface DistinctKeys {
  /** The member index of each distinct key's first occurrence, in file order. */
  firsts: Int32Array;
  /** The member index of the k-th distinct key's last occurrence: the one JSON.parse keeps. */
  lastOf(k: number): number;
  /** Copies each first occurrence's mark to the key's later occurrences. */
  spreadToDuplicates(marks: Uint8Array): void;
}

/**
 * The distinct keys of `layout` (scanned from `buf`), in order of first occurrence; the last
 * occurrence of a key is its effective entry. Costs one pass over the key bytes and no strings
 * when keys are distinct.
 */
export function distinctKeys(layout: StoreLayout, buf: Buffer): DistinctKeys {
  const firstOf = layout.firstOccurrences(buf);
  const count = layout.count;
  if (firstOf === null) {
    return { firsts: identity(count), lastOf: (k) => k, spreadToDuplicates: () => undefined };
  }
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
  return {
    firsts,
    lastOf: (index) => last[firsts[index] as number] as number,
    spreadToDuplicates: (marks) => {
      for (let i = 0; i < count; i++) marks[i] = marks[firstOf[i] as number] as number;
    },
  };
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
  const keys = distinctKeys(layout, buf);
  const entries = Array.from(keys.firsts, (_, k) => layout.view(buf, keys.lastOf(k)));
  return { entries, bytes: buf.length };
}
