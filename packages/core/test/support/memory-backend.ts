import type { EntryView } from "@session-reaper/store";
import type { BackendRemoveResult, SessionStoreBackend } from "../../src/session-store-backend";

/** Call counters of the in-memory backend, to prove what the core did and did not do. */
export interface MemoryBackendCalls {
  removeEntries: number;
  removeSelected: number;
  identify: number;
  writes: number;
}

/** An in-memory store backend: proves the core works through the port alone. */
export interface MemoryBackend extends SessionStoreBackend {
  stores: Map<string, Map<string, EntryView>>;
  calls: MemoryBackendCalls;
  /** Makes the next removal pass on this path throw (e.g. a corrupt store). */
  failNext(storePath: string, error: unknown): void;
  /** Another writer adds or replaces an entry (changes the store's identity). */
  put(storePath: string, view: EntryView): void;
}

/**
 * Builds an in-memory backend over `initial` (path → views). `selectAll: false` leaves out the
 * optional whole-store method, like a minimal host backend would.
 */
export function createMemoryBackend(
  initial: Record<string, EntryView[]> = {},
  options: { selectAll?: boolean; identify?: boolean } = {},
): MemoryBackend {
  const stores = new Map<string, Map<string, EntryView>>();
  for (const [path, views] of Object.entries(initial)) {
    stores.set(path, new Map(views.map((v) => [v.key, v])));
  }
  const versions = new Map<string, number>();
  const failures = new Map<string, unknown>();
  const calls: MemoryBackendCalls = { removeEntries: 0, removeSelected: 0, identify: 0, writes: 0 };

  const pass = (
    storePath: string,
    decide: (views: EntryView[]) => (view: EntryView) => boolean,
    dryRun: boolean,
  ): BackendRemoveResult => {
    if (failures.has(storePath)) {
      const failure = failures.get(storePath);
      failures.delete(storePath);
      throw failure;
    }
    const store = stores.get(storePath) ?? new Map<string, EntryView>();
    const views = [...store.values()];
    const select = decide(views);
    const removed: EntryView[] = [];
    const remainingSessionIds = new Set<string>();
    for (const v of views) {
      if (select(v)) removed.push(v);
      else if (v.sessionId !== undefined) remainingSessionIds.add(v.sessionId);
    }
    const written = !dryRun && removed.length > 0;
    if (written) {
      for (const v of removed) store.delete(v.key);
      versions.set(storePath, (versions.get(storePath) ?? 0) + 1);
      calls.writes += 1;
    }
    return { removed, remainingSessionIds, written, entriesBefore: views.length };
  };

  const backend: MemoryBackend = {
    name: "memory",
    stores,
    calls,
    failNext(storePath, error) {
      failures.set(storePath, error);
    },
    put(storePath, view) {
      const store = stores.get(storePath) ?? new Map<string, EntryView>();
      stores.set(storePath, store);
      store.set(view.key, view);
      versions.set(storePath, (versions.get(storePath) ?? 0) + 1);
    },
    async removeEntries(storePath, select, { dryRun }) {
      calls.removeEntries += 1;
      return pass(storePath, () => select, dryRun);
    },
  };
  if (options.selectAll !== false) {
    backend.removeSelected = async (storePath, selectAll, { dryRun }) => {
      calls.removeSelected += 1;
      return pass(
        storePath,
        (views) => {
          const chosen = selectAll(views);
          return (v) => chosen.has(v.key);
        },
        dryRun,
      );
    };
  }
  if (options.identify !== false) {
    backend.identify = (storePath) => {
      calls.identify += 1;
      return stores.has(storePath) ? `v${versions.get(storePath) ?? 0}` : null;
    };
  }
  return backend;
}

/** A logger that records every call, for asserting log lines. */
export function createRecordingLogger() {
  const lines: Array<{ level: string; obj: Record<string, unknown>; msg: string | undefined }> = [];
  const at = (level: string) => (obj: Record<string, unknown>, msg?: string) => {
    lines.push({ level, obj, msg });
  };
  return {
    lines,
    logger: { debug: at("debug"), info: at("info"), warn: at("warn"), error: at("error") },
  };
}
