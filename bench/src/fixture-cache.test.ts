import { access, mkdtemp, readdir, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { createFixtureCache, RETENTION_MS } from "./fixture-cache";

const NOW = Date.UTC(2026, 1, 14, 10, 30);
const spec = { name: "t", entries: 600, bytesPerEntry: 700, seed: 5 };

let root = "";
afterEach(async () => {
  // Also after a failed or timed-out test, which never reaches dispose().
  await rm(root, { recursive: true, force: true });
});

describe("createFixtureCache", () => {
  it("generates once, copies faithfully, knows the expected sweep outcome, and cleans up", async () => {
    root = await mkdtemp(join(tmpdir(), "bench-cache-"));
    const cache = createFixtureCache(root, NOW);
    const fixture = await cache.get(spec);
    expect(await cache.get({ ...spec })).toBe(fixture);

    const store = JSON.parse(await readFile(fixture.storePath, "utf8")) as Record<
      string,
      { updatedAt: number }
    >;
    const expired = Object.keys(store).filter(
      (k) => /:cron:[^:]+:run:/.test(k) && (store[k]?.updatedAt ?? 0) < NOW - RETENTION_MS,
    );
    expect(fixture.expiredRunKeys).toBe(expired.length);
    const after = JSON.parse(fixture.expectedAfter.toString()) as Record<string, unknown>;
    expect(Object.keys(after)).toEqual(Object.keys(store).filter((k) => !expired.includes(k)));
    expect(fixture.expectedArchived).toBeGreaterThan(0);
    expect(fixture.expectedArchivesRemoved).toBe(2); // 4 archives, two older than 24 h
    expect(fixture.nextExpiryAt).toBeGreaterThanOrEqual(NOW);

    const copy = await cache.copy(fixture);
    expect(await readFile(copy.storePath)).toEqual(await readFile(fixture.storePath));
    expect((await readdir(join(copy.storePath, ".."))).sort()).toEqual(
      (await readdir(fixture.storeDir)).sort(),
    );
    await copy.remove();
    await expect(access(copy.storePath)).rejects.toThrow();
    await cache.dispose();
    await expect(access(root)).rejects.toThrow();
  });
});
