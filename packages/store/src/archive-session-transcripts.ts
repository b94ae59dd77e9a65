import { link, lstat, realpath, rename, unlink } from "node:fs/promises";
import { dirname, isAbsolute, join, relative, resolve, sep } from "node:path";
import { formatArchiveStamp } from "./archive-stamp";
import { errnoCode } from "./errors";
import type { ArchiveReason } from "./types";

/** sessionIds that are safe as a file name: no separators, no leading dot, bounded length. */
const SESSION_ID = /^[a-z0-9][a-z0-9._-]{0,127}$/i;
/** Only transcripts are ever archived, whatever an entry's `sessionFile` names. */
const TRANSCRIPT_SUFFIX = ".jsonl";
/** Collision counters tried before giving up on one transcript. */
const MAX_COUNTER = 1_000;
/** `link` errors meaning "hard links not supported here", not "cannot archive". */
const NO_HARD_LINKS = new Set(["EPERM", "ENOTSUP", "EOPNOTSUPP", "ENOSYS", "EMLINK"]);

/** What to archive: one session's transcripts, located from its store entry. */
export interface ArchiveSessionTranscriptsParams {
  sessionId: string;
  /** The entry's `sessionFile`: absolute, or relative to the store's directory. */
  sessionFile?: string;
  storePath: string;
  reason: ArchiveReason;
  /** The archive time written into the name; defaults to the wall clock. */
  nowMs?: number;
  /** Report what would be archived without renaming anything. */
  dryRun?: boolean;
}

/**
 * Renames a session's transcripts to `<file>.<reason>.<stamp>` (SPEC §1.4), never overwriting an
 * archive. Only `.jsonl` regular files whose real path is strictly inside the real store dir are
 * touched; anything else is skipped. Returns the paths archived; throws only for a bad `nowMs`.
 */
export async function archiveSessionTranscripts(
  params: ArchiveSessionTranscriptsParams,
): Promise<string[]> {
  const stamp = formatArchiveStamp(params.nowMs ?? Date.now());
  if (typeof params.sessionId !== "string" || !SESSION_ID.test(params.sessionId)) return [];
  const storeDir = dirname(resolve(params.storePath));
  const realStoreDir = await realpath(storeDir).catch(() => null);
  if (realStoreDir === null) return [];

  const archived: string[] = [];
  const seen = new Set<string>();
  for (const candidate of candidatePaths(params, storeDir)) {
    const inside = await resolveInside(candidate, realStoreDir);
    if (inside === null || seen.has(inside.realPath)) continue;
    seen.add(inside.realPath);
    // Reported under the caller's store dir, naming the file that was actually renamed.
    const reported = join(storeDir, inside.relativePath);
    if (params.dryRun) {
      archived.push(reported);
      continue;
    }
    const target = `${inside.realPath}.${params.reason}.${stamp}`;
    if ((await renameWithoutOverwrite(inside.realPath, target)) !== null) archived.push(reported);
  }
  return archived;
}

function candidatePaths(params: ArchiveSessionTranscriptsParams, storeDir: string): string[] {
  const candidates: string[] = [];
  const { sessionFile } = params;
  if (typeof sessionFile === "string" && sessionFile.trim() !== "" && !sessionFile.includes("\0")) {
    candidates.push(resolve(storeDir, sessionFile));
  }
  candidates.push(join(storeDir, `${params.sessionId}${TRANSCRIPT_SUFFIX}`));
  return candidates;
}

/** The candidate's real path and its path relative to the real store dir, if it may be archived. */
async function resolveInside(
  candidate: string,
  realStoreDir: string,
): Promise<{ realPath: string; relativePath: string } | null> {
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

/**
 * Renames `source` to `target`, or `target.<n>` for the first free n. `link` fails if the name
 * exists, so an archive can never be overwritten, even by a concurrent archiver; the source name
 * is unlinked after. Where hard links are unsupported it falls back to check-then-rename, which
 * leaves a tiny race window. Returns the archive path, or null if the file could not be archived.
 */
async function renameWithoutOverwrite(source: string, target: string): Promise<string | null> {
  for (let counter = 0; counter <= MAX_COUNTER; counter++) {
    const candidate = counter === 0 ? target : `${target}.${counter}`;
    try {
      await link(source, candidate);
    } catch (error) {
      const code = errnoCode(error);
      if (code === "EEXIST") continue;
      if (code !== undefined && NO_HARD_LINKS.has(code)) {
        if (await exists(candidate)) continue;
        return rename(source, candidate).then(
          () => candidate,
          () => null,
        );
      }
      return null;
    }
    try {
      await unlink(source);
    } catch (error) {
      // Someone else removed the source meanwhile: our link is then the only copy, keep it.
      if (errnoCode(error) === "ENOENT") return candidate;
      await unlink(candidate).catch(() => undefined);
      return null;
    }
    return candidate;
  }
  return null;
}

async function exists(path: string): Promise<boolean> {
  try {
    await lstat(path);
    return true;
  } catch (error) {
    return errnoCode(error) !== "ENOENT";
  }
}
