import type { BigIntStats } from "node:fs";
import { resolve } from "node:path";
import { parseSessionStore } from "./parse-session-store";
import { readStoreFile } from "./read-store-file";
import type { SessionStore } from "./types";

interface CachedStore {
  ino: bigint;
  size: bigint;
  mtimeNs: bigint;
  ctimeNs: bigint;
  store: SessionStore;
}

/** A few stores per process at most; big stores are not worth pinning in memory. */
const MAX_CACHED_STORES = 8;
const MAX_CACHED_BYTES = 64n * 1024n * 1024n;
const cache = new Map<string, CachedStore>();

/** Options of {@link loadSessionStore}. */
export interface LoadSessionStoreOptions {
  /** Read and parse the file even if an unchanged copy is cached. */
  skipCache?: boolean;
}

/**
 * Reads and parses a store without locking (writers replace the file atomically). Missing file →
 * `{}`. Throws StoreCorruptError for invalid JSON or a non-object top level, StoreError STORE_IO
 * for other read failures. The result is the caller's own copy.
 */
export async function loadSessionStore(
  storePath: string,
  options: LoadSessionStoreOptions = {},
): Promise<SessionStore> {
  const path = resolve(storePath);
  if (options.skipCache) {
    const file = await readStoreFile(path);
    return file ? parseSessionStore(file.buf, path) : {};
  }
  const cached = cache.get(path);
  const file = await readStoreFile(
    path,
    (stat) => cached !== undefined && isSameFile(cached, stat),
  );
  if (!file) {
    cache.delete(path);
    return {};
  }
  if (file.buf === null) {
    // Only a cache hit skips the read, so `cached` holds exactly what the file holds.
    if (!cached) throw new Error("loadSessionStore: read skipped without a cache hit");
    cache.delete(path); // re-insert below: the least recently used store is evicted first
    cache.set(path, cached);
    return structuredClone(cached.store);
  }
  const store = parseSessionStore(file.buf, path);
  remember(path, file.stat, store);
  return structuredClone(store);
}

/** Forgets the cached copy of a store; called after this process rewrites it. */
export function invalidateStoreCache(storePath: string): void {
  cache.delete(resolve(storePath));
}

/** Same inode, size, mtime and ctime: the file has not been replaced or modified since. */
function isSameFile(entry: CachedStore, stat: BigIntStats): boolean {
  return (
    entry.ino === stat.ino &&
    entry.size === stat.size &&
    entry.mtimeNs === stat.mtimeNs &&
    entry.ctimeNs === stat.ctimeNs
  );
}

function remember(path: string, stat: BigIntStats, store: SessionStore): void {
  cache.delete(path);
  if (stat.size > MAX_CACHED_BYTES) return;
  cache.set(path, {
    ino: stat.ino,
    size: stat.size,
    mtimeNs: stat.mtimeNs,
    ctimeNs: stat.ctimeNs,
    store,
  });
  for (const oldest of cache.keys()) {
    if (cache.size <= MAX_CACHED_STORES) break;
    cache.delete(oldest);
  }
}
