import { lstat, realpath } from "node:fs/promises";
import { basename, dirname, isAbsolute, relative, resolve, sep } from "node:path";
import { performance } from "node:perf_hooks";
import { formatArchiveStamp } from "./archive-stamp";
import { mapBounded } from "./map-bounded";
import {
  type DirectoryProbe,
  listDirectoryKinds,
  lstatDirectoryKinds,
} from "./probe-directory-names";
import { renameWithoutOverwrite } from "./rename-without-overwrite";
import type { ArchiveReason } from "./types";

/** sessionIds that are safe as a file name: no separators, no leading dot, bounded length. */
const SESSION_ID = /^[a-z0-9][a-z0-9._-]{0,127}$/i;
/** Only transcripts are ever archived, whatever an entry's `sessionFile` names. */
const TRANSCRIPT_SUFFIX = ".jsonl";
/**
 * Checks in flight at once: the lstat probes of a few candidates, and the full path checks of
 * those the directory listing cannot decide (links, subdirectories, paths elsewhere); both are
 * few per batch.
 */
const PARALLEL = 16;
/**
 * The longest the renames of a batch run without yielding to the event loop, in ms: each rename
 * is two synchronous calls (see renameWithoutOverwrite), and the host's timers and I/O must not
 * wait for hundreds of them. Only a call already under way when the time is up can exceed it.
 */
const RENAME_SLICE_MS = 1;
/** Up to this many candidates, one `lstat` each is cheaper than listing a large directory. */
const LSTAT_LIMIT = 16;

/** One session whose transcripts to archive, located from its store entry. */
export interface TranscriptSession {
  sessionId: string;
  /** The entry's `sessionFile`: absolute, or relative to the store's directory. */
  sessionFile?: string | undefined;
}

/** What to archive: the transcripts of many sessions of one store. */
export interface ArchiveSessionTranscriptsBatchParams {
  storePath: string;
  sessions: readonly TranscriptSession[];
  reason: ArchiveReason;
  /** The archive time written into the names; defaults to the wall clock. */
  nowMs?: number;
  /** Report what would be archived without renaming anything. */
  dryRun?: boolean;
  /**
   * Asked once for each session that has a transcript to archive (and only for those), before
   * anything is renamed; `true` leaves every transcript of that session where it is, even one
   * that another session names too (e.g. an entry that stays still uses the session). What it
   * throws, the batch throws.
   */
  stillInUse?: (session: TranscriptSession) => boolean;
  /**
   * Awaited after every check, right before the first rename (in a dry run too): `false`
   * cancels the renames and the batch returns []; a rejection is thrown. Lets a caller check the
   * transcripts while the store write that removes their entries is still in flight, and rename
   * them only once that write succeeded.
   */
  renameAfter?: PromiseLike<boolean> | undefined;
}

/** What to archive: one session's transcripts, located from its store entry. */
export interface ArchiveSessionTranscriptsParams
  extends TranscriptSession,
    Omit<ArchiveSessionTranscriptsBatchParams, "sessions" | "stillInUse" | "renameAfter"> {}

/**
 * Renames a session's transcripts to `<file>.<reason>.<stamp>` (SPEC §1.4), never overwriting an
 * archive. Only `.jsonl` regular files whose real path is strictly inside the real store dir are
 * touched; anything else is skipped. Returns the paths archived; throws only for a bad `nowMs`.
 */
export async function archiveSessionTranscripts(
  params: ArchiveSessionTranscriptsParams,
): Promise<string[]> {
  const { sessionId, sessionFile, ...rest } = params;
  return archiveSessionTranscriptsBatch({ ...rest, sessions: [{ sessionId, sessionFile }] });
}

/**
 * {@link archiveSessionTranscripts} for many sessions of one store at once: the store dir is
 * resolved, the stamp formatted and the dir listed once, and only transcripts that exist are
 * checked (several at a time) and renamed (for at most ~1 ms between two event-loop turns).
 * Returns the original paths archived (dry run: that would be), each once, in session order;
 * throws only for a bad `nowMs`.
 */
