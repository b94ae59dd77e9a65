import { mkdir } from "node:fs/promises";
import { dirname, resolve } from "node:path";
import { storeIoError } from "./errors";
import { invalidateStoreCache } from "./load-session-store";
import { parseSessionStore } from "./parse-session-store";
import { readStoreFile } from "./read-store-file";
import type { LockOptions, SessionStore } from "./types";
import { withStoreLock } from "./with-store-lock";
import { NEW_FILE_MODE, writeFileAtomically } from "./write-file-atomic";

/**
 * Under the store lock: reads the store, runs `mutator` on it (sync or async), and writes
 * `JSON.stringify(store, null, 2)` back only if that differs from the same serialization taken
 * before the mutator ran: a mutator that changes nothing leaves the file alone even when it is
 * formatted differently (4 spaces, tabs, minified) or holds duplicate keys. Returns the
 * mutator's result. Throws StoreCorruptError (nothing written), StoreLockError, STORE_IO, or
 * whatever the mutator throws (nothing written).
 */
export async function updateSessionStore<T>(
  storePath: string,
  mutator: (store: SessionStore) => T | Promise<T>,
  options: LockOptions = {},
): Promise<T> {
  const path = resolve(storePath);
  try {
    // The lock directory lives next to the store, so the directory must exist first.
    await mkdir(dirname(path), { recursive: true, mode: 0o700 });
  } catch (error) {
    throw storeIoError(dirname(path), "create directory", error);
  }

  return withStoreLock(
    path,
    async (lock) => {
      const file = await readStoreFile(path);
      const store = file ? parseSessionStore(file.buf, path) : {};
      const before = JSON.stringify(store, null, 2);
      const result = await mutator(store);
      const next = JSON.stringify(store, null, 2);
      if (next !== before) {
        await writeFileAtomically(path, Buffer.from(next, "utf8"), {
          mode: file?.mode ?? NEW_FILE_MODE,
          beforeRename: lock.assertHeld,
        });
        invalidateStoreCache(path);
      }
      return result;
    },
    options,
  );
}
