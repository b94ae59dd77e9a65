import { lstat, mkdtemp, readdir, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach } from "vitest";

/** A fresh temp dir per test, removed afterwards. Call at the top of a `describe`. */
export function useTempDir(prefix = "store-test-"): () => string {
  let dir = "";
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), prefix));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });
  return () => dir;
}

/** What a test compares to prove a file was not touched at all. */
export interface FileSnapshot {
  bytes: Buffer;
  mode: number;
  ino: number;
  mtimeMs: number;
}

export async function snapshotFile(path: string): Promise<FileSnapshot> {
  const st = await lstat(path);
  return { bytes: await readFile(path), mode: st.mode, ino: st.ino, mtimeMs: st.mtimeMs };
}

/** Names in `dir` that look like leftovers of an atomic write. */
export async function tempFilesIn(dir: string): Promise<string[]> {
  return (await readdir(dir)).filter((name) => name.endsWith(".tmp"));
}
