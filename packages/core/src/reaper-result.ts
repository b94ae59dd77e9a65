import type { ReaperResult } from "./types";

/** A result for `storePath` that did nothing yet: not swept, all counts zero. */
export function emptyReaperResult(storePath: string, dryRun: boolean): ReaperResult {
  return {
    swept: false,
    pruned: 0,
    archived: 0,
    archivesRemoved: 0,
    dryRun,
    prunedKeys: [],
    storePath,
    removed: [],
    archivedPaths: [],
    archivesRemovedPaths: [],
    durationMs: 0,
  };
}

/** The `error` field of a result: the thrown value's string `code` (else `SWEEP_FAILED`) and message. */
export function reaperErrorInfo(error: unknown): { code: string; message: string } {
  const { code, message } = (error ?? {}) as { code?: unknown; message?: unknown };
  return {
    code: typeof code === "string" ? code : "SWEEP_FAILED",
    message: typeof message === "string" ? message : String(error),
  };
}