export async function archiveSessionTranscriptsBatch(
  params: ArchiveSessionTranscriptsBatchParams,
): Promise<string[]> {
  const stamp = formatArchiveStamp(params.nowMs ?? Date.now());
  const { sessions } = params;
  const storeDir = dirname(resolve(params.storePath));
  // A small batch is probed name by name: its names are known before any I/O.
  const few = namesToProbe(sessions, storeDir, LSTAT_LIMIT);
  if (few?.candidates === 0) return [];
  const realStoreDir = await realpath(storeDir).catch(() => null);
  if (realStoreDir === null) return [];

  // Candidates named directly in the store dir (nearly all) are looked up in one listing.
  const probe = await probeStoreDir(realStoreDir, storeDir, sessions, few?.names);
  const { located, owners } = locateTranscripts(sessions, storeDir, realStoreDir, probe);
  const verdicts = params.stillInUse ? askSessionsInUse(owners, sessions, params.stillInUse) : null;
  // Links, subdirectories and paths elsewhere get the full check, a few at a time.
  const resolved: (Inside | null)[] = located.map((place) => ("realPath" in place ? place : null));
  const toCheck: number[] = [];
  located.forEach((place, index) => {
    if ("check" in place) toCheck.push(index);
  });
  await mapBounded(toCheck, PARALLEL, async (index) => {
    resolved[index] = await resolveInside((located[index] as FullCheck).check, realStoreDir);
  });

  // A transcript named by several sessions or candidates is archived once, for the first; one
  // that a session still in use names stays, whichever other session names it too.
  const seen = new Set<string>();
  resolved.forEach((inside, index) => {
    if (inside !== null && verdicts?.[owners[index] as number] === IN_USE) {
      seen.add(inside.realPath);
    }
  });
  const found: Inside[] = [];
  for (const inside of resolved) {
    if (inside === null || seen.has(inside.realPath)) continue;
    seen.add(inside.realPath);
    found.push(inside);
  }
  // Reported under the caller's store dir, naming the file that was actually renamed.
  const reported = (inside: Inside) => inDirectory(storeDir, inside.relativePath);
  if (params.renameAfter !== undefined && (await params.renameAfter) !== true) return [];
  if (params.dryRun) return found.map(reported);
  const archived: string[] = [];
  let sliceStart = performance.now();
  for (const inside of found) {
    if (performance.now() - sliceStart >= RENAME_SLICE_MS) {
      await new Promise((resume) => setImmediate(resume));
      sliceStart = performance.now();
    }
    const target = `${inside.realPath}.${params.reason}.${stamp}`;
    if (renameWithoutOverwrite(inside.realPath, target) !== null) archived.push(reported(inside));
  }
  return archived;
}

/**
 * A place a transcript may be, other than `<sessionId>.jsonl`: a plain `name` in the store dir,
 * or any other `path` (subdirectory, absolute, `..`; `name` when it still lands in the store dir).
 */
type Candidate = { name: string } | { path: string; name: string | null };

/** A candidate that may be archived: its real path and its path relative to the real store dir. */
interface Inside {
  realPath: string;
  relativePath: string;
}

/** A candidate only the full path check can decide (a link, a subdirectory, a path elsewhere). */
interface FullCheck {
  check: string;
}

/**
 * Where each session's transcripts may be, as far as the probe tells (no I/O): per session
 * with a safe sessionId, its `sessionFile` (if any), then `<sessionId>.jsonl`, each kept only
 * when it is a regular file in the store dir or needs the full check; and for each place kept,
 * the index of its session in `sessions`. A sessionId is checked only once the probe found
 * something: nearly all sessions of a large batch have no transcript left.
 */
function locateTranscripts(
  sessions: readonly TranscriptSession[],
  storeDir: string,
  realStoreDir: string,
  probe: DirectoryProbe,
): { located: (Inside | FullCheck)[]; owners: number[] } {
  const located: (Inside | FullCheck)[] = [];
  const owners: number[] = [];
  for (let index = 0; index < sessions.length; index++) {
    const { sessionId, sessionFile } = sessions[index] as TranscriptSession;
    if (typeof sessionId !== "string") continue;
    const candidate = ownSessionFile(sessionFile, sessionId)
      ? sessionFileCandidate(sessionFile, storeDir)
      : null;
    const fromFile = candidate === null ? null : locate(candidate, probe, storeDir, realStoreDir);
    const stemKind = probe.kindOfStem(sessionId);
    if (fromFile === null && stemKind === "none") continue;
    // An unsafe sessionId disqualifies the whole session, its sessionFile included.
    if (!SESSION_ID.test(sessionId)) continue;
    if (fromFile !== null) {
      located.push(fromFile);
      owners.push(index);
    }
    if (stemKind !== "none") {
      // A safe sessionId has no separator and no leading dot: it needs no path arithmetic.
      const name = `${sessionId}${TRANSCRIPT_SUFFIX}`;
      located.push(
        stemKind === "file"
          ? { realPath: inDirectory(realStoreDir, name), relativePath: name }
          : { check: inDirectory(storeDir, name) },
      );
      owners.push(index);
    }
  }
  return { located, owners };
}

/** True when `sessionFile` names a candidate of its own, besides `<sessionId>.jsonl`. */
function ownSessionFile(sessionFile: unknown, sessionId: string): sessionFile is string {
  return (
    typeof sessionFile === "string" &&
    sessionFile.trim() !== "" &&
    !sessionFile.includes("\0") &&
    !isDefaultFileName(sessionFile, sessionId)
  );
}

const IN_USE = 1;
const FREE = 2;

/**
 * Asks `stillInUse` once about each session that owns a located place, in session order (the
 * order of `owners`), and about no other. Returns the answers per session index: IN_USE, FREE,
 * or 0 for a session not asked.
 */
function askSessionsInUse(
  owners: readonly number[],
  sessions: readonly TranscriptSession[],
  stillInUse: (session: TranscriptSession) => boolean,
): Uint8Array {
  const verdicts = new Uint8Array(sessions.length);
  for (const owner of owners) {
    if (verdicts[owner] !== 0) continue;
    verdicts[owner] = stillInUse(sessions[owner] as TranscriptSession) ? IN_USE : FREE;
  }
  return verdicts;
}

