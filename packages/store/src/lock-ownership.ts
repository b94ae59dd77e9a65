import fs from "node:fs";
import { stat } from "node:fs/promises";
import { StoreLockError } from "./errors";
import type { StoreLockHandle } from "./types";

type Callback = (error: NodeJS.ErrnoException | null) => void;

/**
 * Tracks whether the lock directory proper-lockfile created is still ours. proper-lockfile only
 * notices a takeover on its next refresh tick and, when released, removes the lock directory
 * even if another process has taken it over meanwhile. So the `fs` adapter handed to it records
 * every mtime it sets, and refuses to remove a lock directory whose mtime is not one of ours.
 */
export class LockOwnership {
  /** True from acquisition on; before that proper-lockfile may remove stale foreign locks. */
  private held = false;
  private confirmedMtime = Number.NaN;
  private pendingMtime = Number.NaN;
  private readonly controller = new AbortController();
  /** The check made by the release, just before it removed the lock directory. */
  private releaseCheck: Promise<StoreLockError | undefined> | undefined;
  compromised: StoreLockError | undefined;

  constructor(
    readonly storePath: string,
    readonly lockPath: string,
    private readonly staleMs: number,
  ) {}

  /** Records the lock directory's current mtime as ours; called right after acquisition. */
  async takeOwnership(): Promise<void> {
    this.held = true;
    try {
      this.confirmedMtime = (await stat(this.lockPath)).mtime.getTime();
    } catch (error) {
      this.markCompromised(error);
    }
  }

  /** Called by proper-lockfile's `onCompromised` and by failed checks. Never throws. */
  markCompromised(cause?: unknown): void {
    if (this.compromised) return;
    this.compromised = new StoreLockError(
      "STORE_LOCK_COMPROMISED",
      this.storePath,
      `Lost the lock on ${this.storePath}: ${this.lockPath} was removed or taken over by another ` +
        `process (it counts as stale when not refreshed for ${this.staleMs} ms), so nothing more ` +
        "was written. Retry; if it keeps happening, raise staleMs or find what stalls this process.",
      { cause },
    );
    this.controller.abort(this.compromised);
  }

  /** Stats the lock directory: undefined while its mtime is one of ours, else the (recorded) loss. */
  async check(): Promise<StoreLockError | undefined> {
    if (this.compromised) return this.compromised;
    try {
      if (this.isOurs((await stat(this.lockPath)).mtime.getTime())) return undefined;
      this.markCompromised();
    } catch (error) {
      this.markCompromised(error);
    }
    return this.compromised;
  }

  /**
   * The loss, if any, as of the release: what the release's own check found (the `fs` adapter
   * checks before it removes the lock directory), or a fresh check when the release never got
   * that far.
   */
  async lossAtRelease(): Promise<StoreLockError | undefined> {
    return this.releaseCheck === undefined ? this.check() : this.releaseCheck;
  }

  /** The handle given to the locked callback. */
  handle(): StoreLockHandle {
    return {
      storePath: this.storePath,
      lockPath: this.lockPath,
      signal: this.controller.signal,
      assertHeld: async () => {
        const lost = await this.check();
        if (lost) throw lost;
      },
    };
  }

  /** The `fs` option for proper-lockfile (it calls only these methods). */
  fsAdapter(): object {
    return {
      mkdir: (path: string, callback: Callback) => fs.mkdir(path, callback),
      stat: (path: string, callback: (error: Error | null, stats: fs.Stats) => void) =>
        fs.stat(path, callback),
      realpath: (path: string, callback: (error: Error | null, real: string) => void) =>
        fs.realpath(path, callback),
      utimes: (path: string, atime: Date, mtime: Date, callback: Callback) => {
        if (!this.held) {
          // The only call before acquisition is proper-lockfile's precision probe, which stamps
          // every new lock with the next whole second + 5 ms: a lock taken over within the same
          // second would then carry our mtime and pass for ours. Stamp the current ms instead.
          const unique = uniqueMtime();
          return fs.utimes(path, unique, unique, callback);
        }
        // A refresh in flight: its mtime may already be on disk before the callback runs.
        const ms = mtime.getTime();
        this.pendingMtime = ms;
        fs.utimes(path, atime, mtime, (error) => {
          if (!error) this.confirmedMtime = ms;
          if (this.pendingMtime === ms) this.pendingMtime = Number.NaN;
          callback(error);
        });
      },
      rmdir: (path: string, callback: Callback) => {
        if (!this.held) return fs.rmdir(path, callback);
        this.releaseCheck = this.check();
        void this.releaseCheck.then((lost) => (lost ? callback(null) : fs.rmdir(path, callback)));
      },
      // Used by proper-lockfile's process-exit hook.
      rmdirSync: (path: string) => {
        if (!this.held || this.verifySync()) fs.rmdirSync(path);
      },
    };
  }

  private verifySync(): boolean {
    try {
      return !this.compromised && this.isOurs(fs.statSync(this.lockPath).mtime.getTime());
    } catch {
      return false;
    }
  }

  private isOurs(mtimeMs: number): boolean {
    return mtimeMs === this.confirmedMtime || mtimeMs === this.pendingMtime;
  }
}

/** The current time in ms, never on a whole second (which the probe would read as 1 s precision). */
function uniqueMtime(): Date {
  const now = Date.now();
  return new Date(now % 1000 === 0 ? now + 1 : now);
}
