import { lstat, realpath } from "node:fs/promises";
import { basename, dirname, isAbsolute, join, relative, resolve, sep } from "node:path";
import { performance } from "node:perf_hooks";
import { formatArchiveStamp } from "./archive-stamp";
import { mapBounded } from "./map-bounded";
import {
  type DirectoryProbe,
  listDirectoryKinds,
  lstatDirectoryKinds,
  type NameKind,
} from "./probe-directory-names";
import { renameWithoutOverwrite } from "./rename-without-overwrite";
import type { ArchiveReason } from "./types";

/** sessionIds that are safe as a file name: no separators, no leading dot, bounded length. */
const SESSION_ID = /^[a-z0-9][a-z0-9._-]{0,127}$/i;
/** The common case of SESSION_ID, which no letter-case folding can change. */
const LOWER_CASE_SESSION_ID = /^[a-z0-9][a-z0-9._-]{0,127}$/;
/** Only transcripts are ever archived, whatever an entry's `sessionFile` names. */
const TRANSCRIPT_SUFFIX = ".jsonl";
/** No separator (nor a drive colon), not "." or "..": an entry of the store dir itself. */
const PLAIN_NAME = /^(?!\.\.?$)[^/\\:]+$/;
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
  const storeDir = dirname(resolve(params.storePath));
  const { candidates, owners } = candidatePaths(params.sessions, storeDir);
  if (candidates.length === 0) return [];
  const realStoreDir = await realpath(storeDir).catch(() => null);
  if (realStoreDir === null) return [];

  // Candidates named directly in the store dir (nearly all) are looked up in one listing.
  const probe = await probeStoreDir(realStoreDir, candidates);
  const resolved = candidates.map((candidate) => locate(candidate, probe, realStoreDir));
  const verdicts = params.stillInUse
    ? askSessionsInUse(resolved, owners, params.sessions, params.stillInUse)
    : null;
  // Links, subdirectories and paths elsewhere get the full check, a few at a time.
  const toCheck: number[] = [];
  resolved.forEach((inside, index) => {
    if (inside === FULL_CHECK) toCheck.push(index);
  });
  await mapBounded(toCheck, PARALLEL, async (index) => {
    resolved[index] = await resolveInside(
      candidatePath(candidates[index] as Candidate, storeDir),
      realStoreDir,
    );
  });

  // A transcript named by several sessions or candidates is archived once, for the first; one
  // that a session still in use names stays, whichever other session names it too.
  const seen = new Set<string>();
  resolved.forEach((inside, index) => {
    if (inside === null || inside === FULL_CHECK) return;
    if (verdicts?.[owners[index] as number] === IN_USE) seen.add(inside.realPath);
  });
  const found: Inside[] = [];
  for (const inside of resolved) {
    if (inside === null || inside === FULL_CHECK || seen.has(inside.realPath)) continue;
    seen.add(inside.realPath);
    found.push(inside);
  }
  // Reported under the caller's store dir, naming the file that was actually renamed.
  const reported = (inside: Inside) => join(storeDir, inside.relativePath);
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
 * A place a transcript may be: `<sessionId>.jsonl` (by its `stem`, the sessionId), a plain
 * `name` in the store dir, or any other `path` (subdirectory, absolute, `..`).
 */
type Candidate =
  | { stem: string; mayFold: boolean }
  | { name: string }
  | { path: string; name: string | null };

/** A candidate that may be archived: its real path and its path relative to the real store dir. */
interface Inside {
  realPath: string;
  relativePath: string;
}

/**
 * Per session with a safe sessionId: its `sessionFile` (if any), then `<sessionId>.jsonl`; and
 * for each candidate, the index of its session in `sessions`.
 */
