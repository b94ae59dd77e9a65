import type { Stats } from "node:fs";
import { stat } from "node:fs/promises";
import { errnoCode, storeIoError } from "./errors";

/**
 * A cheap fingerprint of a store file, `"<ino>:<size>:<mtimeMs>"`, or null when it is missing.
 * Every atomic write gives the store a new inode, so an equal fingerprint means an unchanged
 * file. Throws StoreError STORE_IO when the file cannot be stat'ed for another reason.
 */
export async function identifyStoreFile(storePath: string): Promise<string | null> {
  try {
    return storeIdentity(await stat(storePath));
  } catch (error) {
    const code = errnoCode(error);
    if (code === "ENOENT" || code === "ENOTDIR") return null;
    throw storeIoError(storePath, "stat", error);
  }
}

/** The fingerprint {@link identifyStoreFile} gives a file with these (non-bigint) stats. */
export function storeIdentity(stats: Pick<Stats, "ino" | "size" | "mtimeMs">): string {
  return `${stats.ino}:${stats.size}:${stats.mtimeMs}`;
}
