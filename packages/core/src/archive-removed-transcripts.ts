import { basename, dirname, resolve } from "node:path";
import type { EntryView, TranscriptSession } from "@session-reaper/store";
import { archiveSessionTranscriptsBatch, isPlainFileName } from "@session-reaper/store";
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
 * listed once instead of probing every session, and only sessions with a transcript in it are
 * checked against the remaining references. A failure is logged and reported, never thrown.
 */
export async function archiveRemovedTranscripts(
  removed: readonly EntryView[],
  remaining: RemainingReferences,
  context: {
    storePath: string;
    nowMs: number;
    dryRun: boolean;
    log: Logger;
    /** Renames (and dry-run reports) wait for it; false archives nothing (see the batch). */
    renameAfter?: PromiseLike<boolean> | undefined;
  },
): Promise<ArchiveOutcome> {
  // A run removed under several keys names its transcript several times: the batch archives
  // (and reports) each file once.
  const sessions = removed.filter(
    (view): view is EntryView & TranscriptSession => !!view.sessionId,
  );
  if (sessions.length === 0) return { paths: [] };
  try {
    const paths = await archiveSessionTranscriptsBatch({
      storePath: context.storePath,
      sessions,
      reason: "deleted",
      nowMs: context.nowMs,
      dryRun: context.dryRun,
      stillInUse: stillReferenced(remaining, context.storePath),
      renameAfter: context.renameAfter,
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
 * Whether a remaining entry references a session: shares its sessionId, names one of its
 * transcript paths (its `sessionFile`, `<sessionId>.jsonl`), resolved against the store dir, in
 * its own `sessionFile`, or has the sessionId whose default transcript `<id>.jsonl` in the store
 * dir the session's `sessionFile` names. Paths are compared as written and resolved, not through
 * symlinks. The batch asks only about sessions with a transcript to archive (a few hundred of a
 * removal's thousands). Nearly every remaining sessionFile is a plain name in the store dir, which
 * names the same file as another path only if that path resolves to it: so only the others are
 * resolved, once, on the first question that needs them.
 */
function stillReferenced(
  remaining: RemainingReferences,
  storePath: string,
): (session: TranscriptSession) => boolean {
  let storeDir: string | undefined;
  const dir = (): string => (storeDir ??= dirname(resolve(storePath)));
  const files = remaining.sessionFiles ?? new Set<string>();
  let elsewhere: Set<string> | undefined;
  const named = (candidate: string): boolean => {
    // The same text names the same path.
    if (files.has(candidate)) return true;
    elsewhere ??= resolvedUnlessPlain(files, dir());
    const plain = isPlainFileName(candidate);
    if (plain && elsewhere.size === 0) return false;
    const target = resolve(dir(), candidate);
    if (elsewhere.has(target)) return true;
    // "./x.jsonl" names the file of a remaining "x.jsonl".
    return !plain && dirname(target) === dir() && files.has(basename(target));
  };
  // A sessionFile naming `<id>.jsonl` in the store dir, where a remaining entry has sessionId <id>.
  const isDefaultOfRemaining = (sessionFile: string): boolean => {
    const name = fileName(sessionFile);
    if (!name.endsWith(TRANSCRIPT_SUFFIX)) return false;
    if (!remaining.sessionIds.has(name.slice(0, -TRANSCRIPT_SUFFIX.length))) return false;
    return resolve(dir(), sessionFile) === resolve(dir(), name);
  };
  return ({ sessionId, sessionFile }) => {
    if (remaining.sessionIds.has(sessionId)) return true;
    const hasFile = sessionFile !== undefined && sessionFile !== "";
    if (hasFile && isDefaultOfRemaining(sessionFile)) return true;
    if (files.size === 0) return false;
    return named(`${sessionId}${TRANSCRIPT_SUFFIX}`) || (hasFile && named(sessionFile));
  };
}

/** The paths of the `files` that are not plain names, resolved against `dir`. */
function resolvedUnlessPlain(files: ReadonlySet<string>, dir: string): Set<string> {
  const resolved = new Set<string>();
  for (const file of files) if (!isPlainFileName(file)) resolved.add(resolve(dir, file));
  return resolved;
}

const TRANSCRIPT_SUFFIX = ".jsonl";

/** The last path segment, for either separator. */
function fileName(path: string): string {
  const slash = Math.max(path.lastIndexOf("/"), path.lastIndexOf("\\"));
  return slash < 0 ? path : path.slice(slash + 1);
}
