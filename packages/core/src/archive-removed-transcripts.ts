import { dirname, resolve } from "node:path";
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
 * compared as written and resolved, not through symlinks. Only a session sharing a file name
 * with a remaining `sessionFile` has its paths resolved, and `<sessionId>.jsonl` is looked up by
 * its stem without building the name: a removal pass hands over thousands of sessions, and
 * resolving (or even concatenating) every path costs more than the archiving itself.
 */
function withoutFilesStillNamed<T extends TranscriptSession>(
  sessions: T[],
  remainingFiles: ReadonlySet<string> | undefined,
  storePath: string,
): T[] {
  if (sessions.length === 0 || !remainingFiles || remainingFiles.size === 0) return sessions;
  // Remaining sessionFiles by file name, and those named `<stem>.jsonl` also by stem.
  const remainingByName = new Map<string, string[]>();
  const remainingByStem = new Map<string, string[]>();
  for (const file of remainingFiles) {
    const name = fileName(file);
    addTo(remainingByName, name, file);
    if (name.length > TRANSCRIPT_SUFFIX.length && name.endsWith(TRANSCRIPT_SUFFIX)) {
      addTo(remainingByStem, name.slice(0, -TRANSCRIPT_SUFFIX.length), file);
    }
  }
  let storeDir: string | undefined;
  // Only called for the rare session that shares a file name with a remaining sessionFile.
  const namedBy = (sameName: readonly string[], candidate: string): boolean => {
    storeDir ??= dirname(resolve(storePath));
    const target = resolve(storeDir, candidate);
    return sameName.some((file) => resolve(storeDir as string, file) === target);
  };
  return sessions.filter((session) => {
    const { sessionId, sessionFile } = session;
    const byStem = remainingByStem.get(sessionId);
    if (byStem && namedBy(byStem, `${sessionId}${TRANSCRIPT_SUFFIX}`)) return false;
    if (sessionFile === undefined || sessionFile === "") return true;
    const byName = remainingByName.get(fileName(sessionFile));
    return !(byName && namedBy(byName, sessionFile));
  });
}

const TRANSCRIPT_SUFFIX = ".jsonl";

function addTo(map: Map<string, string[]>, key: string, value: string): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}

/** The last path segment, for either separator. */
function fileName(path: string): string {
  const slash = Math.max(path.lastIndexOf("/"), path.lastIndexOf("\\"));
  return slash < 0 ? path : path.slice(slash + 1);
}
