import type { Stats } from "node:fs";
import { type FileHandle, stat } from "node:fs/promises";
import { dirname, resolve } from "node:path";
import { ABSENT } from "./entry-fields";
import { errnoCode, StoreError, storeIoError } from "./errors";
import { identifyStoreFile, storeIdentity } from "./identify-store-file";
import { KeptSessionIds } from "./kept-session-ids";
import { invalidateStoreCache } from "./load-session-store";
import { type DistinctKeys, distinctKeys } from "./read-session-entry-views";
import { openStoreFile, type StoreFile } from "./read-store-file";
import { keptRangesOf, scanStoreLayout } from "./scan-store-bytes";
import type { StoreLayout } from "./store-layout";
import type {
  AgeCutoffs,
  EntryView,
  LockOptions,
  OldestKept,
  RemoveEntriesResult,
  StoreLockHandle,
} from "./types";
import { storeLockPath, withStoreLock } from "./with-store-lock";
import { writeFileAtomically } from "./write-file-atomic";

/**
 * What to remove: a predicate called once per distinct key; `{ selectAll }`, which sees every
 * view of the locked pass at once (for rules that compare entries) and returns the keys to
 * remove; or `{ olderThan }`, cron run and hook entries by age (see AgeCutoffs), decided from
 * the store's bytes without a view per entry (the result then reports `oldestKept`).
 */
export type EntrySelection =
  | ((view: EntryView) => boolean)
  | { selectAll: (views: readonly EntryView[]) => ReadonlySet<string> }
  | { olderThan: AgeCutoffs };

/** What a removal pass decided, handed to `onSelected` before anything is written. */
export type EntrySelectionOutcome = Pick<
  RemoveEntriesResult,
  "removed" | "remainingSessionIds" | "remainingSessionFiles"
>;

/** Options of {@link removeSessionEntries}: lock options plus `dryRun` and `onSelected`. */
export interface RemoveSessionEntriesOptions extends LockOptions {
  /** Compute the same result but write nothing (`written: false`). */
  dryRun?: boolean;
  /**
   * Called once if the store exists, under the lock, with the same `removed` array and sets
   * the result will hold: while the new store's bytes are being synced to disk, before they
   * replace the store (in a dry run, or when nothing is selected, right after the selection).
   * Lets a caller prepare work on the selection while the pass waits for the disk; the pass can
   * still fail after it, so nothing that needs the write may be done before the pass resolves.
   * What it throws, the pass throws, and the store is left as it was.
   */
  onSelected?: ((selection: EntrySelectionOutcome) => void) | undefined;
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
  const { dryRun = false, onSelected, ...lockOptions } = options;
  const path = resolve(storePath);
  const byAge = typeof select === "object" && "olderThan" in select;
  if (byAge) checkCutoffs(select.olderThan);
  // No store: nothing to remove or keep (and, without a directory, nowhere to put a lock).
  const missing = (): RemoveEntriesResult => {
    const result = unchanged(0, null);
    if (byAge) result.oldestKept = { cronRun: null, hook: null };
    return result;
  };
  const replaced: Replaced = { handle: null };
  try {
    return await removeLocked(path, select, dryRun, onSelected, lockOptions, missing, replaced);
  } catch (error) {
    // The lock directory could not be made: when that is because the store's directory is
    // missing, there is no store (and nowhere to put a lock). Checked only then, not per pass.
    if (isLockParentMissing(error, path) && !(await directoryExists(dirname(path)))) {
      return missing();
    }
    throw error;
  } finally {
    // Not awaited: see Replaced. A failed close of a file opened for reading loses nothing.
    replaced.handle?.close().catch(() => undefined);
  }
}

/**
 * The store file a pass replaced, still open: its last reference. Closing it frees its blocks,
 * which the rename that replaced it would otherwise have waited for (~3 ms for a 13 MB store on
 * ext4, as long as the rename itself); closed once the lock is released and without waiting, it
 * runs in the thread pool alongside whatever the caller does next (for a sweep: archiving the
 * transcripts). Windows is left out: whether a file open there can be replaced depends on how
 * it was opened, and the project is not tested there.
 */
