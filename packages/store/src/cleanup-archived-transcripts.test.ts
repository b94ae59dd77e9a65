import { mkdir, readdir, readFile, symlink, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { useTempDir } from "../test/helpers/temp-dir";
import { formatArchiveStamp } from "./archive-stamp";
import { cleanupArchivedTranscripts } from "./cleanup-archived-transcripts";

const NOW = Date.parse("2026-03-01T00:00:00.000Z");
const DAY = 86_400_000;
const stampDaysAgo = (days: number) => formatArchiveStamp(NOW - days * DAY);

describe("cleanupArchivedTranscripts", () => {
  const dir = useTempDir();

  it("deletes archives strictly older than the retention, judged by the stamp in the name", async () => {
    const names = {
      old: `a.jsonl.deleted.${stampDaysAgo(3)}`,
      oldCounter: `a.jsonl.deleted.${stampDaysAgo(3)}.2`,
      exactlyAtCutoff: `b.jsonl.deleted.${stampDaysAgo(2)}`,
      young: `c.jsonl.deleted.${stampDaysAgo(1)}`,
      reset: `d.jsonl.reset.${stampDaysAgo(30)}`,
      unparsable: "e.jsonl.deleted.2026-02-30T00-00-00.000Z",
      transcript: "f.jsonl",
      backup: "sessions.json.bak.1700000000000",
    };
    for (const name of Object.values(names)) await writeFile(join(dir(), name), name);

    const result = await cleanupArchivedTranscripts({
      directories: [dir()],
      olderThanMs: 2 * DAY,
      nowMs: NOW,
    });
    expect(result.removedPaths.sort()).toEqual(
      [join(dir(), names.old), join(dir(), names.oldCounter)].sort(),
    );
    expect(result.removed).toBe(2);
    expect(result.scanned).toBe(4); // the four .deleted. archives with valid stamps
    expect(result.errors).toEqual([]);
    // The one exactly at the cutoff is the oldest left; it is due right after NOW.
    expect(result.oldestRemainingMs).toBe(NOW - 2 * DAY);
    expect((await readdir(dir())).sort()).toEqual(
      [
        names.exactlyAtCutoff,
        names.young,
        names.reset,
        names.unparsable,
        names.transcript,
        names.backup,
      ].sort(),
    );
  });

  it("deletes many old archives (several at a time) and reports them in listing order", async () => {
    for (let i = 0; i < 60; i++) {
      await writeFile(join(dir(), `s${i}.jsonl.deleted.${stampDaysAgo(i % 3 === 0 ? 1 : 5)}`), "x");
      await writeFile(join(dir(), `t${i}.jsonl`), "t");
    }
    const listed = await readdir(dir());
    const old = listed.filter((name) => name.includes(stampDaysAgo(5)));
    expect(old).toHaveLength(40);
    const result = await cleanupArchivedTranscripts({
      directories: [dir()],
      olderThanMs: 2 * DAY,
      nowMs: NOW,
    });
    expect(result.removedPaths).toEqual(old.map((name) => join(dir(), name)));
    expect(result.removed).toBe(40);
    expect(result.scanned).toBe(60);
    expect((await readdir(dir())).sort()).toEqual(
      listed.filter((name) => !old.includes(name)).sort(),
    );
  });

  it("handles reset archives when asked, and dry run deletes nothing", async () => {
    const name = `d.jsonl.reset.${stampDaysAgo(30)}`;
    await writeFile(join(dir(), name), "x");
    const dry = await cleanupArchivedTranscripts({
      directories: [dir()],
      olderThanMs: DAY,
      reason: "reset",
      nowMs: NOW,
      dryRun: true,
    });
    expect(dry.removedPaths).toEqual([join(dir(), name)]);
    expect(dry.oldestRemainingMs).toBe(NOW - 30 * DAY); // a dry run leaves it in place
    expect(await readdir(dir())).toEqual([name]);
    const real = await cleanupArchivedTranscripts({
      directories: [dir(), dir()],
      olderThanMs: DAY,
      reason: "reset",
      nowMs: NOW,
    });
    expect(real.removed).toBe(1);
    expect(real.oldestRemainingMs).toBeNull();
    expect(await readdir(dir())).toEqual([]);
  });

  it("never deletes a symlink or directory named like an archive, nor a link's target", async () => {
    const outside = join(dir(), "outside");
    const inside = join(dir(), "store");
    await mkdir(outside);
    await mkdir(inside);
    await writeFile(join(outside, "precious.txt"), "keep");
    const linkName = `x.jsonl.deleted.${stampDaysAgo(10)}`;
    const dirName = `y.jsonl.deleted.${stampDaysAgo(10)}`;
    await symlink(join(outside, "precious.txt"), join(inside, linkName));
    await mkdir(join(inside, dirName));
    const result = await cleanupArchivedTranscripts({
      directories: [inside],
      olderThanMs: DAY,
      nowMs: NOW,
    });
    expect(result.removed).toBe(0);
    expect(result.scanned).toBe(2);
    // Never deletable, so never "due" either.
    expect(result.oldestRemainingMs).toBeNull();
    expect((await readdir(inside)).sort()).toEqual([dirName, linkName].sort());
    expect(await readFile(join(outside, "precious.txt"), "utf8")).toBe("keep");
  });

  it("skips missing directories and non-directories without failing", async () => {
    await writeFile(join(dir(), "file"), "x");
    const result = await cleanupArchivedTranscripts({
      directories: [join(dir(), "missing"), join(dir(), "file")],
      olderThanMs: DAY,
      nowMs: NOW,
    });
    expect(result).toEqual({
      scanned: 0,
      removed: 0,
      removedPaths: [],
      errors: [],
      oldestRemainingMs: null,
    });
  });

  it("rejects a negative or non-finite retention", async () => {
    for (const olderThanMs of [-1, Number.NaN, Number.POSITIVE_INFINITY]) {
      await expect(
        cleanupArchivedTranscripts({ directories: [dir()], olderThanMs }),
      ).rejects.toThrow(RangeError);
    }
  });

  it("reports a directory it cannot list as a STORE_IO error and goes on with the others", async () => {
    const loop = join(dir(), "loop");
    await symlink(loop, loop); // listing it fails with ELOOP
    const archive = `a.jsonl.deleted.${stampDaysAgo(5)}`;
    await writeFile(join(dir(), archive), "x");
    const result = await cleanupArchivedTranscripts({
      directories: [loop, dir()],
      olderThanMs: DAY,
      nowMs: NOW,
    });
    expect(result.errors.map((e) => [e.code, e.path])).toEqual([["STORE_IO", loop]]);
    expect(result.removedPaths).toEqual([join(dir(), archive)]);
  });
});
