/** A parsed session store: session key → opaque entry object. */
export type SessionStore = Record<string, SessionEntry>;

/** A session entry. Only these fields are read; every other field is kept untouched. */
export interface SessionEntry {
  sessionId?: string;
  updatedAt?: number;
  sessionFile?: string;
  [field: string]: unknown;
}

/** The light view of one entry that selection callbacks receive. */
export interface EntryView {
  key: string;
  sessionId?: string;
  updatedAt?: number;
  sessionFile?: string;
}

/** Lock options shared by every locked operation. */
export interface LockOptions {
  /** How long to wait for the lock before failing with STORE_LOCK_TIMEOUT (default 10 s). */
  timeoutMs?: number;
  /** Age after which an unrefreshed lock is taken over (default 30 s). */
  staleMs?: number;
}

/**
 * Cutoffs of the `olderThan` selection of removeSessionEntries, in epoch ms: an entry goes when
 * its kind has a cutoff and its updatedAt (0 when missing or not finite) is below it. Kinds are
 * those of classifySessionKey (`@session-reaper/session-key`); null keeps every entry of a kind.
 */
export interface AgeCutoffs {
  /** For cron run keys (`agent:<id>:cron:<job>:run:<run>`). */
  cronRunsBefore: number | null;
  /** For hook keys (`agent:<id>:hook:<hookId>`). */
  hooksBefore: number | null;
}

/**
 * Per kind with a cutoff, the smallest age base (updatedAt, or 0) among the entries of that kind
 * the pass kept; null when it kept none, or the kind had no cutoff.
 */
export interface OldestKept {
  cronRun: number | null;
  hook: number | null;
}

/** Result of {@link removeSessionEntries}. */
export interface RemoveEntriesResult {
  removed: EntryView[];
  /** How many entries (distinct keys) the store held before the pass. */
  entries: number;
  /**
   * sessionIds still referenced by an entry that stays, read in the same locked pass. A
   * read-only set that reads the ids from the bytes of the store read, and holds them.
   */
  remainingSessionIds: ReadonlySet<string>;
  /** `sessionFile` values (as written) of the entries that stay, read in the same pass. */
  remainingSessionFiles: Set<string>;
  bytesBefore: number;
  bytesAfter: number;
  written: boolean;
  /**
   * The store's fingerprint as this pass left it (see `identifyStoreFile`), taken under the
   * lock; null when there is no store file.
   */
  fileIdentity: string | null;
  /** Only for the `olderThan` selection: see OldestKept. */
  oldestKept?: OldestKept;
}

/** Why a transcript was archived; it becomes part of the archive name. */
export type ArchiveReason = "deleted" | "reset";

/** What {@link withStoreLock} hands to its callback while the lock is held. */
export interface StoreLockHandle {
  /** The store path the lock protects, resolved to an absolute path. */
  readonly storePath: string;
  /** The lock directory, `<storePath>.lock`. */
  readonly lockPath: string;
  /** Aborted (with a STORE_LOCK_COMPROMISED error) as soon as the lock is known to be lost. */
  readonly signal: AbortSignal;
  /** Resolves if the lock directory is still ours; throws StoreLockError STORE_LOCK_COMPROMISED otherwise. */
  assertHeld(): Promise<void>;
}
