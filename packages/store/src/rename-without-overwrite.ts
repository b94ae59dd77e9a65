import { link, lstat, rename, unlink } from "node:fs/promises";
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
 */
export async function renameWithoutOverwrite(
  source: string,
  target: string,
): Promise<string | null> {
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
