/** Archives sessions' transcripts as `<file>.<reason>.<stamp>` (one or many per call); skips unsafe candidates, throws only for a bad nowMs. isPlainFileName: a path naming an entry of its directory itself. */
export {
  type ArchiveSessionTranscriptsBatchParams,
  type ArchiveSessionTranscriptsParams,
  archiveSessionTranscripts,
  archiveSessionTranscriptsBatch,
  isPlainFileName,
  type TranscriptSession,
} from "./archive-session-transcripts";
/** Archive name helpers: format/parse the `<stamp>` of `<file>.deleted.<stamp>`; parse never throws. */
export {
  type ArchiveFileName,
  formatArchiveStamp,
  parseArchiveFileName,
  parseArchiveStamp,
} from "./archive-stamp";
/** Deletes archives whose name stamp is strictly older than the retention; per-file failures are reported, not thrown. */
export {
  type CleanupArchivedTranscriptsParams,
  type CleanupArchivedTranscriptsResult,
  cleanupArchivedTranscripts,
} from "./cleanup-archived-transcripts";
/** Finds `<stateDir>/agents/<id>/sessions/sessions.json` stores and resolves the state dir; STORE_IO on unreadable dirs. */
export {
  discoverSessionStores,
  resolveStateDir,
  type SessionStoreLocation,
  type StateDirOptions,
} from "./discover-session-stores";
/** Error classes with stable codes (STORE_CORRUPT, STORE_LOCK_TIMEOUT, STORE_LOCK_COMPROMISED, STORE_IO) and a guard. */
export {
  isStoreError,
  StoreCorruptError,
  StoreError,
  type StoreErrorCode,
  StoreLockError,
} from "./errors";
/** Fingerprints a store file ("ino:size:mtimeMs") without reading it; throws STORE_IO. */
export { identifyStoreFile } from "./identify-store-file";
/** Reads a store without locking (cached, caller gets a copy); throws StoreCorruptError or STORE_IO. */
export { type LoadSessionStoreOptions, loadSessionStore } from "./load-session-store";
/** Lists entry views with one unlocked byte scan; throws StoreCorruptError or STORE_IO. */
export { readSessionEntryViews } from "./read-session-entry-views";
/** Removes selected entries byte-exactly under the lock; throws StoreCorruptError, StoreLockError or STORE_IO. */
export {
  type EntrySelection,
  type EntrySelectionOutcome,
  type RemoveSessionEntriesOptions,
  removeSessionEntries,
} from "./remove-session-entries";
/** Shared data types of the store package. */
export type {
  AgeCutoffs,
  ArchiveReason,
  EntryView,
  LockOptions,
  OldestKept,
  RemoveEntriesResult,
  SessionEntry,
  SessionStore,
  StoreLockHandle,
} from "./types";
/** Read-mutate-write under the lock, writing only on change; throws StoreCorruptError, StoreLockError or STORE_IO. */
export { updateSessionStore } from "./update-session-store";
/** Runs a callback under the cross-process store lock; throws StoreLockError (timeout/compromised) or STORE_IO. */
export {
  DEFAULT_LOCK_STALE_MS,
  DEFAULT_LOCK_TIMEOUT_MS,
  storeLockPath,
  withStoreLock,
} from "./with-store-lock";
/** Crash-safe replace of a file (temp, fsync, rename, fsync dir) from text, bytes or chunks, keeping its mode; throws STORE_IO. */
export { type FileData, type WriteFileAtomicOptions, writeFileAtomic } from "./write-file-atomic";
