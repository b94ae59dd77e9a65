import {
  type EntrySelection,
  identifyStoreFile,
  type LockOptions,
  type RemoveEntriesResult,
  removeSessionEntries,
} from "@session-reaper/store";
import type { BackendRemoveOptions, SessionStoreBackend } from "./session-store-backend";

/**
 * The default backend: the JSON file store of `@session-reaper/store` (locked, byte-splicing
 * removal; identify = "ino:size:mtimeMs" or null if missing). Lock options apply to every pass.
 */
export function createFileBackend(options: LockOptions = {}): SessionStoreBackend {
  const remove = async (
    storePath: string,
    selection: EntrySelection,
    { dryRun, onSelected }: BackendRemoveOptions,
  ) => {
    const { fileIdentity, entries, ...result }: RemoveEntriesResult = await removeSessionEntries(
      storePath,
      selection,
      { ...options, dryRun, onSelected },
    );
    return { ...result, entriesBefore: entries, identityAfter: fileIdentity };
  };

  return {
    name: "file",
    // Every pass reports its selection before it writes (see BackendRemoveOptions.onSelected).
    removeEntries: (storePath, select, passOptions) => remove(storePath, select, passOptions),
    // The store hands the whole locked pass to `selectAll`, so a rule that compares entries
    // (maxRunsPerJob) is decided under the same lock as the removal.
    removeSelected: (storePath, selectAll, passOptions) =>
      remove(storePath, { selectAll }, passOptions),
    // The store reads keys and stamps from the file's bytes: no view for an entry that stays.
    removeByAge: async (storePath, cutoffs, passOptions) => {
      const { oldestKept, ...result } = await remove(
        storePath,
        { olderThan: cutoffs },
        passOptions,
      );
      if (oldestKept === undefined) throw new Error("the store reported no oldestKept");
      return { ...result, oldestKept };
    },
    identify: identifyStoreFile,
  };
}
