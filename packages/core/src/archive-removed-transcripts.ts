import { dirname, join, resolve } from "node:path";
import type { EntryView, TranscriptSession } from "@session-reaper/store";
import { archiveSessionTranscriptsBatch } from "@session-reaper/store";
import type { Logger } from "./logger";

/** Outcome of archiving the transcripts of removed sessions. */
export interface ArchiveOutcome {
  paths: string[];
  /** Why archiving failed, if it did (unsafe or missing transcripts are skipped, not errors). */
  error?: unknown;
}

/** What the entries that stay still reference, read in the removal's locked pass. */
export interface RemainingReferences {
  sessionIds: ReadonlySet<string>;
  /** `sessionFile` values as written (absolute, or relative to the store dir). */
  sessionFiles?: ReadonlySet<string> | undefined;
}

/**
 * Archives the transcripts of removed sessions that no remaining entry references — by sessionId
 * (a base cron key sharing the run's sessionId protects its transcript) or by naming one of the
 * session's transcript paths in its `sessionFile` — all in one store batch: the store dir is
 * listed once instead of probing every session. A failure is logged and reported, never thrown.
 */
export async function archiveRemovedTranscripts(
  removed: readonly EntryView[],
  remaining: RemainingReferences,
  context: { storePath: string; nowMs: number; dryRun: boolean; log: Logger },
): Promise<ArchiveOutcome> {
  // A run removed under several keys names its transcript several times: the batch archives
  // (and reports) each file once.
  const unreferenced = removed.filter(
    (view): view is EntryView & TranscriptSession =>
      !!view.sessionId && !remaining.sessionIds.has(view.sessionId),
  );
  const sessions = withoutFilesStillNamed(unreferenced, remaining.sessionFiles, context.storePath);
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

/**
 * Drops every session one of whose transcript paths (its `sessionFile`, `<sessionId>.jsonl`),
 * resolved against the store dir, is also named by a remaining entry's `sessionFile`. Paths are
 * compared as written and resolved, not through symlinks.
 */
function withoutFilesStillNamed<T extends TranscriptSession>(
  sessions: T[],
  remainingFiles: ReadonlySet<string> | undefined,
  storePath: string,
): T[] {
  if (sessions.length === 0 || !remainingFiles || remainingFiles.size === 0) return sessions;
  const storeDir = dirname(resolve(storePath));
  // Resolved candidate path → the sessions it belongs to; file names first, a cheap filter
  // before resolving each remaining entry's path.
  const owners = new Map<string, number[]>();
  const names = new Set<string>();
  sessions.forEach((session, index) => {
    const paths = [join(storeDir, `${session.sessionId}.jsonl`)];
    if (session.sessionFile) paths.push(resolve(storeDir, session.sessionFile));
    for (const path of paths) {
      names.add(fileName(path));
      const list = owners.get(path);
      if (list) list.push(index);
      else owners.set(path, [index]);
    }
  });
  const named = new Set<number>();
  for (const file of remainingFiles) {
    if (!names.has(fileName(file))) continue;
    for (const index of owners.get(resolve(storeDir, file)) ?? []) named.add(index);
  }
  return named.size === 0 ? sessions : sessions.filter((_, index) => !named.has(index));
}

/** The last path segment, for either separator. */
function fileName(path: string): string {
  return path.slice(Math.max(path.lastIndexOf("/"), path.lastIndexOf("\\")) + 1);
}
