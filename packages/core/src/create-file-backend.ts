import {
  type EntrySelection,
  type EntryView,
  identifyStoreFile,
  type LockOptions,
  removeSessionEntries,
} from "@session-reaper/store";
import type { BackendRemoveResult, SessionStoreBackend } from "./session-store-backend";

/**
 * The default backend: the JSON file store of `@session-reaper/store` (locked, byte-splicing
 * removal; identify = "ino:size:mtimeMs" or null if missing). Lock options apply to every pass.
 */
export function createFileBackend(options: LockOptions = {}): SessionStoreBackend {
  const remove = async (
    storePath: string,
    selection: (count: (views: number) => void) => EntrySelection,
    dryRun: boolean,
  ): Promise<BackendRemoveResult> => {
    let entriesBefore = 0;
    const { fileIdentity, ...result } = await removeSessionEntries(
      storePath,
      selection((views) => {
        entriesBefore += views;
      }),
      { ...options, dryRun },
    );
    return { ...result, entriesBefore, identityAfter: fileIdentity };
  };

  return {
    name: "file",
    removeEntries: (storePath, select, { dryRun }) =>
      remove(
        storePath,
        (count) => (view: EntryView) => {
          count(1);
          return select(view);
        },
        dryRun,
      ),
    // The store hands the whole locked pass to `selectAll`, so a rule that compares entries
    // (maxRunsPerJob) is decided under the same lock as the removal.
    removeSelected: (storePath, selectAll, { dryRun }) =>
      remove(
        storePath,
        (count) => ({
          selectAll: (views) => {
            count(views.length);
            return selectAll(views);
          },
        }),
        dryRun,
      ),
    identify: identifyStoreFile,
  };
}
