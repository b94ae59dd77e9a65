import { resolve } from "node:path";
import { readStoreFile } from "./read-store-file";
import { type ScannedMember, scanStoreBytes } from "./scan-store-bytes";
import type { EntryView } from "./types";

/** One distinct key of a store: its effective view and every member that carries it. */
export interface KeyGroup {
  /** The view of the key's last occurrence, which is what `JSON.parse` would keep. */
  view: EntryView;
  /** Indices into the scanned members of every occurrence of the key. */
  indices: number[];
}

/** Groups scanned members by key, in order of first occurrence; the last occurrence wins. */
export function groupMembersByKey(members: readonly ScannedMember[]): Map<string, KeyGroup> {
  const groups = new Map<string, KeyGroup>();
  for (let index = 0; index < members.length; index++) {
    const { view } = members[index] as ScannedMember;
    const group = groups.get(view.key);
    if (group) {
      group.view = view;
      group.indices.push(index);
    } else {
      groups.set(view.key, { view, indices: [index] });
    }
  }
  return groups;
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
  const groups = groupMembersByKey(scanStoreBytes(file.buf, path));
  return { entries: Array.from(groups.values(), (group) => group.view), bytes: file.buf.length };
}
