import { stat } from "node:fs/promises";
import type { BackendRemoveOptions, SessionStoreBackend } from "@session-reaper/core";
import { type EntryView, readSessionEntryViews } from "@session-reaper/store";

/**
 * The part of OpenClaw's `updateSessionStore` (from `openclaw/plugin-sdk/session-store-runtime`)
 * this backend uses: it queues the mutation behind the Gateway's other writes to the same store
 * path, hands the mutator the live store object and saves it afterwards unless
 * `skipSaveWhenResult` says nothing changed.
 */
export type HostUpdateSessionStore = <T>(
  storePath: string,
  mutator: (store: Record<string, unknown>) => T | Promise<T>,
  options?: { skipMaintenance?: boolean; skipSaveWhenResult?: (result: T) => boolean },
) => Promise<T>;

/** Name logged for {@link createOpenClawHostBackend}. */
export const OPENCLAW_HOST_BACKEND = "openclaw-host";

interface HostRemoval {
  removed: EntryView[];
  remainingSessionIds: Set<string>;
  remainingSessionFiles: Set<string>;
  written: boolean;
  entriesBefore: number;
}

/**
 * A reaper backend that removes entries through the host's own store writer, so a sweep waits
 * its turn behind the Gateway's writes instead of racing them. Throws `STORE_CORRUPT` (from
 * `@session-reaper/store`) when the file cannot be parsed; nothing is written then.
 */
export function createOpenClawHostBackend(
  updateSessionStore: HostUpdateSessionStore,
): SessionStoreBackend {
  // One pass inside the host's writer: `choose` sees every entry of the live store at once.
  const removeInHost = (
    storePath: string,
    choose: (views: readonly EntryView[]) => ReadonlySet<string>,
    { dryRun, onSelected }: BackendRemoveOptions,
  ): Promise<HostRemoval> =>
    updateSessionStore<HostRemoval>(
      storePath,
      async (store) => {
        const keys = Object.keys(store);
        // The host reads an unparsable store as {}; check the bytes so a corrupt store is
        // reported instead of looking clean. With no entries nothing is written either way.
        if (keys.length === 0) await readSessionEntryViews(storePath);
        const views = keys.map((key) => toEntryView(key, store[key]));
        const chosen = choose(views);
        const removed: EntryView[] = [];
        const remainingSessionIds = new Set<string>();
        const remainingSessionFiles = new Set<string>();
        for (const view of views) {
          if (chosen.has(view.key)) {
            removed.push(view);
            continue;
          }
          if (view.sessionId !== undefined) remainingSessionIds.add(view.sessionId);
          if (view.sessionFile !== undefined) remainingSessionFiles.add(view.sessionFile);
        }
        if (!dryRun) for (const view of removed) delete store[view.key];
        // Decided: the reaper may check transcripts while the host saves the store.
        onSelected?.({ removed, remainingSessionIds, remainingSessionFiles });
        return {
          removed,
          remainingSessionIds,
          remainingSessionFiles,
          written: !dryRun && removed.length > 0,
          entriesBefore: keys.length,
        };
      },
      {
        // Remove exactly what was selected: the host's own pruning stays the host's business.
        skipMaintenance: true,
        skipSaveWhenResult: (result) => !result.written,
      },
    );

  return {
    name: OPENCLAW_HOST_BACKEND,
    removeEntries: (storePath, select, options) =>
      removeInHost(
        storePath,
        (views) => new Set(views.filter((view) => select(view) === true).map((view) => view.key)),
        options,
      ),
    // The host hands over the whole store under its writer, so whole-store rules such as
    // maxRunsPerJob are decided and applied in the same pass.
    removeSelected: (storePath, selectAll, options) => removeInHost(storePath, selectAll, options),
    async identify(storePath) {
      try {
        const info = await stat(storePath);
        return `${info.ino}:${info.size}:${info.mtimeMs}`;
      } catch {
        return null;
      }
    },
  };
}

function toEntryView(key: string, entry: unknown): EntryView {
  const view: EntryView = { key };
  if (entry === null || typeof entry !== "object") return view;
  const { sessionId, updatedAt, sessionFile } = entry as Record<string, unknown>;
  if (typeof sessionId === "string") view.sessionId = sessionId;
  if (typeof updatedAt === "number" && Number.isFinite(updatedAt)) view.updatedAt = updatedAt;
  if (typeof sessionFile === "string") view.sessionFile = sessionFile;
  return view;
}
