import { existsSync } from "node:fs";
import {
  mkdir,
  mkdtemp,
  open,
  readdir,
  readFile,
  rm,
  stat,
  utimes,
  writeFile,
} from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import {
  createFileBackend,
  createReaper,
  MIN_SWEEP_INTERVAL_MS,
  resetReaperThrottle,
  type SessionStoreBackend,
  sweepCronRunSessions,
} from "../src/index";
import { createRecordingLogger } from "./support/memory-backend";
import { createTempStore, entry, expectedStamp, type TempStore } from "./support/temp-store";

const HOUR = 3_600_000;
const NOW = Date.UTC(2026, 1, 14, 10, 30, 0, 123);
const silent = createRecordingLogger().logger;

let t: TempStore;
beforeEach(async () => {
  resetReaperThrottle();
  t = await createTempStore();
});
afterEach(async () => {
  await t.cleanup();
});

const sweep = (params: Partial<Parameters<typeof sweepCronRunSessions>[0]> = {}) =>
  sweepCronRunSessions({ sessionStorePath: t.storePath, nowMs: NOW, log: silent, ...params });

describe("sweepCronRunSessions on a real store", () => {
  it("prunes a 25 h-old run at the default and keeps the 1 h run, base key and old chat", async () => {
    await t.write({
      "agent:main:cron:job1:run:old": entry("s-old", NOW - 25 * HOUR),
      "agent:main:cron:job1:run:new": entry("s-new", NOW - 1 * HOUR),
      "agent:main:cron:job1": entry("s-new", NOW - 1 * HOUR),
      "agent:main:telegram:dm:1": entry("s-chat", NOW - 100 * HOUR),
    });
    const result = await sweep();
    expect(result).toMatchObject({
      swept: true,
      pruned: 1,
      prunedKeys: ["agent:main:cron:job1:run:old"],
    });
    expect(Object.keys(await t.read())).toEqual([
      "agent:main:cron:job1:run:new",
      "agent:main:cron:job1",
      "agent:main:telegram:dm:1",
    ]);
    // Survivors keep every opaque field.
    expect((await t.read())["agent:main:telegram:dm:1"]).toEqual(entry("s-chat", NOW - 100 * HOUR));
  });

  it("honours a custom retention", async () => {
    await t.write({
      "agent:main:cron:j:run:r": entry("s1", NOW - 2 * HOUR),
      "agent:main:cron:j:run:q": entry("s2", NOW - 30 * 60_000),
    });
    const result = await sweep({ cronConfig: { sessionRetention: "1h" } });
    expect(result.prunedKeys).toEqual(["agent:main:cron:j:run:r"]);
  });

  it("does nothing with sessionRetention false", async () => {
    await t.write({ "agent:main:cron:j:run:r": entry("s1", NOW - 1000 * HOUR) });
    const before = await t.readBytes();
    const result = await sweep({ cronConfig: { sessionRetention: false } });
    expect(result).toMatchObject({ swept: false, skipped: "disabled", pruned: 0 });
    expect(await t.readBytes()).toEqual(before);
  });

  it("prunes old hook sessions by hook retention while cron retention is off", async () => {
    await t.write({
      "agent:main:hook:old": entry("h1", NOW - 2 * HOUR),
      "agent:main:hook:fresh": entry("h2", NOW - 5 * 60_000),
      "agent:main:cron:j:run:r": entry("s1", NOW - 100 * HOUR),
    });
    const result = await sweep({
      cronConfig: { sessionRetention: false },
      hooksConfig: { sessionRetention: "1h" },
    });
    expect(result.prunedKeys).toEqual(["agent:main:hook:old"]);
    expect(Object.keys(await t.read())).toEqual([
      "agent:main:hook:fresh",
      "agent:main:cron:j:run:r",
    ]);
  });

  it("archives the transcript of a pruned, unreferenced session with the nowMs stamp", async () => {
    await t.write({ "agent:main:cron:j:run:r": entry("sess-1", NOW - 30 * HOUR) });
    const transcript = await t.file("sess-1.jsonl", "line\n");
    const result = await sweep();
    const archive = `${transcript}.deleted.${expectedStamp(NOW)}`;
    expect(result).toMatchObject({ archived: 1, archivedPaths: [transcript] });
    expect(existsSync(transcript)).toBe(false);
    expect(await readFile(archive, "utf8")).toBe("line\n");
  });

  it("never touches an external sessionFile outside the store dir", async () => {
    const outside = await mkdtemp(join(tmpdir(), "session-reaper-outside-"));
    try {
      const external = join(outside, "sess-ext.jsonl");
      await writeFile(external, "keep me\n");
      await t.write({
        "agent:main:cron:j:run:r": entry("sess-ext", NOW - 30 * HOUR, { sessionFile: external }),
      });
      const result = await sweep();
      expect(result.pruned).toBe(1);
      expect(result.archivedPaths).toEqual([]);
      expect(await readFile(external, "utf8")).toBe("keep me\n");
      expect(await readdir(outside)).toEqual(["sess-ext.jsonl"]);
    } finally {
      await rm(outside, { recursive: true, force: true });
    }
  });

  it("keeps the transcript a remaining base key still references", async () => {
    await t.write({
      "agent:main:cron:j:run:r": entry("shared", NOW - 30 * HOUR),
      "agent:main:cron:j": entry("shared", NOW - 30 * HOUR),
    });
    const transcript = await t.file("shared.jsonl");
    const result = await sweep();
    expect(result).toMatchObject({ pruned: 1, archived: 0, archivedPaths: [] });
    expect(existsSync(transcript)).toBe(true);
  });

  it("keeps a transcript a remaining entry names in its sessionFile (relative or absolute)", async () => {
    await t.write({
      "agent:main:cron:j:run:a": entry("run-a", NOW - 30 * HOUR),
      "agent:main:cron:j:run:b": entry("run-b", NOW - 30 * HOUR, { sessionFile: "custom-b.jsonl" }),
      "agent:main:cron:j:run:c": entry("run-c", NOW - 30 * HOUR),
      // Entries that stay, naming the removed runs' transcripts by path, not by sessionId.
      "agent:main:chat:1": entry("chat-1", NOW, { sessionFile: "./run-a.jsonl" }),
      "agent:main:chat:2": entry("chat-2", NOW, { sessionFile: join(t.dir, "custom-b.jsonl") }),
      // Same file name, another directory: not a reference to run-c's transcript.
      "agent:main:chat:3": entry("chat-3", NOW, { sessionFile: "sub/run-c.jsonl" }),
    });
    const a = await t.file("run-a.jsonl");
    const b = await t.file("custom-b.jsonl");
    const c = await t.file("run-c.jsonl");
    const dry = await sweep({ dryRun: true, force: true });
    expect(dry.archivedPaths).toEqual([c]);
    const result = await sweep({ force: true });
    expect(result).toMatchObject({ pruned: 3, archived: 1, archivedPaths: [c] });
    expect([existsSync(a), existsSync(b), existsSync(c)]).toEqual([true, true, false]);
  });

  it("keeps a transcript that a removed and a remaining entry name by different paths", async () => {
    await t.write({
      "agent:main:cron:j:run:a": entry("run-a", NOW - 30 * HOUR, { sessionFile: "./shared.jsonl" }),
      "agent:main:cron:j:run:b": entry("run-b", NOW - 30 * HOUR, { sessionFile: "other.jsonl" }),
      "agent:main:cron:j:run:c": entry("run-c", NOW - 30 * HOUR),
      "agent:main:cron:j:run:d": entry("run-d", NOW - 30 * HOUR, { sessionFile: "free.jsonl" }),
      "agent:main:cron:j:run:e": entry("run-e", NOW - 30 * HOUR),
      "agent:main:cron:j:run:f": entry("run-f", NOW - 30 * HOUR),
      // Entries that stay: plain names, a path through a subdirectory, an absolute path, and a
      // path with a trailing separator, which resolves to the same file.
      "agent:main:chat:0": entry("chat-0", NOW, { sessionFile: "run-e.jsonl" }),
      "agent:main:chat:1": entry("chat-1", NOW, { sessionFile: "shared.jsonl" }),
      "agent:main:chat:2": entry("chat-2", NOW, { sessionFile: "deep/../other.jsonl" }),
      "agent:main:chat:3": entry("chat-3", NOW, {
        sessionFile: join(t.dir, "x", "..", "run-c.jsonl"),
      }),
      "agent:main:chat:4": entry("chat-4", NOW, { sessionFile: "run-f.jsonl/" }),
    });
    const kept = [
      await t.file("shared.jsonl"),
      await t.file("other.jsonl"),
      await t.file("run-c.jsonl"),
      await t.file("run-e.jsonl"),
      await t.file("run-f.jsonl"),
    ];
    const free = [await t.file("free.jsonl"), await t.file("run-d.jsonl")];
    const result = await sweep();
    expect(result).toMatchObject({ pruned: 6, archived: 2, archivedPaths: free });
    expect(kept.map((path) => existsSync(path))).toEqual([true, true, true, true, true]);
  });

  it("keeps a remaining entry's default transcript that a removed entry names as its sessionFile", async () => {
    await t.write({
      "agent:main:cron:j:run:a": entry("run-a", NOW - 30 * HOUR, { sessionFile: "keep.jsonl" }),
      "agent:main:cron:j:run:b": entry("run-b", NOW - 30 * HOUR, { sessionFile: "./kept.jsonl" }),
      "agent:main:cron:j:run:c": entry("run-c", NOW - 30 * HOUR, { sessionFile: "sub/kept.jsonl" }),
      // Entries that stay, with no sessionFile: their transcripts are <sessionId>.jsonl.
      "agent:main:chat:1": entry("keep", NOW),
      "agent:main:chat:2": entry("kept", NOW),
    });
    const keep = await t.file("keep.jsonl");
    const kept = await t.file("kept.jsonl");
    // run-a still shares a transcript with an entry that stays: all of run-a's stay, as when a
    // remaining entry names one of them in its sessionFile.
    const runA = await t.file("run-a.jsonl");
    // Same file name in a subdirectory: not the remaining entry's transcript.
    await mkdir(join(t.dir, "sub"));
    const other = await t.file("sub/kept.jsonl");
    const result = await sweep();
    expect(result).toMatchObject({ pruned: 3, archived: 1, archivedPaths: [other] });
    expect([existsSync(keep), existsSync(kept), existsSync(runA), existsSync(other)]).toEqual([
      true,
      true,
      true,
      false,
    ]);
  });

  it("throttles for 5 min per store path, independently, and force bypasses it", async () => {
    const other = await createTempStore("other");
    try {
      const stale = { "agent:main:cron:j:run:r": entry("s", NOW - 30 * HOUR) };
      await t.write(stale);
      await other.write({ "agent:other:cron:j:run:r": entry("s", NOW - 30 * HOUR) });
      expect((await sweep()).pruned).toBe(1);

      await t.write(stale);
      const throttled = await sweep({ nowMs: NOW + MIN_SWEEP_INTERVAL_MS - 1 });
      expect(throttled).toMatchObject({ swept: false, skipped: "throttled" });
      expect(Object.keys(await t.read())).toEqual(["agent:main:cron:j:run:r"]);

      const elsewhere = await sweep({ sessionStorePath: other.storePath, nowMs: NOW + 1 });
      expect(elsewhere.pruned).toBe(1);

      expect((await sweep({ nowMs: NOW + 2, force: true })).pruned).toBe(1);
      await t.write(stale);
      expect((await sweep({ nowMs: NOW + 2 + MIN_SWEEP_INTERVAL_MS })).pruned).toBe(1);
    } finally {
      await other.cleanup();
    }
  });

  it("falls back on invalid retention strings (cron 24 h, hooks off) and reports them", async () => {
    await t.write({
      "agent:main:cron:j:run:old": entry("s1", NOW - 25 * HOUR),
      "agent:main:cron:j:run:new": entry("s2", NOW - 23 * HOUR),
      "agent:main:hook:h": entry("h", NOW - 1000 * HOUR),
    });
    const { lines, logger } = createRecordingLogger();
    const result = await sweep({
      log: logger,
      cronConfig: { sessionRetention: "a while" },
      hooksConfig: { sessionRetention: "1x" },
    });
    expect(result.prunedKeys).toEqual(["agent:main:cron:j:run:old"]);
    const warned = lines.filter((l) => l.msg === "invalid session reaper setting ignored");
    expect(warned.map((l) => l.obj)).toEqual([
      { setting: "cron.sessionRetention", value: "a while", fallback: 24 * HOUR },
      { setting: "hooks.sessionRetention", value: "1x", fallback: null },
    ]);
  });
});

