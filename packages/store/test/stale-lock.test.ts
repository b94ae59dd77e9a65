import { readFile, stat } from "node:fs/promises";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { isStoreError } from "../src/errors";
import { storeLockPath, withStoreLock } from "../src/with-store-lock";
import { assertBuilt, spawnFixture } from "./helpers/child";
import { useTempDir } from "./helpers/temp-dir";

describe("stale locks (SPEC §6)", () => {
  beforeAll(assertBuilt);
  const dir = useTempDir("store-stale-");
  const store = () => join(dir(), "sessions.json");

  it("takes over the lock of a SIGKILLed holder once it is staleMs old, within timeoutMs", async () => {
    const staleMs = 2_000;
    const holder = spawnFixture("lock-holder.mjs", [store(), String(staleMs)]);
    await holder.waitForLine(/^locked /);
    holder.child.kill("SIGKILL");
    expect((await holder.exited).signal).toBe("SIGKILL");
    const killedAt = Date.now();

    // The dead holder's lock directory stays behind; its mtime is its last refresh.
    const lastRefresh = (await stat(storeLockPath(store()))).mtimeMs;
    const acquiredAt = await withStoreLock(store(), () => Date.now(), {
      staleMs,
      timeoutMs: 5_000,
    });
    // Order of events: kill → the lock's mtime is staleMs old → takeover. (The mtime may lie up
    // to 1 s ahead: proper-lockfile's first mtime is rounded up to the next second.)
    expect(acquiredAt).toBeGreaterThan(killedAt);
    expect(acquiredAt).toBeGreaterThanOrEqual(lastRefresh + staleMs);
    console.log(
      `stale lock taken over ${acquiredAt - killedAt} ms after the kill, ` +
        `${Math.round(acquiredAt - lastRefresh)} ms after its last refresh (staleMs ${staleMs})`,
    );
  });

  it("never robs a live holder that keeps its lock fresh, even waiting longer than staleMs", async () => {
    const staleMs = 3_000;
    const holder = spawnFixture("lock-holder.mjs", [store(), String(staleMs)]);
    await holder.waitForLine(/^locked /);

    const error = await withStoreLock(store(), () => "robbed", { staleMs, timeoutMs: 4_500 }).catch(
      (e: unknown) => e,
    );
    expect(isStoreError(error) && error.code).toBe("STORE_LOCK_TIMEOUT");

    // The holder still owns its lock, and releases it normally.
    holder.send("release");
    await holder.waitForLine(/^released ok$/);
    expect((await holder.exited).code).toBe(0);
    expect(await withStoreLock(store(), () => "mine", { staleMs, timeoutMs: 5_000 })).toBe("mine");
    await expect(readFile(storeLockPath(store()))).rejects.toMatchObject({ code: "ENOENT" });
  });
});
