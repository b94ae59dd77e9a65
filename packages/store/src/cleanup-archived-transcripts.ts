import { lstat, readdir, unlink } from "node:fs/promises";
import { join, resolve } from "node:path";
import { parseArchiveFileName } from "./archive-stamp";
import { errnoCode, type StoreError, storeIoError } from "./errors";
import { mapBounded } from "./map-bounded";
import type { ArchiveReason } from "./types";

/** Deletions in flight at once. */
const PARALLEL = 16;

/** Where to look for archives and how old they must be to go. */
export interface CleanupArchivedTranscriptsParams {
  /** Directories to scan (not recursively), typically each store's directory. */
  directories: readonly string[];
  /** Archives whose stamp is strictly older than `nowMs - olderThanMs` are deleted. */
  olderThanMs: number;
  /** Which archives to consider; default "deleted". */
  reason?: ArchiveReason;
  /** The clock the stamps are compared with; defaults to the wall clock. */
  nowMs?: number;
  /** Report what would be deleted without deleting anything. */
  dryRun?: boolean;
}

/** What {@link cleanupArchivedTranscripts} found and deleted (or would delete, in dry run). */
export interface CleanupArchivedTranscriptsResult {
  /** Archive files of the given reason found, old or not. */
  scanned: number;
  removed: number;
  removedPaths: string[];
  /** Directories or files that could not be read or deleted (STORE_IO); the rest went ahead. */
  errors: StoreError[];
  /**
   * The oldest stamp (epoch ms) among the archives left in place — too young, or failed to
   * delete (in a dry run: every archive found); null when none. The earliest moment a later
   * cleanup has something to delete is this plus `olderThanMs` (plus 1 ms).
   */
  oldestRemainingMs: number | null;
}

/**
 * Deletes `<name>.<reason>.<stamp>` regular files whose stamp (from the name, never the mtime)
 * is strictly older than the retention. Symlinks and other names are never touched. Throws
 * RangeError for a negative or non-finite `olderThanMs`; per-entry failures land in `errors`.
 */
export async function cleanupArchivedTranscripts(
  params: CleanupArchivedTranscriptsParams,
): Promise<CleanupArchivedTranscriptsResult> {
  const { olderThanMs, reason = "deleted", nowMs = Date.now(), dryRun = false } = params;
  if (!Number.isFinite(olderThanMs) || olderThanMs < 0) {
    throw new RangeError(`olderThanMs must be a finite number >= 0, got ${olderThanMs}`);
  }
  const cutoff = nowMs - olderThanMs;
  const result: CleanupArchivedTranscriptsResult = {
    scanned: 0,
    removed: 0,
    removedPaths: [],
    errors: [],
    oldestRemainingMs: null,
  };
  const remains = (stampMs: number) => {
    if (result.oldestRemainingMs === null || stampMs < result.oldestRemainingMs) {
      result.oldestRemainingMs = stampMs;
    }
  };
  for (const dir of new Set(params.directories.map((d) => resolve(d)))) {
    let names: string[];
    try {
      names = await readdir(dir);
    } catch (error) {
      const code = errnoCode(error);
      if (code !== "ENOENT" && code !== "ENOTDIR")
        result.errors.push(storeIoError(dir, "list", error));
      continue;
    }
    const old: string[] = [];
    const oldStamps: number[] = [];
    for (const name of names) {
      const archive = parseArchiveFileName(name);
      if (archive === null || archive.reason !== reason) continue;
      result.scanned++;
      if (archive.archivedAtMs < cutoff) {
        old.push(join(dir, name));
        oldStamps.push(archive.archivedAtMs);
      } else {
        remains(archive.archivedAtMs);
      }
    }
    // Several deletions in flight; results (and errors) still come in listing order.
    const outcomes = await mapBounded(old, PARALLEL, (path) => removeRegularFile(path, dryRun));
    outcomes.forEach((outcome, index) => {
      if (outcome === true) {
        result.removed++;
        result.removedPaths.push(old[index] as string);
        if (dryRun) remains(oldStamps[index] as number);
      } else if (outcome !== false) {
        result.errors.push(outcome);
        remains(oldStamps[index] as number);
      }
    });
  }
  return result;
}

/**
 * lstat, so a symlink named like an archive is seen as a link and left alone, target included.
 * True when deleted (dry run: would be), false when skipped, the error when it failed.
 */
async function removeRegularFile(path: string, dryRun: boolean): Promise<boolean | StoreError> {
  try {
    if (!(await lstat(path)).isFile()) return false;
    if (!dryRun) await unlink(path);
    return true;
  } catch (error) {
    // Gone meanwhile (another cleaner): not an error, and not ours to count.
    return errnoCode(error) === "ENOENT" ? false : storeIoError(path, "delete archive", error);
  }
}
