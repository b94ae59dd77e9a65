import { randomBytes } from "node:crypto";
import type { Stats } from "node:fs";
import { type FileHandle, open, realpath, rename, stat, unlink } from "node:fs/promises";
import { basename, dirname, join } from "node:path";
import { errnoCode, isStoreError, storeIoError } from "./errors";

/** Mode of files this package creates: the store holds credentials-adjacent data, owner only. */
export const NEW_FILE_MODE = 0o600;
/**
 * Size of each of the two staging buffers a list of chunks is written through: the size Node's
 * own `writeFile` writes at a time. On the benchmark machine, writing 4,337 ranges (10.7 MB) of a
 * freshly copied 13.4 MB store as `writev` calls of 1,024 ranges, 29 of 40 files had a call that
 * took 4–11 ms; through 512 KiB buffers, 3 of 40 had a write of 2.4–7.8 ms. The data write of
 * F1's sweep went from 8.1 to 3.4 ms (medians of 25), the copying included.
 */
const STAGE_BYTES = 512 * 1024;

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
  /**
   * Runs once the data is written and its fsync under way, so that a caller's work overlaps
   * the wait for the disk. What it throws fails the write (after the sync; temp file removed),
   * unchanged.
   */
  whileSyncing?: () => void;
}

/** Carries what `whileSyncing` threw past the STORE_IO wrapping of the write's own failures. */
class HookFailure {
  constructor(readonly error: unknown) {}
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
    const syncing = Promise.all([handle.sync(), handle.stat()]);
    let hookFailure: HookFailure | null = null;
    try {
      options.whileSyncing?.();
    } catch (error) {
      hookFailure = new HookFailure(error);
    }
    [, stats] = await syncing;
    if (hookFailure !== null) throw hookFailure;
    await handle.close();
    handle = undefined;
    await options.beforeRename?.();
    await rename(tempPath, target);
  } catch (error) {
    await handle?.close().catch(() => undefined);
    await unlink(tempPath).catch(() => undefined);
    if (error instanceof HookFailure) throw error.error;
    throw isStoreError(error) ? error : storeIoError(target, "write", error);
  }
  await syncDirectory(dir);
  return stats;
}

/**
 * Writes `chunks` in order by copying them into one of two staging buffers and writing each full
 * buffer while the other fills: at most 1 MiB is copied at a time, whatever the total.
 */
async function writeChunks(handle: FileHandle, chunks: readonly Uint8Array[]): Promise<void> {
  let total = 0;
  for (const chunk of chunks) total += chunk.byteLength;
  if (total === 0) return;
  const size = Math.min(total, STAGE_BYTES);
  let stage = Buffer.allocUnsafe(size);
  // The buffer filled next; the same one when everything fits in one.
  let spare = total > size ? Buffer.allocUnsafe(size) : stage;
  let filled = 0;
  // The write of the other stage, awaited before that stage is filled again. Marked as handled
  // at once: while a stage fills nobody awaits it, and a failed write must not be reported as an
  // unhandled rejection (it is thrown by the next await).
  let inFlight: Promise<void> = Promise.resolve();
  const flush = async (): Promise<void> => {
    await inFlight;
    inFlight = writeAll(handle, stage, filled);
    inFlight.catch(() => undefined);
    [stage, spare] = [spare, stage];
    filled = 0;
  };
  for (const chunk of chunks) {
    for (let at = 0; at < chunk.byteLength; ) {
      const length = Math.min(chunk.byteLength - at, size - filled);
      stage.set(
        at === 0 && length === chunk.byteLength ? chunk : chunk.subarray(at, at + length),
        filled,
      );
      filled += length;
      at += length;
      if (filled === size) await flush();
    }
  }
  if (filled > 0) await flush();
  await inFlight;
}

/** Writes `buf[0, length)` at the file position, resuming short writes. */
async function writeAll(handle: FileHandle, buf: Buffer, length: number): Promise<void> {
  for (let at = 0; at < length; ) {
    const { bytesWritten } = await handle.write(buf, at, length - at);
    if (bytesWritten === 0) throw new Error("write wrote nothing");
    at += bytesWritten;
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
