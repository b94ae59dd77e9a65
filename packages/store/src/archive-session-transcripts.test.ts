import { mkdir, readdir, readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { useTempDir } from "../test/helpers/temp-dir";
import {
  type ArchiveSessionTranscriptsParams,
  archiveSessionTranscripts,
} from "./archive-session-transcripts";

const NOW = Date.parse("2026-02-14T10:30:00.123Z");
const STAMP = "2026-02-14T10-30-00.123Z";

describe("archiveSessionTranscripts", () => {
  const dir = useTempDir();
  const storePath = () => join(dir(), "sessions.json");
  /** Archives session "abc" of the temp store at NOW unless told otherwise. */
  const archive = (overrides: Partial<ArchiveSessionTranscriptsParams> = {}) =>
    archiveSessionTranscripts({
      sessionId: "abc",
      storePath: storePath(),
      reason: "deleted",
      nowMs: NOW,
      ...overrides,
    });

  it("renames <sessionId>.jsonl to <file>.deleted.<stamp of nowMs> and returns the original path", async () => {
    await writeFile(join(dir(), "abc.jsonl"), "line\n");
    const archived = await archive();
    expect(archived).toEqual([join(dir(), "abc.jsonl")]);
    expect(await readdir(dir())).toEqual([`abc.jsonl.deleted.${STAMP}`]);
    expect(await readFile(join(dir(), `abc.jsonl.deleted.${STAMP}`), "utf8")).toBe("line\n");
  });

  it("archives the sessionFile (relative or absolute inside the dir) and the default name, once each", async () => {
    await writeFile(join(dir(), "abc.jsonl"), "a");
    await writeFile(join(dir(), "abc-topic-7.jsonl"), "t");
    const relative = await archive({ sessionFile: "abc-topic-7.jsonl", reason: "reset" });
    expect(relative).toEqual([join(dir(), "abc-topic-7.jsonl"), join(dir(), "abc.jsonl")]);
    expect((await readdir(dir())).sort()).toEqual(
      [`abc-topic-7.jsonl.reset.${STAMP}`, `abc.jsonl.reset.${STAMP}`].sort(),
    );

    await writeFile(join(dir(), "xyz.jsonl"), "x");
    const same = await archive({ sessionId: "xyz", sessionFile: join(dir(), "xyz.jsonl") });
    expect(same).toEqual([join(dir(), "xyz.jsonl")]);
  });

  it("archives a transcript in a subdirectory of the store dir next to itself", async () => {
    await mkdir(join(dir(), "topics"));
    await writeFile(join(dir(), "topics", "abc.jsonl"), "t");
    const archived = await archive({ sessionFile: "topics/abc.jsonl" });
    expect(archived).toEqual([join(dir(), "topics", "abc.jsonl")]);
    expect(await readdir(join(dir(), "topics"))).toEqual([`abc.jsonl.deleted.${STAMP}`]);
  });

  it("never overwrites an existing archive: later ones get a counter suffix", async () => {
    const existing = join(dir(), `abc.jsonl.deleted.${STAMP}`);
    await writeFile(existing, "first");
    await writeFile(join(dir(), `abc.jsonl.deleted.${STAMP}.1`), "second");
    await writeFile(join(dir(), "abc.jsonl"), "third");
    const archived = await archive();
    expect(archived).toEqual([join(dir(), "abc.jsonl")]);
    expect(await readFile(existing, "utf8")).toBe("first");
    expect(await readFile(`${existing}.1`, "utf8")).toBe("second");
    expect(await readFile(`${existing}.2`, "utf8")).toBe("third");
  });

  it("racing archivers of one transcript keep it and every older archive", async () => {
    const existing = join(dir(), `abc.jsonl.deleted.${STAMP}`);
    await writeFile(existing, "older");
    await writeFile(join(dir(), "abc.jsonl"), "newer");
    await Promise.all([archive(), archive()]);
    const names = await readdir(dir());
    expect(names).not.toContain("abc.jsonl");
    expect(await readFile(existing, "utf8")).toBe("older");
    const contents = await Promise.all(
      names
        .filter((n) => n !== `abc.jsonl.deleted.${STAMP}`)
        .map((n) => readFile(join(dir(), n), "utf8")),
    );
    expect(contents.length).toBeGreaterThan(0);
    expect(new Set(contents)).toEqual(new Set(["newer"]));
  });

  it("dry run reports the transcripts without renaming them", async () => {
    await writeFile(join(dir(), "abc.jsonl"), "a");
    const archived = await archive({ dryRun: true });
    expect(archived).toEqual([join(dir(), "abc.jsonl")]);
    expect(await readdir(dir())).toEqual(["abc.jsonl"]);
  });

  it("returns [] when there is no transcript, or no store dir", async () => {
    expect(await archive({ nowMs: Date.now() })).toEqual([]);
    expect(await archive({ storePath: join(dir(), "missing", "sessions.json") })).toEqual([]);
  });

  it("only archives .jsonl files: a sessionFile naming the store or its lock is ignored", async () => {
    await writeFile(storePath(), "{}");
    await mkdir(`${storePath()}.lock`);
    for (const sessionFile of ["sessions.json", "sessions.json.lock", "."]) {
      expect(await archive({ sessionFile })).toEqual([]);
    }
    expect((await readdir(dir())).sort()).toEqual(["sessions.json", "sessions.json.lock"]);
  });

  it("throws RangeError for an invalid nowMs", async () => {
    await expect(archive({ nowMs: Number.NaN })).rejects.toThrow(RangeError);
  });
});
