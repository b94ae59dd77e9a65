import { stat } from "node:fs/promises";
import type { EntryView } from "@session-reaper/store";
import { updateSessionStore, writeFileAtomic } from "@session-reaper/store";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createTempStore, entry, type TempStore } from "../test/support/temp-store";
import { createFileBackend } from "./create-file-backend";

let t: TempStore;
beforeEach(async () => {
  t = await createTempStore();
});
afterEach(async () => {
  await t.cleanup();
});

describe("createFileBackend", () => {
  it("identifies a store by inode, size and mtime, and a missing one as null", async () => {
    const backend = createFileBackend();
    expect(await backend.identify?.(t.storePath)).toBeNull();
    await t.write({ k: entry("s", 1) });
    const s = await stat(t.storePath);
    const first = await backend.identify?.(t.storePath);
    expect(first).toBe(`${s.ino}:${s.size}:${s.mtimeMs}`);
    await writeFileAtomic(t.storePath, JSON.stringify({ k: entry("s", 2) }, null, 2));
    expect(await backend.identify?.(t.storePath)).not.toBe(first);
  });

  it("removes what select picks, counting every entry, and writes nothing in a dry run", async () => {
    await t.write({ a: entry("s1", 1), b: entry("s2", 2), c: entry("s1", 3) });
    const backend = createFileBackend();
    const seen: string[] = [];
    const select = (v: EntryView) => {
      seen.push(v.key);
      return v.key === "a";
    };
    const before = await t.readBytes();
    const dry = await backend.removeEntries(t.storePath, select, { dryRun: true });
    expect(dry).toMatchObject({ written: false, entriesBefore: 3 });
    expect(dry.removed.map((v) => v.key)).toEqual(["a"]);
    expect(await t.readBytes()).toEqual(before);

    const real = await backend.removeEntries(t.storePath, select, { dryRun: false });
    expect(real).toMatchObject({ written: true, entriesBefore: 3 });
    expect([...real.remainingSessionIds].sort()).toEqual(["s1", "s2"]);
    expect(Object.keys(await t.read())).toEqual(["b", "c"]);
    expect(seen).toEqual(["a", "b", "c", "a", "b", "c"]);
  });

  it("hands every view to selectAll at once", async () => {
    await t.write({ a: entry("s1", 1), b: entry("s2", 2), c: entry("s3", 3) });
    const backend = createFileBackend();
    const calls: string[][] = [];
    const result = await backend.removeSelected?.(
      t.storePath,
      (views) => {
        calls.push(views.map((v) => v.key));
        return new Set(["a", "c"]);
      },
      { dryRun: false },
    );
    expect(calls).toEqual([["a", "b", "c"]]);
    expect(result?.removed.map((v) => v.key)).toEqual(["a", "c"]);
    expect(Object.keys(await t.read())).toEqual(["b"]);
  });

  it("decides under the store lock: a concurrent writer waits until the removal is done", async () => {
    await t.write({ a: entry("s1", 1), b: entry("s2", 2) });
    const backend = createFileBackend();
    let writer: Promise<unknown> | undefined;
    const result = await backend.removeSelected?.(
      t.storePath,
      (views) => {
        // Another writer arrives while the selection is being decided; it must queue behind us.
        writer = updateSessionStore(t.storePath, (store) => {
          store.c = entry("s3", 3);
        });
        return new Set(views.map((v) => v.key).filter((k) => k !== "b"));
      },
      { dryRun: false },
    );
    expect(result?.removed.map((v) => v.key)).toEqual(["a"]);
    await writer;
    expect(Object.keys(await t.read())).toEqual(["b", "c"]);
  });

  it("returns nothing for a missing store", async () => {
    const backend = createFileBackend();
    const result = await backend.removeSelected?.(t.storePath, () => new Set(["a"]), {
      dryRun: false,
    });
    expect(result?.removed).toEqual([]);
    expect(result?.written).toBe(false);
  });

  it("removes by age what the cutoffs give and reports the oldest stamps it keeps", async () => {
    await t.write({
      "agent:main:cron:j:run:old": entry("s1", 100),
      "agent:main:cron:j:run:new": entry("s2", 300),
      "agent:main:cron:j": entry("s1", 50),
      "agent:main:hook:h": entry("s3", 250),
      "agent:main:hook:gone": entry("s4", 150),
      "agent:main:main": entry("s5", 1),
    });
    const backend = createFileBackend();
    const cutoffs = { cronRunsBefore: 200, hooksBefore: 200 };
    const dry = await backend.removeByAge?.(t.storePath, cutoffs, { dryRun: true });
    expect(dry).toMatchObject({ written: false, entriesBefore: 6 });
    const real = await backend.removeByAge?.(t.storePath, cutoffs, { dryRun: false });
    expect(real).toMatchObject({
      written: true,
      entriesBefore: 6,
      oldestKept: { cronRun: 300, hook: 250 },
    });
    expect(real?.removed.map((v) => v.key)).toEqual([
      "agent:main:cron:j:run:old",
      "agent:main:hook:gone",
    ]);
    expect([...(real?.remainingSessionIds ?? [])]).toEqual(["s2", "s1", "s3", "s5"]);
    expect(real?.identityAfter).toBe(await backend.identify?.(t.storePath));
    expect(Object.keys(await t.read())).toEqual([
      "agent:main:cron:j:run:new",
      "agent:main:cron:j",
      "agent:main:hook:h",
      "agent:main:main",
    ]);
  });
});
