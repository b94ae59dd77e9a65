import { lstat, readdir } from "node:fs/promises";
import { dirname, join } from "node:path";
import { parseArchiveFileName } from "@session-reaper/store";

/** A count of files and their total size. */
export interface FileTally {
  count: number;
  bytes: number;
}

/** Transcripts (`*.jsonl`) and deleted-transcript archives (`*.deleted.<stamp>`) next to a store. */
export interface StoreDirFiles {
  transcripts: FileTally;
  archives: FileTally;
}

/**
 * Tallies the regular files in the store's directory that are transcripts or archives. Only
 * matching names are `lstat`ed; symlinks are not counted (the reaper never follows them out).
 * A missing directory counts as empty; other read errors are thrown.
 */
export async function scanStoreDir(storePath: string): Promise<StoreDirFiles> {
  const dir = dirname(storePath);
  const result: StoreDirFiles = {
    transcripts: { count: 0, bytes: 0 },
    archives: { count: 0, bytes: 0 },
  };
  let names: string[];
  try {
    names = await readdir(dir);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return result;
    throw error;
  }
  for (const name of names) {
    const tally = name.endsWith(".jsonl")
      ? result.transcripts
      : parseArchiveFileName(name)?.reason === "deleted"
        ? result.archives
        : null;
    if (!tally) continue;
    try {
      const stats = await lstat(join(dir, name));
      if (!stats.isFile()) continue;
      tally.count += 1;
      tally.bytes += stats.size;
    } catch {
      // Removed between readdir and lstat (e.g. a concurrent sweep): not there any more.
    }
  }
  return result;
}