describe("createReaper on a real store", () => {
  it("sweeps a missing store as empty without creating it", async () => {
    const result = await createReaper().sweep(t.storePath, { nowMs: NOW });
    expect(result).toMatchObject({ swept: true, pruned: 0, entriesBefore: 0 });
    expect(result.error).toBeUndefined();
    expect(await readdir(t.dir)).toEqual([]);
  });

  it("keeps the 2 newest runs per job across two agents with maxRunsPerJob: 2", async () => {
    const runs: Record<string, unknown> = {};
    for (const agent of ["a", "b"]) {
      for (let i = 1; i <= 4; i++) {
        runs[`agent:${agent}:cron:daily:run:${i}`] = entry(`${agent}-${i}`, NOW - (10 - i) * HOUR);
      }
      runs[`agent:${agent}:cron:daily`] = entry(`${agent}-4`, NOW - 6 * HOUR);
    }
    await t.write(runs);
    const reaper = createReaper({ cronConfig: { maxRunsPerJob: 2 }, now: () => NOW });
    const result = await reaper.sweep(t.storePath);
    expect(result.removed.map((r) => [r.key, r.reason])).toEqual([
      ["agent:a:cron:daily:run:1", "over-limit"],
      ["agent:a:cron:daily:run:2", "over-limit"],
      ["agent:b:cron:daily:run:1", "over-limit"],
      ["agent:b:cron:daily:run:2", "over-limit"],
    ]);
    expect(Object.keys(await t.read())).toEqual([
      "agent:a:cron:daily:run:3",
      "agent:a:cron:daily:run:4",
      "agent:a:cron:daily",
      "agent:b:cron:daily:run:3",
      "agent:b:cron:daily:run:4",
      "agent:b:cron:daily",
    ]);
  });

  it("cleans archives older than the largest enabled retention and nothing else", async () => {
    await t.write({ "agent:main:chat": entry("c", NOW) });
    const stamp = (ageMs: number) => expectedStamp(NOW - ageMs);
    const old = await t.file(`a.jsonl.deleted.${stamp(49 * HOUR)}`);
    const young = await t.file(`b.jsonl.deleted.${stamp(47 * HOUR)}`);
    const reset = await t.file(`c.jsonl.reset.${stamp(100 * HOUR)}`);
    const bak = await t.file(`sessions.json.bak.${NOW - 100 * HOUR}`);
    const unparsable = await t.file("d.jsonl.deleted.yesterday");
    const reaper = createReaper({
      cronConfig: { sessionRetention: "1h" },
      hooksConfig: { sessionRetention: "48h" },
    });
    const result = await reaper.sweep(t.storePath, { nowMs: NOW });
    expect(result).toMatchObject({ archivesRemoved: 1, archivesRemovedPaths: [old] });
    expect(existsSync(old)).toBe(false);
    for (const path of [young, reset, bak, unparsable]) expect(existsSync(path)).toBe(true);
  });

  it("a dry run that finds expired entries does not make the next real sweep skip the store", async () => {
    await t.write({
      "agent:main:chat": entry("c", NOW),
      "agent:main:cron:j:run:old": entry("old", NOW - 30 * HOUR),
    });
    const reaper = createReaper();
    const dry = await reaper.sweep(t.storePath, { nowMs: NOW, dryRun: true });
    expect(dry).toMatchObject({
      swept: true,
      pruned: 1,
      prunedKeys: ["agent:main:cron:j:run:old"],
    });
    const real = await reaper.sweep(t.storePath, { nowMs: NOW + 1 });
    expect(real.skipped).toBeUndefined();
    expect(real).toMatchObject({ swept: true, pruned: 1 });
    expect(Object.keys(await t.read())).toEqual(["agent:main:chat"]);
  });

  it("a dry run that finds archives to delete does not make the next real sweep skip the store", async () => {
    await t.write({ "agent:main:chat": entry("c", NOW) });
    const old = await t.file(`a.jsonl.deleted.${expectedStamp(NOW - 25 * HOUR)}`);
    const reaper = createReaper();
    const dry = await reaper.sweep(t.storePath, { nowMs: NOW, dryRun: true });
    expect(dry).toMatchObject({ swept: true, pruned: 0, archivesRemovedPaths: [old] });
    expect(existsSync(old)).toBe(true);
    const real = await reaper.sweep(t.storePath, { nowMs: NOW + 1 });
    expect(real.skipped).toBeUndefined();
    expect(real).toMatchObject({ swept: true, archivesRemovedPaths: [old] });
    expect(existsSync(old)).toBe(false);
  });

  it("re-sweeps an unchanged store when its oldest archive becomes deletable, not a retention later", async () => {
    await t.write({ "agent:main:chat": entry("c", NOW) });
    const archive = await t.file(`a.jsonl.deleted.${expectedStamp(NOW - 20 * HOUR)}`);
    const reaper = createReaper();
    const first = await reaper.sweep(t.storePath, { nowMs: NOW });
    expect(first).toMatchObject({ swept: true, archivesRemoved: 0 });
    // Nothing changed and nothing is due before NOW + 4 h: the store is not read.
    const early = await reaper.sweep(t.storePath, { nowMs: NOW + 3 * HOUR });
    expect(early.skipped).toBe("unchanged");
    expect(existsSync(archive)).toBe(true);
    // 24 h after its stamp the archive is due, so the store is swept although it did not change.
    const due = await reaper.sweep(t.storePath, { nowMs: NOW + 4 * HOUR + 1 });
    expect(due.skipped).toBeUndefined();
    expect(due).toMatchObject({ swept: true, archivesRemovedPaths: [archive] });
    expect(existsSync(archive)).toBe(false);
  });

  it("uses 24 h for archive cleanup when only maxRunsPerJob is enabled", async () => {
    await t.write({ "agent:main:chat": entry("c", NOW) });
    const old = await t.file(`a.jsonl.deleted.${expectedStamp(NOW - 25 * HOUR)}`);
    const young = await t.file(`b.jsonl.deleted.${expectedStamp(NOW - 23 * HOUR)}`);
    const reaper = createReaper({ cronConfig: { sessionRetention: false, maxRunsPerJob: 3 } });
    expect((await reaper.sweep(t.storePath, { nowMs: NOW })).archivesRemovedPaths).toEqual([old]);
    expect(existsSync(young)).toBe(true);
  });

  it("does not write when nothing is to be removed (inode and mtime unchanged)", async () => {
    await t.write({
      "agent:main:cron:j:run:r": entry("s", NOW - HOUR),
      "agent:main:chat": entry("c", NOW - 1000 * HOUR),
    });
    const before = await stat(t.storePath);
    const bytes = await t.readBytes();
    const result = await createReaper().sweep(t.storePath, { nowMs: NOW });
    expect(result).toMatchObject({ swept: true, pruned: 0, entriesBefore: 2, entriesAfter: 2 });
    const after = await stat(t.storePath);
    expect([after.ino, after.mtimeMs, after.size]).toEqual([
      before.ino,
      before.mtimeMs,
      before.size,
    ]);
    expect(await t.readBytes()).toEqual(bytes);
  });

  it("skips an unchanged store before nextExpiryAt without reading it", async () => {
    await t.write({ "agent:main:cron:j:run:r": entry("s", NOW - HOUR) });
    // Whole-second times, so utimes can put them back exactly after the edit below.
    const stamp = new Date(Math.floor((NOW - HOUR) / 1000) * 1000);
    await utimes(t.storePath, stamp, stamp);
    const original = await stat(t.storePath);
    const reaper = createReaper();
    const first = await reaper.sweep(t.storePath, { nowMs: NOW });
    expect(first).toMatchObject({ swept: true, pruned: 0, nextExpiryAt: NOW + 23 * HOUR });

    // Corrupt the file in place with same-size bytes and restore its mtime: same inode, size
    // and mtime, so identify() cannot tell; any read of the file would now fail as corrupt.
    const handle = await open(t.storePath, "r+");
    await handle.write(Buffer.alloc(original.size, "x"), 0, original.size, 0);
    await handle.close();
    await utimes(t.storePath, stamp, stamp);
    const edited = await stat(t.storePath);
    expect([edited.ino, edited.size, edited.mtimeMs]).toEqual([
      original.ino,
      original.size,
      original.mtimeMs,
    ]);
    expect((await t.readBytes()).toString()).toMatch(/^x+$/);

    const skipped = await reaper.sweep(t.storePath, { nowMs: NOW + MIN_SWEEP_INTERVAL_MS });
    expect(skipped).toMatchObject({ swept: false, skipped: "unchanged" });
    expect(skipped.error).toBeUndefined();

    // The method is honest: once the run is due, the sweep reads and meets the corrupt bytes.
    const due = await reaper.sweep(t.storePath, { nowMs: NOW + 23 * HOUR + 1 });
    expect(due).toMatchObject({ swept: false, error: { code: "STORE_CORRUPT" } });
  });

  it("after writing the store itself, skips the next sweep before nextExpiryAt without a read", async () => {
    await t.write({
      "agent:main:cron:j:run:old": entry("s-old", NOW - 25 * HOUR),
      "agent:main:cron:j:run:new": entry("s-new", NOW - HOUR),
    });
    // The reaper reaches the store only through its backend: count the removal passes (reads).
    const file = createFileBackend();
    let passes = 0;
    const { removeByAge } = file;
    if (!removeByAge) throw new Error("the file backend removes by age");
    const backend: SessionStoreBackend = {
      ...file,
      removeEntries: (...args) => {
        passes += 1;
        return file.removeEntries(...args);
      },
      removeByAge: (...args) => {
        passes += 1;
        return removeByAge(...args);
      },
    };
    const reaper = createReaper({ backend, minIntervalMs: 0 });
    const first = await reaper.sweep(t.storePath, { nowMs: NOW });
    expect(first).toMatchObject({ swept: true, prunedKeys: ["agent:main:cron:j:run:old"] });
    expect(passes).toBe(1);

    const skipped = await reaper.sweep(t.storePath, { nowMs: NOW + 1000 });
    expect(skipped).toMatchObject({
      swept: false,
      skipped: "unchanged",
      nextExpiryAt: NOW + 23 * HOUR,
    });
    expect(passes).toBe(1);

    // Another writer's change (a new inode) makes the next sweep read again.
    await t.write({ "agent:main:cron:j:run:new": entry("s-new", NOW - HOUR) });
    expect((await reaper.sweep(t.storePath, { nowMs: NOW + 2000 })).swept).toBe(true);
    expect(passes).toBe(2);
  });
});
