import type { Stats } from "node:fs";
import { stat } from "node:fs/promises";
import { dirname, resolve } from "node:path";
import { errnoCode, storeIoError } from "./errors";
import { identifyStoreFile, storeIdentity } from "./identify-store-file";
import { invalidateStoreCache } from "./load-session-store";
import { type DistinctKeys, distinctKeys } from "./read-session-entry-views";
import { readStoreFile } from "./read-store-file";
import { keptRangesOf, scanStoreLayout } from "./scan-store-bytes";
import type { StoreLayout } from "./store-layout";
import type { EntryView, LockOptions, RemoveEntriesResult } from "./types";
import { withStoreLock } from "./with-store-lock";
import { writeFileAtomically } from "./write-file-atomic";

/**
 * What to remove: a predicate called once per distinct key, or `{ selectAll }`, which sees every
 * view of the locked pass at once (for rules that compare entries) and returns the keys to remove.
 */
export type EntrySelection =
  | ((view: EntryView) => boolean)
  | { selectAll: (views: readonly EntryView[]) => ReadonlySet<string> };

/** Options of {@link removeSessionEntries}: lock options plus `dryRun`. */
export interface RemoveSessionEntriesOptions extends LockOptions {
  /** Compute the same result but write nothing (`written: false`). */
  dryRun?: boolean;
}

/**
 * Under the store lock, removes every entry `select` picks (see {@link EntrySelection}; only a
 * return of exactly `true` picks) by cutting it out of the original bytes; everything else stays
 * byte-identical. Writes only when something was selected. Throws StoreCorruptError, StoreLockError or StoreError STORE_IO.
 */
export async function removeSessionEntries(
  storePath: string,
  select: EntrySelection,
  options: RemoveSessionEntriesOptions = {},
): Promise<RemoveEntriesResult> {
  const { dryRun = false, ...lockOptions } = options;
  const path = resolve(storePath);
  // No directory, no store: nothing to remove, and nowhere to put a lock.
  if (!(await directoryExists(dirname(path)))) return unchanged(0, null);

  return withStoreLock(
    path,
    async (lock) => {
      const file = await readStoreFile(path);
      if (!file) return unchanged(0, null);
      const { buf } = file;
      const layout = scanStoreLayout(buf, path);
      const keys = distinctKeys(layout, buf);
      const { removed, cut, remainingSessionIds, remainingSessionFiles } = selectMembers(
        layout,
        buf,
        keys,
        select,
      );
      if (removed.length === 0) {
        const fileIdentity = await identifyStoreFile(path);
        return {
          ...unchanged(buf.length, fileIdentity),
          remainingSessionIds,
          remainingSessionFiles,
        };
      }

      // The surviving byte ranges are views of the buffer read, not a second copy of the store
      // (a large store keeps most of its bytes; the writer copies 512 KiB at a time); a dry run
      // only adds up their lengths.
      const kept = keptRangesOf(buf, layout, cut);
      let bytesAfter = 0;
      const chunks: Buffer[] = [];
      for (let k = 0; k < kept.length; k += 2) {
        const start = kept[k] as number;
        const end = kept[k + 1] as number;
        bytesAfter += end - start;
        if (!dryRun) chunks.push(buf.subarray(start, end));
      }
      let writtenStats: Stats | null = null;
      if (!dryRun) {
        writtenStats = await writeFileAtomically(path, chunks, {
          mode: file.mode,
          beforeRename: lock.assertHeld,
        });
        invalidateStoreCache(path);
      }
      return {
        removed,
        remainingSessionIds,
        remainingSessionFiles,
        bytesBefore: buf.length,
        bytesAfter,
        written: !dryRun,
        // Exactly the file this pass left behind (a dry run: the file read, still locked).
        fileIdentity:
          writtenStats === null ? await identifyStoreFile(path) : storeIdentity(writtenStats),
      };
    },
    lockOptions,
  );
}

/** What one pass selected: removed views, cut marks per member, what the rest references. */
interface Selection {
  removed: EntryView[];
  /** Marks, per member, those cut out (every occurrence of a removed key). */
  cut: Uint8Array;
  remainingSessionIds: Set<string>;
  remainingSessionFiles: Set<string>;
}

/**
 * Runs `select` over the view of every distinct key. A module-level function rather than part
 * of the locked callback, which is a new closure on every call: this loop runs 10^4–10^5 times
 * per pass, and its optimized code now outlives the pass.
 */
function selectMembers(
  layout: StoreLayout,
  buf: Buffer,
  keys: DistinctKeys,
  select: EntrySelection,
): Selection {
  const removed: EntryView[] = [];
  const cut = new Uint8Array(layout.count);
  const remainingSessionIds = new Set<string>();
  const remainingSessionFiles = new Set<string>();
  // Views are decoded one at a time and, unless removed, dropped at once: a pass over a large
  // store keeps only what it returns.
  let views: EntryView[] | null = null;
  let isSelected: (view: EntryView) => boolean;
  if (typeof select === "function") {
    isSelected = select;
  } else {
    views = keys.views(layout, buf);
    const chosen = select.selectAll(views);
    isSelected = (view) => chosen.has(view.key);
  }
  for (let k = 0; k < keys.firsts.length; k++) {
    const view = views === null ? layout.view(buf, keys.lastOf(k)) : (views[k] as EntryView);
    // Only `true` removes: a predicate returning 1 or "yes" by mistake must not lose data.
    if (isSelected(view) === true) {
      removed.push(view);
      cut[keys.firsts[k] as number] = 1;
    } else {
      if (view.sessionId !== undefined) remainingSessionIds.add(view.sessionId);
      if (view.sessionFile !== undefined) remainingSessionFiles.add(view.sessionFile);
    }
  }
  // Every occurrence of a removed key goes, or an earlier duplicate would become the live value.
  keys.spreadToDuplicates(cut);
  return { removed, cut, remainingSessionIds, remainingSessionFiles };
}

function unchanged(bytes: number, fileIdentity: string | null): RemoveEntriesResult {
  return {
    fileIdentity,
    removed: [],
    remainingSessionIds: new Set(),
    remainingSessionFiles: new Set(),
    bytesBefore: bytes,
    bytesAfter: bytes,
    written: false,
  };
}

async function directoryExists(dir: string): Promise<boolean> {
  try {
    return (await stat(dir)).isDirectory();
  } catch (error) {
    const code = errnoCode(error);
    if (code === "ENOENT" || code === "ENOTDIR") return false;
    throw storeIoError(dir, "stat", error);
  }
}
