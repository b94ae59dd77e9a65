import { statSync } from "node:fs";
import { stat } from "node:fs/promises";
import {
  type EntryView,
  type LockOptions,
  readSessionEntryViews,
  removeSessionEntries,
} from "@session-reaper/store";
import type { BackendRemoveResult, SessionStoreBackend } from "./session-store-backend";
import { SweepError } from "./sweep-error";

/** How often removeSelected re-scans when the store keeps changing under it. */
const MAX_SELECT_ATTEMPTS = 5;

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

function identifyFileSync(storePath: string): string | null {
  try {
    return fingerprint(statSync(storePath));
  } catch (error) {
    if (isMissing(error)) return null;
    throw error;
  }
}

/** Thrown inside `select` to abandon a pass whose file is not the one that was planned on. */
const STALE = Symbol("stale-plan");

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
    // The store's removal hands views to `select` one at a time, so a whole-store decision is
    // planned on an unlocked scan and then checked under the lock: the first `select` call stats
    // the file and abandons the pass (nothing written) unless it is the very file that was scanned
    // (every atomic write gives it a new inode). Costs a second read; used only when needed.
    async removeSelected(storePath, selectAll, { dryRun }) {
      for (let attempt = 1; attempt <= MAX_SELECT_ATTEMPTS; attempt++) {
        const before = await identifyFile(storePath);
        const { entries } = await readSessionEntryViews(storePath);
        if ((await identifyFile(storePath)) !== before) continue;
        const chosen = selectAll(entries);
        let verified = false;
        try {
          return await removeEntries(
            storePath,
            (view) => {
              if (!verified) {
                if (identifyFileSync(storePath) !== before) throw STALE;
                verified = true;
              }
              return chosen.has(view.key);
            },
            { dryRun },
          );
        } catch (error) {
          // Accept the marker whether the store rethrows it as is or wraps it as a cause.
          if (error === STALE || (error as { cause?: unknown } | null)?.cause === STALE) continue;
          throw error;
        }
      }
      throw new SweepError(
        "STORE_BUSY",
        storePath,
        `Session store ${storePath} changed during each of ${MAX_SELECT_ATTEMPTS} attempts to apply maxRunsPerJob; nothing was removed. The next sweep will try again.`,
      );
    },
  };
}
