import type { BigIntStats } from "node:fs";
import { type FileHandle, open } from "node:fs/promises";
import { errnoCode, StoreError, storeIoError } from "./errors";

/** A store file read in one go, with the stat of the very inode the bytes came from. */
export interface StoreFile {
  stat: BigIntStats;
  /** Permission bits, kept when the file is rewritten. */
  mode: number;
  buf: Buffer;
}

/** The stat of a store file whose bytes were not read because the caller already has them. */
export interface ReusedStoreFile {
  stat: BigIntStats;
  mode: number;
  buf: null;
}

/** A store file read by {@link openStoreFile}, and the handle it was read through, still open. */
export interface OpenStoreFile<F> {
  file: F;
  handle: FileHandle;
}

/**
 * Opens, fstats and reads a store file. Missing file → null. `reuse` sees the stat before the
 * read and may skip it (cache hit). Throws StoreError STORE_IO for any other failure.
 */
export async function readStoreFile(path: string): Promise<StoreFile | null>;
export async function readStoreFile(
  path: string,
  reuse: (stat: BigIntStats) => boolean,
): Promise<StoreFile | ReusedStoreFile | null>;
export async function readStoreFile(
  path: string,
  reuse?: (stat: BigIntStats) => boolean,
): Promise<StoreFile | ReusedStoreFile | null> {
  const opened = await openStoreFile(path, reuse);
  if (opened === null) return null;
  await opened.handle.close().catch(() => undefined);
  return opened.file;
}

/**
 * readStoreFile that leaves the file open: the caller closes `handle`. Holding the file open
 * lets a rewrite replace it without waiting for its blocks to be freed: the close frees them.
 */
export async function openStoreFile(path: string): Promise<OpenStoreFile<StoreFile> | null>;
export async function openStoreFile(
  path: string,
  reuse: ((stat: BigIntStats) => boolean) | undefined,
): Promise<OpenStoreFile<StoreFile | ReusedStoreFile> | null>;
export async function openStoreFile(
  path: string,
  reuse?: (stat: BigIntStats) => boolean,
): Promise<OpenStoreFile<StoreFile | ReusedStoreFile> | null> {
  let handle: FileHandle;
  try {
    handle = await open(path, "r");
  } catch (error) {
    if (errnoCode(error) === "ENOENT") return null;
    throw storeIoError(path, "open", error);
  }
  try {
    const stat = await handle.stat({ bigint: true });
    if (!stat.isFile()) {
      throw new StoreError(
        "STORE_IO",
        path,
        `Session store ${path} is not a regular file. Point the reaper at a sessions.json file.`,
      );
    }
    const mode = Number(stat.mode & 0o7777n);
    if (reuse?.(stat)) return { file: { stat, mode, buf: null }, handle };
    return { file: { stat, mode, buf: await readAll(handle, Number(stat.size)) }, handle };
  } catch (error) {
    await handle.close().catch(() => undefined);
    if (error instanceof StoreError) throw error;
    throw storeIoError(path, "read", error);
  }
}

/** The least a buffer grows by when the file grew past what was read so far. */
const GROWTH_STEP = 64 * 1024;
/**
 * The largest store read, as fs.readFile allows: the scanner and its layout use 31-bit offsets.
 * (The sweep of a store this large would be its own problem; this keeps it an error.)
 */
export const MAX_STORE_BYTES = 2 ** 31 - 1;

/**
 * Reads the whole file behind `handle`, whose size was `size` when stat'ed: one `read` call for
 * a file that did not change since (readFile reads in 512 KiB steps, one thread-pool round trip
 * each, 27 for a 13 MB store), more if it grew meanwhile; a file that shrank gives fewer bytes.
 * Throws a RangeError (code ERR_FS_FILE_TOO_LARGE, as readFile) past `maxBytes`.
 */
export async function readAll(
  handle: FileHandle,
  size: number,
  maxBytes = MAX_STORE_BYTES,
): Promise<Buffer> {
  if (size > maxBytes) throw tooLarge(maxBytes);
  // One spare byte: a file that did not change leaves it unfilled, so the read that confirms
  // the end (0 bytes) needs no bigger buffer.
  let buf = Buffer.allocUnsafe(size + 1);
  let length = 0;
  for (;;) {
    if (length > maxBytes) throw tooLarge(maxBytes);
    if (length === buf.length) {
      const bigger = Buffer.allocUnsafe(
        Math.min(buf.length + Math.max(GROWTH_STEP, buf.length >> 3), maxBytes + 1),
      );
      buf.copy(bigger, 0, 0, length);
      buf = bigger;
    }
    const { bytesRead } = await handle.read(buf, length, buf.length - length, length);
    if (bytesRead === 0) return buf.subarray(0, length);
    length += bytesRead;
  }
}

function tooLarge(maxBytes: number): RangeError {
  return Object.assign(
    new RangeError(`The file is larger than ${maxBytes} bytes, the most a store may hold`),
    { code: "ERR_FS_FILE_TOO_LARGE" },
  );
}
