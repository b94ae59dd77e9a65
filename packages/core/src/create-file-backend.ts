import {
  type EntrySelection,
  identifyStoreFile,
  type LockOptions,
  type RemoveEntriesResult,
  removeSessionEntries,
} from "@session-reaper/store";
import type { SessionStoreBackend } from "./session-store-backend";

/**
 * The default backend: the JSON file store of `@session-reaper/store` (locked, byte-splicing
 * removal; identify = "ino:size:mtimeMs" or null if missing). Lock options apply to every pass.
 */
export function createFileBackend(options: LockOptions = {}): SessionStoreBackend {
  const remove = async (storePath: string, selection: EntrySelection, dryRun: boolean) => {
    const { fileIdentity, entries, ...result }: RemoveEntriesResult = await removeSessionEntries(
      storePath,
      selection,
      { ...options, dryRun },
    );
    return { ...result, entriesBefore: entries, identityAfter: fileIdentity };
  };

  return {
    name: "file",
    removeEntries: (storePath, select, { dryRun }) => remove(storePath, select, dryRun),
    // The store hands the whole locked pass to `selectAll`, so a rule that compares entries
    // (maxRunsPerJob) is decided under the same lock as the removal.
    removeSelected: (storePath, selectAll, { dryRun }) => remove(storePath, { selectAll }, dryRun),
    // The store reads keys and stamps from the file's bytes: no view for an entry that stays.
    removeByAge: async (storePath, cutoffs, { dryRun }) => {
      const { oldestKept, ...result } = await remove(storePath, { olderThan: cutoffs }, dryRun);
      if (oldestKept === undefined) throw new Error("the store reported no oldestKept");
      return { ...result, oldestKept };
    },
    identify: identifyStoreFile,
  };
}
