import type { EntryView } from "@session-reaper/store";

/** What a backend reports after one locked removal pass. */
export interface BackendRemoveResult {
  /** Views of the entries removed (dry run: that would be). */
  removed: EntryView[];
  /** sessionIds of the entries that stay, read in the same locked pass. */
  remainingSessionIds: Set<string>;
  /**
   * `sessionFile` values of the entries that stay, read in the same locked pass: a transcript
   * one of them names is not archived. A backend that leaves this out protects by sessionId only.
   */
  remainingSessionFiles?: Set<string>;
  written: boolean;
  entriesBefore?: number;
  bytesBefore?: number;
  bytesAfter?: number;
  /**
   * The store's `identify()` fingerprint as this pass left it, taken under the pass's lock
   * (null: no store file). Lets the reaper skip the next sweep of a store nobody touched since,
   * even right after it wrote the store itself.
   */
  identityAfter?: string | null;
}

/** Options of a backend removal pass. */
export interface BackendRemoveOptions {
  /** Decide and report, but write nothing. */
  dryRun: boolean;
}

/**
 * The only way the reaper reaches a session store. The file backend is the default; a host that
 * serializes its own store writes supplies one built on its writer so the sweep joins that queue.
 */
export interface SessionStoreBackend {
  /** Short name for logs, e.g. "file" or "openclaw-host". */
  name: string;
  /**
   * Under the store's lock: call `select` once per entry (in store order), remove the entries
   * it returns true for, and report what stays. Throws on a corrupt store or a lock failure.
   */
  removeEntries(
    storePath: string,
    select: (view: EntryView) => boolean,
    options: BackendRemoveOptions,
  ): Promise<BackendRemoveResult>;
  /**
   * Optional extension: under ONE lock, hand ALL entry views to `selectAll` and remove the keys
   * it returns. Needed for rules that compare entries (`maxRunsPerJob`); without it such rules
   * are skipped with a warning.
   */
  removeSelected?(
    storePath: string,
    selectAll: (views: readonly EntryView[]) => ReadonlySet<string>,
    options: BackendRemoveOptions,
  ): Promise<BackendRemoveResult>;
  /**
   * Optional: a cheap fingerprint of the store (e.g. "ino:size:mtimeMs"), null if it is missing.
   * Equal fingerprints mean unchanged content; lets the reaper skip re-reading a quiet store.
   */
  identify?(storePath: string): Promise<string | null> | string | null;
}
