import type { EntryView } from "@session-reaper/store";
import { archiveSessionTranscripts } from "@session-reaper/store";
import type { Logger } from "./logger";

/** Outcome of archiving the transcripts of removed sessions. */
export interface ArchiveOutcome {
  paths: string[];
  /** The first failure, if any; later sessions are still tried. */
  error?: unknown;
}

/**
 * Archives the transcripts of removed sessions that no remaining entry references (a base cron
 * key sharing the run's sessionId protects its transcript). Each session is tried once; a
 * failure is logged and reported, never thrown.
 */
export async function archiveRemovedTranscripts(
  removed: readonly EntryView[],
  remainingSessionIds: ReadonlySet<string>,
  context: { storePath: string; nowMs: number; dryRun: boolean; log: Logger },
): Promise<ArchiveOutcome> {
  const seen = new Set<string>();
  const paths = new Set<string>();
  let error: unknown;
  for (const view of removed) {
    const { sessionId, sessionFile } = view;
    if (!sessionId || remainingSessionIds.has(sessionId)) continue;
    // A run written under several keys shares one transcript: try each (id, file) pair once.
    const pair = `${sessionId}\0${sessionFile ?? ""}`;
    if (seen.has(pair)) continue;
    seen.add(pair);
    try {
      const archived = await archiveSessionTranscripts({
        sessionId,
        ...(sessionFile === undefined ? {} : { sessionFile }),
        storePath: context.storePath,
        reason: "deleted",
        nowMs: context.nowMs,
        dryRun: context.dryRun,
      });
      for (const path of archived) paths.add(path);
    } catch (caught) {
      error ??= caught;
      context.log.warn(
        { storePath: context.storePath, sessionId, err: caught },
        "session sweep could not archive a transcript",
      );
    }
  }
  return error === undefined ? { paths: [...paths] } : { paths: [...paths], error };
}