/** True when `sessionFile` is exactly `<sessionId>.jsonl`, which the sessionId candidate covers. */
function isDefaultFileName(sessionFile: string, sessionId: string): boolean {
  return (
    sessionFile.length === sessionId.length + TRANSCRIPT_SUFFIX.length &&
    sessionFile.endsWith(TRANSCRIPT_SUFFIX) &&
    sessionFile.startsWith(sessionId)
  );
}

/** A `sessionFile` candidate; a bare file name (the usual case) needs no path arithmetic. */
function sessionFileCandidate(sessionFile: string, storeDir: string): Candidate {
  if (isPlainFileName(sessionFile)) return { name: sessionFile };
  const path = resolve(storeDir, sessionFile);
  return { path, name: dirname(path) === storeDir ? basename(path) : null };
}

/**
 * True for a non-empty path with no separator (`/` or `\`) and no drive colon that is not "." or
 * "..": relative to a directory, it names an entry of that directory itself.
 */
export function isPlainFileName(path: string): boolean {
  return (
    path !== "" &&
    path !== "." &&
    path !== ".." &&
    path.indexOf("/") < 0 &&
    path.indexOf("\\") < 0 &&
    path.indexOf(":") < 0
  );
}

/** `dir` (absolute and normalized, as resolve and realpath return it) joined with `name`. */
function inDirectory(dir: string, name: string): string {
  return dir.endsWith(sep) ? `${dir}${name}` : `${dir}${sep}${name}`;
}

/**
 * The names in the store dir that the candidates of the sessions with a safe sessionId name (to
 * probe with one `lstat` each), and how many candidates there are; null once there are more
 * than `limit` (a batch that large lists the store dir instead).
 */
function namesToProbe(
  sessions: readonly TranscriptSession[],
  storeDir: string,
  limit = Number.POSITIVE_INFINITY,
): { names: string[]; candidates: number } | null {
  const names: string[] = [];
  let candidates = 0;
  for (const { sessionId, sessionFile } of sessions) {
    if (typeof sessionId !== "string" || !SESSION_ID.test(sessionId)) continue;
    if (ownSessionFile(sessionFile, sessionId)) {
      candidates++;
      const { name } = sessionFileCandidate(sessionFile, storeDir);
      if (name !== null) names.push(name);
    }
    candidates++;
    names.push(`${sessionId}${TRANSCRIPT_SUFFIX}`);
    if (candidates > limit) return null;
  }
  return { names, candidates };
}

/**
 * One listing of the store dir for a large batch; an `lstat` per name for a few (`names`), or
 * for all when the dir cannot be listed.
 */
async function probeStoreDir(
  realStoreDir: string,
  storeDir: string,
  sessions: readonly TranscriptSession[],
  names: readonly string[] | undefined,
): Promise<DirectoryProbe> {
  if (names !== undefined) {
    return lstatDirectoryKinds(realStoreDir, names, TRANSCRIPT_SUFFIX, PARALLEL);
  }
  const listing = await listDirectoryKinds(realStoreDir, TRANSCRIPT_SUFFIX);
  if (listing !== null) return listing;
  const all = namesToProbe(sessions, storeDir)?.names ?? [];
  return lstatDirectoryKinds(realStoreDir, all, TRANSCRIPT_SUFFIX, PARALLEL);
}

/** Where a `sessionFile` candidate lives, if it may be archived, as far as the probe tells. */
function locate(
  candidate: Candidate,
  probe: DirectoryProbe,
  storeDir: string,
  realStoreDir: string,
): Inside | FullCheck | null {
  const { name } = candidate;
  if (name === null) return { check: (candidate as { path: string }).path };
  const kind = probe.kindOf(name);
  if (kind === "none") return null;
  if (kind === "check") {
    return { check: "path" in candidate ? candidate.path : inDirectory(storeDir, name) };
  }
  if (!name.endsWith(TRANSCRIPT_SUFFIX)) return null;
  // A regular file (not a link) directly in the real store dir: its real path is known, and a
  // plain name is never "" or "..", so it is strictly inside.
  return { realPath: inDirectory(realStoreDir, name), relativePath: name };
}

/** The full check: real path (symlinks resolved) strictly inside, a `.jsonl` regular file. */
async function resolveInside(candidate: string, realStoreDir: string): Promise<Inside | null> {
  try {
    const realPath = await realpath(candidate);
    const relativePath = relative(realStoreDir, realPath);
    const strictlyInside =
      relativePath !== "" &&
      relativePath !== ".." &&
      !relativePath.startsWith(`..${sep}`) &&
      !isAbsolute(relativePath);
    if (!strictlyInside || !realPath.endsWith(TRANSCRIPT_SUFFIX)) return null;
    // lstat on the resolved path: a regular file, not a directory, socket or device.
    if (!(await lstat(realPath)).isFile()) return null;
    return { realPath, relativePath };
  } catch {
    return null; // missing, unreadable or a dangling link: nothing to archive
  }
}
