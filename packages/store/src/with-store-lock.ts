import { resolve } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import lockfile from "proper-lockfile";
import { errnoCode, StoreLockError, storeIoError } from "./errors";
import { LockOwnership } from "./lock-ownership";
import { enterPathQueue } from "./path-queue";
import type { LockOptions, StoreLockHandle } from "./types";

/** How long a locked operation waits for the lock by default. */
export const DEFAULT_LOCK_TIMEOUT_MS = 10_000;
/** Age after which an unrefreshed lock is taken over by default. */
export const DEFAULT_LOCK_STALE_MS = 30_000;
/** proper-lockfile silently raises smaller values to this. */
const MIN_STALE_MS = 2_000;
/** Polling bounds while another process holds the lock (jittered exponential backoff). */
const RETRY_MIN_MS = 5;
const RETRY_MAX_MS = 50;

/** The lock directory guarding a store: `<storePath>.lock`, the path OpenClaw's lock uses too. */
export function storeLockPath(storePath: string): string {
  return `${resolve(storePath)}.lock`;
}

/**
 * Runs `fn` while holding the cross-process lock on `<storePath>.lock`; callers in one process
 * queue first come first served. Not reentrant. Throws StoreLockError STORE_LOCK_TIMEOUT after
 * `timeoutMs`, STORE_LOCK_COMPROMISED if the lock was lost while `fn` ran, STORE_IO otherwise.
 */
export async function withStoreLock<T>(
  storePath: string,
  fn: (lock: StoreLockHandle) => T | Promise<T>,
  options: LockOptions = {},
): Promise<T> {
  const timeoutMs = nonNegative(options.timeoutMs ?? DEFAULT_LOCK_TIMEOUT_MS, "timeoutMs");
  const staleMs = Math.max(
    nonNegative(options.staleMs ?? DEFAULT_LOCK_STALE_MS, "staleMs"),
    MIN_STALE_MS,
  );
  const path = resolve(storePath);
  const lockPath = storeLockPath(path);
  const started = Date.now();
  const deadline = started + timeoutMs;
  const timedOut = () => {
    const waitedMs = Date.now() - started;
    return new StoreLockError(
      "STORE_LOCK_TIMEOUT",
      path,
      `Timed out after ${waitedMs} ms waiting for the lock on ${path} (${lockPath} is held by ` +
        "another process or another caller in this process). Retry later or pass a larger " +
        "timeoutMs; a lock left by a dead process is taken over once it is staleMs old.",
      { waitedMs },
    );
  };

  const leave = await enterPathQueue(path, deadline, timedOut);
  try {
    const ownership = new LockOwnership(path, lockPath, staleMs);
    const release = await acquire(ownership, staleMs, deadline, timedOut);
    let result: T;
    try {
      result = await fn(ownership.handle());
    } catch (error) {
      await releaseAndCheck(ownership, release);
      throw error;
    }
    const lost = await releaseAndCheck(ownership, release);
    if (lost) throw lost;
    return result;
  } finally {
    leave();
  }
}

async function acquire(
  ownership: LockOwnership,
  staleMs: number,
  deadline: number,
  timedOut: () => StoreLockError,
): Promise<() => Promise<void>> {
  let delay = RETRY_MIN_MS;
  for (;;) {
    try {
      const release = await lockfile.lock(ownership.storePath, {
        realpath: false, // a store that does not exist yet can still be locked
        lockfilePath: ownership.lockPath,
        stale: staleMs,
        // Refresh three times per stale period, so one late tick does not make the lock stale.
        update: Math.max(1_000, Math.floor(staleMs / 3)),
        retries: 0, // retried here, to honour timeoutMs exactly
        fs: ownership.fsAdapter(),
        // proper-lockfile's default throws from a timer and kills the process.
        onCompromised: (error) => ownership.markCompromised(error),
      });
      await ownership.takeOwnership();
      return release;
    } catch (error) {
      if (errnoCode(error) !== "ELOCKED") throw storeIoError(ownership.lockPath, "lock", error);
      const remaining = deadline - Date.now();
      if (remaining <= 0) throw timedOut();
      await sleep(Math.min(remaining, delay * (0.5 + Math.random())));
      delay = Math.min(delay * 2, RETRY_MAX_MS);
    }
  }
}

/**
 * Stops proper-lockfile's refresh timer and removes the lock directory only if it is still ours
 * (the `fs` adapter's rmdir checks, and refuses a lock that is not); a taken-over lock belongs to
 * its new holder. Returns the loss, if any, found by that same check (one stat, not two). The
 * timer is stopped even after a loss: a loss can also be a failed stat, and a lock directory that
 * is still refreshed would never turn stale. Release failures are swallowed: the caller's work is
 * done and a leftover lock directory is taken over once stale.
 */
async function releaseAndCheck(
  ownership: LockOwnership,
  release: () => Promise<void>,
): Promise<StoreLockError | undefined> {
  await release().catch(() => undefined);
  return ownership.lossAtRelease();
}

function nonNegative(value: number, name: string): number {
  if (!Number.isFinite(value) || value < 0) {
    throw new RangeError(`${name} must be a finite number of milliseconds >= 0, got ${value}`);
  }
  return value;
}
