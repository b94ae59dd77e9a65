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
    if (reuse?.(stat)) return { stat, mode, buf: null };
    return { stat, mode, buf: await handle.readFile() };
  } catch (error) {
    if (error instanceof StoreError) throw error;
    throw storeIoError(path, "read", error);
  } finally {
    await handle.close().catch(() => undefined);
  }
}
