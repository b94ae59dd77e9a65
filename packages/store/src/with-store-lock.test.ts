import {
  mkdir,
  readFile,
  rename,
  rmdir,
  stat,
  symlink,
  unlink,
  utimes,
  writeFile,
} from "node:fs/promises";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { describe, expect, it } from "vitest";
import { useTempDir } from "../test/helpers/temp-dir";
import { isStoreError, type StoreLockError } from "./errors";
import { updateSessionStore } from "./update-session-store";
import { storeLockPath, withStoreLock } from "./with-store-lock";

async function exists(path: string): Promise<boolean> {
  return stat(path).then(
    () => true,
    () => false,
  );
}

async function expectStoreError(promise: Promise<unknown>, code: string): Promise<StoreLockError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(isStoreError(error) ? error.code : error).toBe(code);
  return error as StoreLockError;
}

describe("withStoreLock", () => {
  const dir = useTempDir();
  const store = () => join(dir(), "sessions.json");

  it("holds <storePath>.lock while fn runs, returns its result and releases", async () => {
    const lockPath = storeLockPath(store());
    expect(lockPath).toBe(`${store()}.lock`);
    const result = await withStoreLock(store(), async (lock) => {
      expect(lock.lockPath).toBe(lockPath);
      expect((await stat(lockPath)).isDirectory()).toBe(true);
      await lock.assertHeld();
      expect(lock.signal.aborted).toBe(false);
      return 42;
    });
    expect(result).toBe(42);
    expect(await exists(lockPath)).toBe(false);
  });

  it("releases the lock when fn throws and rethrows fn's error", async () => {
    const boom = new Error("boom");
    await expect(
      withStoreLock(store(), () => {
        throw boom;
      }),
    ).rejects.toBe(boom);
    expect(await exists(storeLockPath(store()))).toBe(false);
  });

  it("serves callers in one process first come, first served, one at a time", async () => {
    const events: string[] = [];
    let inside = 0;
    await Promise.all(
      [0, 1, 2, 3, 4].map((i) =>
        withStoreLock(store(), async () => {
          inside++;
          expect(inside).toBe(1);
          events.push(`start ${i}`);
          await sleep(5);
          events.push(`end ${i}`);
          inside--;
        }),
      ),
    );
    expect(events).toEqual([0, 1, 2, 3, 4].flatMap((i) => [`start ${i}`, `end ${i}`]));
  });

  it("times out with STORE_LOCK_TIMEOUT naming the path and the wait while another holds it", async () => {
    await mkdir(storeLockPath(store())); // a fresh lock of "another process"
    const error = await expectStoreError(
      withStoreLock(store(), () => "never", { timeoutMs: 300 }),
      "STORE_LOCK_TIMEOUT",
    );
    expect(error.path).toBe(store());
    expect(error.waitedMs).toBeGreaterThanOrEqual(300);
    expect(error.message).toContain(`${store()}.lock`);
    // The foreign lock is left alone.
    expect(await exists(storeLockPath(store()))).toBe(true);
  });

  it("times out a caller queued behind a slow caller in the same process; the queue keeps going", async () => {
    const order: string[] = [];
    const slow = withStoreLock(store(), async () => {
      await sleep(600);
      order.push("slow");
    });
    const impatient = withStoreLock(store(), () => order.push("impatient"), { timeoutMs: 100 });
    const patient = withStoreLock(store(), () => order.push("patient"));
    await expectStoreError(impatient, "STORE_LOCK_TIMEOUT");
    await Promise.all([slow, patient]);
    expect(order).toEqual(["slow", "patient"]);
  });

  it("takes over a lock whose mtime is older than staleMs", async () => {
    const lockPath = storeLockPath(store());
    await mkdir(lockPath);
    const old = new Date(Date.now() - 60_000);
    await utimes(lockPath, old, old);
    const result = await withStoreLock(store(), () => "taken over", {
      staleMs: 2_000,
      timeoutMs: 1_000,
    });
    expect(result).toBe("taken over");
    expect(await exists(lockPath)).toBe(false);
  });

  it("fails with STORE_IO when the store's directory does not exist", async () => {
    await expectStoreError(
      withStoreLock(join(dir(), "nope", "sessions.json"), () => 1),
      "STORE_IO",
    );
  });

  it("rejects nonsense option values", async () => {
    await expect(withStoreLock(store(), () => 1, { timeoutMs: -1 })).rejects.toThrow(RangeError);
    await expect(withStoreLock(store(), () => 1, { staleMs: Number.NaN })).rejects.toThrow(
      RangeError,
    );
  });

  it("stops refreshing a lock it could not stat, so the next locker can take it over once stale", async () => {
    // A stat that fails (here ELOOP through a self-referencing symlink put in place of the lock
    // directory for a moment) counts as a loss. The directory, put back unchanged, still carries
    // our mtime: if its refresh timer kept running it would never turn stale.
    const lockPath = storeLockPath(store());
    const aside = `${lockPath}.aside`;
    await expectStoreError(
      withStoreLock(
        store(),
        async (lock) => {
          await rename(lockPath, aside);
          await symlink(lockPath, lockPath);
          await expect(lock.assertHeld()).rejects.toMatchObject({ cause: { code: "ELOOP" } });
          await unlink(lockPath);
          await rename(aside, lockPath);
        },
        { staleMs: 2_000 },
      ),
      "STORE_LOCK_COMPROMISED",
    );
    // Not removed (it could not be proven ours), but taken over once 2 s without a refresh.
    expect(await exists(lockPath)).toBe(true);
    expect(await withStoreLock(store(), () => "next", { staleMs: 2_000, timeoutMs: 8_000 })).toBe(
      "next",
    );
  });

  describe("when another process takes the lock over", () => {
    /** What proper-lockfile in another process does to a stale lock: remove it, create its own. */
    async function stealLock(lockPath: string): Promise<void> {
      await rmdir(lockPath);
      await mkdir(lockPath);
      const stamp = new Date(Date.now() + 5_000);
      await utimes(lockPath, stamp, stamp);
    }

    it("fails the operation with STORE_LOCK_COMPROMISED and leaves the new holder's lock", async () => {
      const lockPath = storeLockPath(store());
      let signalReason: unknown;
      const error = await expectStoreError(
        withStoreLock(
          store(),
          async (lock) => {
            await stealLock(lockPath);
            lock.signal.addEventListener("abort", () => {
              signalReason = lock.signal.reason;
            });
            await lock.assertHeld();
            return "wrote anyway";
          },
          { staleMs: 2_000 },
        ),
        "STORE_LOCK_COMPROMISED",
      );
      expect(signalReason).toBe(error);
      // Releasing must not delete the thief's lock directory.
      expect(await exists(lockPath)).toBe(true);
    });

    it("detects a takeover stamped like proper-lockfile's own first mtime (next second + 5 ms)", async () => {
      // Every proper-lockfile locker stamps a new lock with the same value within one second;
      // a lock taken over in the same second must still not pass for ours.
      const lockPath = storeLockPath(store());
      await expectStoreError(
        withStoreLock(
          store(),
          async (lock) => {
            await rmdir(lockPath);
            await mkdir(lockPath);
            const probe = new Date(Math.ceil(Date.now() / 1000) * 1000 + 5);
            await utimes(lockPath, probe, probe);
            await lock.assertHeld();
          },
          { staleMs: 2_000 },
        ),
        "STORE_LOCK_COMPROMISED",
      );
      expect(await exists(lockPath)).toBe(true);
    });

    it("reports the loss even when fn never checked", async () => {
      const lockPath = storeLockPath(store());
      await expectStoreError(
        withStoreLock(store(), () => stealLock(lockPath), { staleMs: 2_000 }),
        "STORE_LOCK_COMPROMISED",
      );
      expect(await exists(lockPath)).toBe(true);
    });

    it("makes updateSessionStore write nothing", async () => {
      await writeFile(store(), '{\n  "a": 1\n}');
      const lockPath = storeLockPath(store());
      await expectStoreError(
        updateSessionStore(
          store(),
          async (s) => {
            s.b = { sessionId: "b" };
            await stealLock(lockPath);
          },
          { staleMs: 2_000 },
        ),
        "STORE_LOCK_COMPROMISED",
      );
      expect(await readFile(store(), "utf8")).toBe('{\n  "a": 1\n}');
    });

    it("notices on its refresh tick, aborts the signal and does not crash the process", async () => {
      const lockPath = storeLockPath(store());
      const error = await expectStoreError(
        withStoreLock(
          store(),
          async (lock) => {
            // Backdating the lock makes the refresh tick (every 1 s at staleMs 2 s) see a
            // foreign mtime; proper-lockfile's default handler would throw from a timer here.
            const old = new Date(Date.now() - 60_000);
            await utimes(lockPath, old, old);
            const aborted = new Promise((resolve) => {
              lock.signal.addEventListener("abort", resolve);
            });
            await aborted;
            return "done";
          },
          { staleMs: 2_000 },
        ),
        "STORE_LOCK_COMPROMISED",
      );
      expect(error.cause).toMatchObject({ code: "ECOMPROMISED" });
      // The stale directory is not ours to remove, but the next locker takes it over.
      expect(await withStoreLock(store(), () => "next", { staleMs: 2_000 })).toBe("next");
    });
  });
});
