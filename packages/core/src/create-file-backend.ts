import { stat } from "node:fs/promises";
import { type EntryView, type LockOptions, removeSessionEntries } from "@session-reaper/store";
import type { BackendRemoveResult, SessionStoreBackend } from "./session-store-backend";

type Stats = { ino: number; size: number; mtimeMs: number };

function fingerprint(stats: Stats): string {
  return `${stats.ino}:${stats.size}:${stats.mtimeMs}`;
}

function isMissing(error: unknown): boolean {
  return (error as NodeJS.ErrnoException | null)?.code === "ENOENT";
}

async function identifyFile(storePath: string): Promise<string | null> {
  try {
    return fingerprint(await stat(storePath));
  } catch (error) {
    if (isMissing(error)) return null;
    throw error;
  }
}

/**
 * The default backend: the JSON file store of `@session-reaper/store` (locked, byte-splicing
 * removal; identify = "ino:size:mtimeMs" or null if missing). Lock options apply to every pass.
 */
export function createFileBackend(options: LockOptions = {}): SessionStoreBackend {
  const removeEntries = async (
    storePath: string,
    select: (view: EntryView) => boolean,
    { dryRun }: { dryRun: boolean },
  ): Promise<BackendRemoveResult> => {
    let entriesBefore = 0;
    const result = await removeSessionEntries(
      storePath,
      (view) => {
        entriesBefore += 1;
        return select(view);
      },
      { ...options, dryRun },
    );
    return { ...result, entriesBefore };
  };

  return {
    name: "file",
    removeEntries,
    identify: identifyFile,
    // The store hands the whole locked pass to `selectAll`, so a rule that compares entries
    // (maxRunsPerJob) is decided under the same lock as the removal.
    async removeSelected(storePath, selectAll, { dryRun }) {
      let entriesBefore = 0;
      const result = await removeSessionEntries(
        storePath,
        {
          selectAll: (views) => {
            entriesBefore = views.length;
            return selectAll(views);
          },
        },
        { ...options, dryRun },
      );
      return { ...result, entriesBefore };
    },
  };
}
