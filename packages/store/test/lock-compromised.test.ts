import { readdir, readFile, stat, utimes, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { beforeAll, describe, expect, it } from "vitest";
import { storeLockPath, withStoreLock } from "../src/with-store-lock";
import { writeFileAtomic } from "../src/write-file-atomic";
import { assertBuilt, spawnFixture } from "./helpers/child";
import { useTempDir } from "./helpers/temp-dir";

const ORIGINAL = JSON.stringify({ "agent:main:main": { sessionId: "s", updatedAt: 1 } }, null, 2);
const THIEF = JSON.stringify({ "agent:main:thief": { sessionId: "t", updatedAt: 2 } }, null, 2);

describe("a lock taken over from a live process (STORE_LOCK_COMPROMISED)", () => {
  beforeAll(assertBuilt);
  const dir = useTempDir("store-compromised-");
  const store = () => join(dir(), "sessions.json");

  /**
   * The victim holds the lock inside its mutator; the lock is backdated so it looks stale, and
   * this process takes it over (as a second locker would) and writes. Only then may the victim
   * continue: it must fail with STORE_LOCK_COMPROMISED, write nothing, and exit normally.
   */
  async function takeOverWhileVictimWaits(victimDelayMs: number): Promise<void> {
    await writeFile(store(), ORIGINAL);
    const victim = spawnFixture("compromise-victim.mjs", [store(), "2000"]);
    await victim.waitForLine(/^in-mutator$/);
    const old = new Date(Date.now() - 60_000);
    await utimes(storeLockPath(store()), old, old);

    await withStoreLock(
      store(),
      async (lock) => {
        await writeFileAtomic(store(), THIEF);
        await sleep(victimDelayMs);
        victim.send("go");
        expect(await victim.waitForLine(/^result /)).toBe("result STORE_LOCK_COMPROMISED");
        // The victim neither wrote nor removed the new holder's lock.
        await lock.assertHeld();
        expect((await stat(lock.lockPath)).isDirectory()).toBe(true);
        expect(await readFile(store(), "utf8")).toBe(THIEF);
      },
      { staleMs: 2_000, timeoutMs: 5_000 },
    );

    const exit = await victim.exited;
    expect(exit, victim.stderr()).toEqual({ code: 0, signal: null });
    expect(victim.lines).toContain("exiting"); // it survived the refresh tick after the loss
    expect(victim.stderr()).toBe("");
    expect(await readFile(store(), "utf8")).toBe(THIEF);
    expect(await readdir(dir())).toEqual(["sessions.json"]);
  }

  it("is caught by the check right before the rename", async () => {
    await takeOverWhileVictimWaits(0);
  });

  it("is caught by the refresh tick first, without crashing the victim", async () => {
    // Longer than the victim's refresh interval (1 s at staleMs 2 s).
    await takeOverWhileVictimWaits(2_500);
  });
});