function candidatePaths(
  sessions: readonly TranscriptSession[],
  storeDir: string,
): { candidates: Candidate[]; owners: number[] } {
  const candidates: Candidate[] = [];
  const owners: number[] = [];
  for (let index = 0; index < sessions.length; index++) {
    const { sessionId, sessionFile } = sessions[index] as TranscriptSession;
    // An unsafe sessionId disqualifies the whole session, its sessionFile included.
    if (typeof sessionId !== "string") continue;
    const lowerCase = LOWER_CASE_SESSION_ID.test(sessionId);
    if (!lowerCase && !SESSION_ID.test(sessionId)) continue;
    if (
      typeof sessionFile === "string" &&
      sessionFile.trim() !== "" &&
      !sessionFile.includes("\0") &&
      !isDefaultFileName(sessionFile, sessionId)
    ) {
      candidates.push(sessionFileCandidate(sessionFile, storeDir));
      owners.push(index);
    }
    // A safe sessionId has no separator and no leading dot: it needs no path arithmetic.
    candidates.push({ stem: sessionId, mayFold: !lowerCase });
    owners.push(index);
  }
  return { candidates, owners };
}

const IN_USE = 1;
const FREE = 2;

/**
 * Asks `stillInUse` about each session with a candidate that may be archived (found, or left to
 * the full check), once, in session order, and about no other. Returns the answers per session
 * index: IN_USE, FREE, or 0 for a session not asked.
 */
function askSessionsInUse(
  resolved: readonly (Inside | null | typeof FULL_CHECK)[],
  owners: readonly number[],
  sessions: readonly TranscriptSession[],
  stillInUse: (session: TranscriptSession) => boolean,
): Uint8Array {
  const verdicts = new Uint8Array(sessions.length);
  resolved.forEach((inside, index) => {
    const owner = owners[index] as number;
    if (inside === null || verdicts[owner] !== 0) return;
    verdicts[owner] = stillInUse(sessions[owner] as TranscriptSession) ? IN_USE : FREE;
  });
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
  if (PLAIN_NAME.test(sessionFile)) return { name: sessionFile };
  const path = resolve(storeDir, sessionFile);
  return { path, name: dirname(path) === storeDir ? basename(path) : null };
}

function candidatePath(candidate: Candidate, storeDir: string): string {
  if ("stem" in candidate) return join(storeDir, `${candidate.stem}${TRANSCRIPT_SUFFIX}`);
  return "path" in candidate ? candidate.path : join(storeDir, candidate.name);
}

function candidateName(candidate: Candidate): string | null {
  return "stem" in candidate ? `${candidate.stem}${TRANSCRIPT_SUFFIX}` : candidate.name;
}

/** One listing of the store dir for many candidates; an `lstat` per name for a few. */
async function probeStoreDir(
  realStoreDir: string,
  candidates: readonly Candidate[],
): Promise<DirectoryProbe> {
  if (candidates.length > LSTAT_LIMIT) {
    const listing = await listDirectoryKinds(realStoreDir, TRANSCRIPT_SUFFIX);
    if (listing !== null) return listing;
  }
  const names = candidates.map(candidateName).filter((name): name is string => name !== null);
  return lstatDirectoryKinds(realStoreDir, names, TRANSCRIPT_SUFFIX, PARALLEL);
}

/** Marks a candidate that only the full path check can decide. */
const FULL_CHECK = Symbol("full check");

/** Where a candidate lives, if it may be archived, as far as the probe tells; no I/O. */
function locate(
  candidate: Candidate,
  probe: DirectoryProbe,
  realStoreDir: string,
): Inside | null | typeof FULL_CHECK {
  let kind: NameKind;
  let name: string;
  if ("stem" in candidate) {
    kind = probe.kindOfStem(candidate.stem, candidate.mayFold);
    if (kind !== "file") return kind === "check" ? FULL_CHECK : null;
    name = `${candidate.stem}${TRANSCRIPT_SUFFIX}`;
  } else {
    if (candidate.name === null) return FULL_CHECK;
    name = candidate.name;
    kind = probe.kindOf(name);
    if (kind !== "file") return kind === "check" ? FULL_CHECK : null;
    if (!name.endsWith(TRANSCRIPT_SUFFIX)) return null;
  }
  // A regular file (not a link) directly in the real store dir: its real path is known, and a
  // plain name is never "" or "..", so it is strictly inside.
  return { realPath: join(realStoreDir, name), relativePath: name };
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