interface Replaced {
  handle: FileHandle | null;
}

const HOLD_REPLACED_FILE = process.platform !== "win32";

/** The locked pass of removeSessionEntries (`missing` is its result when there is no store). */
function removeLocked(
  path: string,
  select: EntrySelection,
  dryRun: boolean,
  onSelected: RemoveSessionEntriesOptions["onSelected"],
  lockOptions: LockOptions,
  missing: () => RemoveEntriesResult,
  replaced: Replaced,
): Promise<RemoveEntriesResult> {
  return withStoreLock(
    path,
    async (lock) => {
      const opened = await openStoreFile(path);
      if (!opened) return missing();
      // The handle this pass still has to close: none once closed or handed over.
      let open: FileHandle | null = opened.handle;
      if (!HOLD_REPLACED_FILE) {
        await open.close().catch(() => undefined);
        open = null;
      }
      try {
        return await removeFromFile(path, opened.file, select, dryRun, onSelected, lock, () => {
          replaced.handle = open;
          open = null;
        });
      } finally {
        await open?.close().catch(() => undefined);
      }
    },
    lockOptions,
  );
}

/**
 * The pass of removeLocked on the store file read; calls `onReplaced` once the new store has
 * replaced that file.
 */
async function removeFromFile(
  path: string,
  file: StoreFile,
  select: EntrySelection,
  dryRun: boolean,
  onSelected: RemoveSessionEntriesOptions["onSelected"],
  lock: StoreLockHandle,
  onReplaced: () => void,
): Promise<RemoveEntriesResult> {
  const { buf } = file;
  const layout = scanStoreLayout(buf, path);
  const keys = distinctKeys(layout, buf);
  const { removed, cut, ...remaining } = selectMembers(layout, buf, keys, select);
  const reportSelection = () =>
    onSelected?.({
      removed,
      remainingSessionIds: remaining.remainingSessionIds,
      remainingSessionFiles: remaining.remainingSessionFiles,
    });
  // With a write to make, the selection is reported while the disk syncs (see onSelected).
  if (removed.length === 0 || dryRun) reportSelection();
  if (removed.length === 0) {
    const fileIdentity = await identifyStoreFile(path);
    return { ...unchanged(buf.length, fileIdentity), ...remaining };
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
      whileSyncing: reportSelection,
    });
    onReplaced();
    invalidateStoreCache(path);
  }
  return {
    removed,
    ...remaining,
    bytesBefore: buf.length,
    bytesAfter,
    written: !dryRun,
    // Exactly the file this pass left behind (a dry run: the file read, still locked).
    fileIdentity:
      writtenStats === null ? await identifyStoreFile(path) : storeIdentity(writtenStats),
  };
}

/** True when the lock on `path` failed because the store's directory is missing or a file. */
function isLockParentMissing(error: unknown, path: string): boolean {
  if (!(error instanceof StoreError) || error.code !== "STORE_IO") return false;
  if (error.path !== storeLockPath(path)) return false;
  const code = errnoCode(error.cause);
  return code === "ENOENT" || code === "ENOTDIR";
}

/** What one pass selected: removed views, cut marks per member, what the rest references. */
interface Selection {
  removed: EntryView[];
  /** Marks, per member, those cut out (every occurrence of a removed key). */
  cut: Uint8Array;
  entries: number;
  remainingSessionIds: ReadonlySet<string>;
  remainingSessionFiles: Set<string>;
  oldestKept?: OldestKept;
}

/**
 * Runs the selection over every distinct key. A module-level function rather than part of the
 * locked callback, which is a new closure on every call: this loop runs 10^4–10^5 times per
 * pass, and its optimized code now outlives the pass.
 */
