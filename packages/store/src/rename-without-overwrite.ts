import { linkSync, lstatSync, renameSync, unlinkSync } from "node:fs";
import { errnoCode } from "./errors";

/** Collision counters tried before giving up on one file. */
const MAX_COUNTER = 1_000;
/** `link` errors meaning "hard links not supported here", not "cannot archive". */
const NO_HARD_LINKS = new Set(["EPERM", "ENOTSUP", "EOPNOTSUPP", "ENOSYS", "EMLINK"]);

/**
 * Renames `source` to `target`, or `target.<n>` for the first free n. `link` fails if the name
 * exists, so an archive can never be overwritten, even by a concurrent archiver; the source name
 * is unlinked after (two syscalls when nothing collides). Where hard links are unsupported it
 * falls back to check-then-rename, which leaves a tiny race window. Returns the archive path, or
 * null if the file could not be archived; never throws.
 *
 * Synchronous: a sweep archives hundreds of files, and each call through the thread pool costs
 * more on the main thread than the call itself (the 501 link + unlink pairs of a forced F1 sweep
 * on the benchmark machine, medians of 25 sweeps: 11.4–11.8 ms with 64 callback calls in flight,
 * 7.6 ms as synchronous calls in 1 ms slices). Callers bound how long they block (see
 * archiveSessionTranscriptsBatch).
 */
export function renameWithoutOverwrite(source: string, target: string): string | null {
  for (let counter = 0; counter <= MAX_COUNTER; counter++) {
    const candidate = counter === 0 ? target : `${target}.${counter}`;
    try {
      linkSync(source, candidate);
    } catch (error) {
      const code = errnoCode(error);
      if (code === "EEXIST") continue;
      if (code === undefined || !NO_HARD_LINKS.has(code)) return null;
      // Anything but "missing" (it exists, or cannot be checked) means: not this name.
      if (!isMissing(candidate)) continue;
      try {
        renameSync(source, candidate);
        return candidate;
      } catch {
        return null;
      }
    }
    try {
      unlinkSync(source);
    } catch (error) {
      // ENOENT: someone else removed the source meanwhile; our link is the only copy now.
      if (errnoCode(error) !== "ENOENT") {
        try {
          unlinkSync(candidate);
        } catch {
          // The source is still in place; a second name for it is all that is left behind.
        }
        return null;
      }
    }
    return candidate;
  }
  return null;
}

function isMissing(path: string): boolean {
  try {
    return lstatSync(path, { throwIfNoEntry: false }) === undefined;
  } catch {
    return false;
  }
}
