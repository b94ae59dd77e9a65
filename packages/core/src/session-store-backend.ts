import type { AgeCutoffs, EntryView, OldestKept } from "@session-reaper/store";

/** What a backend reports after one locked removal pass. */
export interface BackendRemoveResult {
  /** Views of the entries removed (dry run: that would be). */
  removed: EntryView[];
  /** sessionIds of the entries that stay, read in the same locked pass. */
  remainingSessionIds: ReadonlySet<string>;
  /**
   * `sessionFile` values of the entries that stay, read in the same locked pass: a transcript
   * one of them names is not archived. A backend that leaves this out protects by sessionId only.
   */
  remainingSessionFiles?: ReadonlySet<string>;
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

/** What a backend reports after a removal by age: what any pass reports, and two facts more. */
export interface BackendAgeRemoveResult extends BackendRemoveResult {
  /** How many entries (distinct keys) the store held before the pass. */
  entriesBefore: number;
  /** Per kind with a cutoff, the smallest age base (updatedAt, or 0) of the entries kept. */
  oldestKept: OldestKept;
}

/** What a removal pass decided, before it writes: the parts of its result archiving needs. */
export type BackendSelection = Pick<
  BackendRemoveResult,
  "removed" | "remainingSessionIds" | "remainingSessionFiles"
>;

/** Options of a backend removal pass. */
export interface BackendRemoveOptions {
  /** Decide and report, but write nothing. */
  dryRun: boolean;
  /**
   * Optional for a backend to call: once the pass has decided, before it writes, with the very
   * `removed` array and sets its result will hold. The reaper then checks the removed sessions'
   * transcripts while the write is in flight, and renames them only after the pass resolved
   * with that same selection; a backend that never calls it gets them checked afterwards.
   */
  onSelected?: ((selection: BackendSelection) => void) | undefined;
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
   * Optional extension: under the store's lock, remove every cron run entry whose age base (its
   * `updatedAt`, 0 when missing or not finite) is below `cutoffs.cronRunsBefore` and every hook
   * entry whose base is below `cutoffs.hooksBefore` (null: none of that kind), keys classified
   * as `classifySessionKey` does. The same removal as `removeEntries` with the age rules, for a
   * backend that decides it cheaper than a view per entry (the file backend reads keys and
   * stamps from the store's bytes). Used, when present, by every sweep that applies only the
   * age rules (no `maxRunsPerJob`, or a backend without `removeSelected`).
   */
  removeByAge?(
    storePath: string,
    cutoffs: AgeCutoffs,
    options: BackendRemoveOptions,
  ): Promise<BackendAgeRemoveResult>;
  /**
   * Optional: a cheap fingerprint of the store (e.g. "ino:size:mtimeMs"), null if it is missing.
   * Equal fingerprints mean unchanged content; lets the reaper skip re-reading a quiet store.
   */
  identify?(storePath: string): Promise<string | null> | string | null;
}
