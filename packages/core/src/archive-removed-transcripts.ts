import type { EntryView, TranscriptSession } from "@session-reaper/store";
import { archiveSessionTranscriptsBatch } from "@session-reaper/store";
import type { Logger } from "./logger";

/** Outcome of archiving the transcripts of removed sessions. */
export interface ArchiveOutcome {
  paths: string[];
  /** Why archiving failed, if it did (unsafe or missing transcripts are skipped, not errors). */
  error?: unknown;
}

/**
 * Archives the transcripts of removed sessions that no remaining entry references (a base cron
 * key sharing the run's sessionId protects its transcript), all in one store batch: the store dir
 * is listed once instead of probing every session. A failure is logged and reported, never thrown.
 */
export async function archiveRemovedTranscripts(
  removed: readonly EntryView[],
  remainingSessionIds: ReadonlySet<string>,
  context: { storePath: string; nowMs: number; dryRun: boolean; log: Logger },
): Promise<ArchiveOutcome> {
  // A run removed under several keys names its transcript several times: the batch archives
  // (and reports) each file once.
  const sessions = removed.filter(
    (view): view is EntryView & TranscriptSession =>
      !!view.sessionId && !remainingSessionIds.has(view.sessionId),
  );
  if (sessions.length === 0) return { paths: [] };
  try {
    const paths = await archiveSessionTranscriptsBatch({
      storePath: context.storePath,
      sessions,
      reason: "deleted",
      nowMs: context.nowMs,
      dryRun: context.dryRun,
    });
    return { paths };
  } catch (error) {
    context.log.warn(
      { storePath: context.storePath, sessions: sessions.length, err: error },
      "session sweep could not archive transcripts",
    );
    return { paths: [], error };
  }
}