function selectMembers(
  layout: StoreLayout,
  buf: Buffer,
  keys: DistinctKeys,
  select: EntrySelection,
): Selection {
  if (typeof select === "object" && "olderThan" in select) {
    return selectByAge(layout, buf, keys, select.olderThan);
  }
  const removed: EntryView[] = [];
  const cut = new Uint8Array(layout.count);
  // Kept members with a sessionId; their ids are read from the bytes when asked for.
  const withId = new Int32Array(keys.firsts.length);
  let withIdCount = 0;
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
    const member = keys.lastOf(k);
    const view = views === null ? layout.view(buf, member) : (views[k] as EntryView);
    // Only `true` removes: a predicate returning 1 or "yes" by mistake must not lose data.
    if (isSelected(view) === true) {
      removed.push(view);
      cut[keys.firsts[k] as number] = 1;
    } else {
      if (layout.sessionIdStart(member) !== ABSENT) withId[withIdCount++] = member;
      if (view.sessionFile !== undefined) remainingSessionFiles.add(view.sessionFile);
    }
  }
  // Every occurrence of a removed key goes, or an earlier duplicate would become the live value.
  keys.spreadToDuplicates(cut);
  return {
    removed,
    cut,
    entries: keys.firsts.length,
    remainingSessionIds: new KeptSessionIds(layout, buf, withId, withIdCount),
    remainingSessionFiles,
  };
}

/**
 * The `olderThan` selection: removes a cron run or hook entry whose age base — its updatedAt, or
 * 0 when that is missing or not finite (OpenClaw's rule) — is below its kind's cutoff, and keeps
 * the smallest base of the entries of those kinds it keeps. Decided from the scan's records
 * alone (see StoreLayout.selectByAge); only the removed entries get a view, and only the kept
 * sessionFiles are decoded.
 */
function selectByAge(
  layout: StoreLayout,
  buf: Buffer,
  keys: DistinctKeys,
  cutoffs: AgeCutoffs,
): Selection {
  const picked = layout.selectByAge(
    buf,
    keys.firsts,
    keys.lastOfFirst,
    cutoffs.cronRunsBefore,
    cutoffs.hooksBefore,
  );
  keys.spreadToDuplicates(picked.cut);
  return {
    removed: viewsOf(layout, buf, picked.removed),
    cut: picked.cut,
    entries: keys.firsts.length,
    remainingSessionIds: new KeptSessionIds(
      layout,
      buf,
      picked.keptWithId,
      picked.keptWithId.length,
    ),
    remainingSessionFiles: sessionFilesOf(layout, buf, picked.keptWithFile),
    oldestKept: { cronRun: picked.oldestCronRun, hook: picked.oldestHook },
  };
}

// The two loops of selectByAge, apart from it: they see only long-lived shapes (StoreLayout, a
// Buffer, typed arrays), so their optimized code survives a full GC between two sweeps, while
// selectByAge reads the caller's cutoffs object, whose shape may not (see StoreLayout).

/** The views of `members`. */
function viewsOf(layout: StoreLayout, buf: Buffer, members: Int32Array): EntryView[] {
  const views: EntryView[] = [];
  for (let j = 0; j < members.length; j++) views.push(layout.view(buf, members[j] as number));
  return views;
}

/** The sessionFiles of `members`, which all have one. */
function sessionFilesOf(layout: StoreLayout, buf: Buffer, members: Int32Array): Set<string> {
  const files = new Set<string>();
  for (let j = 0; j < members.length; j++) {
    files.add(layout.sessionFile(buf, members[j] as number) as string);
  }
  return files;
}

/** Throws a TypeError unless both cutoffs are numbers (not NaN) or null. */
function checkCutoffs(cutoffs: AgeCutoffs): void {
  for (const name of ["cronRunsBefore", "hooksBefore"] as const) {
    const value: unknown = (cutoffs as Partial<AgeCutoffs> | null | undefined)?.[name];
    if (value !== null && (typeof value !== "number" || Number.isNaN(value))) {
      throw new TypeError(
        `olderThan.${name} must be a number (epoch ms) or null, got ${String(value)}`,
      );
    }
  }
}

function unchanged(bytes: number, fileIdentity: string | null): RemoveEntriesResult {
  return {
    fileIdentity,
    removed: [],
    entries: 0,
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
