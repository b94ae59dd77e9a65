import { randomBytes } from "node:crypto";
import type { Stats } from "node:fs";
import { type FileHandle, open, realpath, rename, stat, unlink } from "node:fs/promises";
import { basename, dirname, join } from "node:path";
import { errnoCode, isStoreError, storeIoError } from "./errors";

/** Mode of files this package creates: the store holds credentials-adjacent data, owner only. */
export const NEW_FILE_MODE = 0o600;
/** Buffers per `writev` call: Linux's IOV_MAX. */
const MAX_IOVECS = 1024;

/** File content: text (written as UTF-8), bytes, or byte chunks written back to back. */
export type FileData = string | Uint8Array | readonly Uint8Array[];

/** Options of {@link writeFileAtomic}. */
export interface WriteFileAtomicOptions {
  /** File mode to set; defaults to the existing file's mode, or 0600 for a new file. */
  mode?: number;
}

interface InternalWriteOptions extends WriteFileAtomicOptions {
  /** Runs after the data is durable in the temp file and before it replaces the target. */
  beforeRename?: () => Promise<void>;
}

/**
 * Replaces `path` atomically with `data` (a list of chunks is written back to back, uncopied):
 * readers see the old or the new content, never a mix, even if the process is killed. Throws
 * StoreError STORE_IO (temp file removed) when any step fails.
 */
export async function writeFileAtomic(
  path: string,
  data: FileData,
  options: WriteFileAtomicOptions = {},
): Promise<void> {
  await writeFileAtomically(path, data, options);
}

/**
 * {@link writeFileAtomic} plus a hook that may veto the final rename (used for lock checks).
 * Returns the stats of the file written, taken from its handle before the rename: the file that
 * replaced `path` (an fstat running alongside the fsync instead of a stat after the rename).
 */
export async function writeFileAtomically(
  path: string,
  data: FileData,
  options: InternalWriteOptions = {},
): Promise<Stats> {
  const target = await resolveSymlinkTarget(path);
  const mode = options.mode ?? (await existingMode(target)) ?? NEW_FILE_MODE;
  const dir = dirname(target);
  // pid + random bytes: unique across processes and concurrent calls, and recognisable as ours.
  const tempPath = join(
    dir,
    `${basename(target)}.${process.pid}.${randomBytes(6).toString("hex")}.tmp`,
  );
  let handle: FileHandle | undefined;
  let stats: Stats;
  try {
    handle = await open(tempPath, "wx", mode);
    if (typeof data === "string" || data instanceof Uint8Array) await handle.writeFile(data);
    else await writeChunks(handle, data);
    // open() applies the umask; chmod makes the final mode exactly what was asked for.
    await handle.chmod(mode);
    // Neither the fsync nor the rename changes what fstat reports (mtime included).
    [, stats] = await Promise.all([handle.sync(), handle.stat()]);
    await handle.close();
    handle = undefined;
    await options.beforeRename?.();
    await rename(tempPath, target);
  } catch (error) {
    await handle?.close().catch(() => undefined);
    await unlink(tempPath).catch(() => undefined);
    throw isStoreError(error) ? error : storeIoError(target, "write", error);
  }
  await syncDirectory(dir);
  return stats;
}

/** Writes `chunks` in order with as few `writev` calls as IOV_MAX allows, resuming short writes. */
async function writeChunks(handle: FileHandle, chunks: readonly Uint8Array[]): Promise<void> {
  const pending = chunks.filter((chunk) => chunk.byteLength > 0);
  let next = 0;
  while (next < pending.length) {
    const batch = pending.slice(next, next + MAX_IOVECS);
    let { bytesWritten } = await handle.writev(batch);
    if (bytesWritten === 0) throw new Error("writev wrote nothing");
    // Skip what was written; a chunk written only in part is resumed from where it stopped.
    while (next < pending.length) {
      const chunk = pending[next] as Uint8Array;
      if (bytesWritten < chunk.byteLength) {
        pending[next] = chunk.subarray(bytesWritten);
        break;
      }
      bytesWritten -= chunk.byteLength;
      next++;
    }
  }
}

/** Writes through a symlinked store file instead of replacing the link with a plain file. */
async function resolveSymlinkTarget(path: string): Promise<string> {
  try {
    return await realpath(path);
  } catch (error) {
    if (errnoCode(error) === "ENOENT") return path;
    throw storeIoError(path, "resolve", error);
  }
}

async function existingMode(path: string): Promise<number | undefined> {
  try {
    return (await stat(path)).mode & 0o7777;
  } catch (error) {
    if (errnoCode(error) === "ENOENT") return undefined;
    throw storeIoError(path, "stat", error);
  }
}

/** Makes the rename itself durable. Some file systems cannot fsync a directory; that is not fatal. */
async function syncDirectory(dir: string): Promise<void> {
  let handle: FileHandle | undefined;
  try {
    handle = await open(dir, "r");
    await handle.sync();
  } catch {
    // The data is already renamed into place; a failed directory fsync only weakens durability
    // against power loss, so it must not turn a completed write into a reported failure.
  } finally {
    await handle?.close().catch(() => undefined);
  }
}
