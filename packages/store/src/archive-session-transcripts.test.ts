import { existsSync } from "node:fs";
import { mkdir, readdir, readFile, stat, symlink, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { useTempDir } from "../test/helpers/temp-dir";
import {
  type ArchiveSessionTranscriptsParams,
  archiveSessionTranscripts,
  archiveSessionTranscriptsBatch,
  isPlainFileName,
  type TranscriptSession,
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

describe("archiveSessionTranscriptsBatch", () => {
  const dir = useTempDir();
  const storePath = () => join(dir(), "sessions.json");
  const batch = (
    sessions: TranscriptSession[],
    dryRun = false,
    stillInUse?: (session: TranscriptSession) => boolean,
    renameAfter?: Promise<boolean>,
  ) =>
    archiveSessionTranscriptsBatch({
      storePath: storePath(),
      sessions,
      reason: "deleted",
      nowMs: NOW,
      dryRun,
      ...(stillInUse ? { stillInUse } : {}),
      ...(renameAfter ? { renameAfter } : {}),
    });
  /** `count` sessions s0..s<count-1>, of which every `every`-th has a transcript. */
  async function sessionsWithTranscripts(count: number, every: number) {
    const sessions: TranscriptSession[] = [];
    const expected: string[] = [];
    for (let i = 0; i < count; i++) {
      sessions.push({ sessionId: `s${i}` });
      if (i % every === 0) {
        await writeFile(join(dir(), `s${i}.jsonl`), `t${i}`);
        expected.push(join(dir(), `s${i}.jsonl`));
      }
    }
    return { sessions, expected };
  }

  it("archives exactly the existing transcripts of many sessions, in session order", async () => {
    const { sessions, expected } = await sessionsWithTranscripts(200, 7);
    await writeFile(join(dir(), "unrelated.jsonl"), "u");
    // Reversed, to show the order follows the sessions, not the directory listing.
    const archived = await batch([...sessions].reverse());
    expect(archived).toEqual([...expected].reverse());
    const names = (await readdir(dir())).sort();
    expect(names).toEqual(
      [
        "unrelated.jsonl",
        ...expected.map((path) => `${path.slice(dir().length + 1)}.deleted.${STAMP}`),
      ].sort(),
    );
    expect(await readFile(join(dir(), `s7.jsonl.deleted.${STAMP}`), "utf8")).toBe("t7");
  });

  it("dry run reports exactly what the real run then archives, and renames nothing", async () => {
    const { sessions } = await sessionsWithTranscripts(50, 3);
    sessions.push({ sessionId: "s0", sessionFile: "s3.jsonl" }, { sessionId: "bad/id" });
    const before = (await readdir(dir())).sort();
    const planned = await batch(sessions, true);
    expect((await readdir(dir())).sort()).toEqual(before);
    expect(await batch(sessions)).toEqual(planned);
    expect(planned).toHaveLength(17);
  });

  it("archives a transcript named by several sessions once, for the first that names it", async () => {
    await writeFile(join(dir(), "shared.jsonl"), "x");
    await writeFile(join(dir(), "b.jsonl"), "b");
    const archived = await batch([
      { sessionId: "a", sessionFile: "shared.jsonl" },
      { sessionId: "b", sessionFile: join(dir(), "shared.jsonl") },
      { sessionId: "shared" },
      { sessionId: "b" },
    ]);
    expect(archived).toEqual([join(dir(), "shared.jsonl"), join(dir(), "b.jsonl")]);
    expect((await readdir(dir())).sort()).toEqual(
      [`b.jsonl.deleted.${STAMP}`, `shared.jsonl.deleted.${STAMP}`].sort(),
    );
  });

  it.each([
    ["a few sessions (lstat per name)", 0],
    ["many sessions (one directory listing)", 100],
  ])(
    "with %s, asks stillInUse once per session with a transcript and keeps what it reports",
    async (_label, padding) => {
      await writeFile(join(dir(), "a.jsonl"), "a");
      await writeFile(join(dir(), "c.jsonl"), "c");
      await writeFile(join(dir(), "c-topic.jsonl"), "c topic");
      await writeFile(join(dir(), "d.jsonl"), "d");
      await writeFile(join(dir(), "real.jsonl"), "real");
      await symlink(join(dir(), "real.jsonl"), join(dir(), "link.jsonl"));
      await writeFile(join(dir(), "real2.jsonl"), "real2");
      await symlink(join(dir(), "real2.jsonl"), join(dir(), "link2.jsonl"));
      const sessions: TranscriptSession[] = [
        { sessionId: "a" },
        { sessionId: "b" }, // no transcript: never asked
        { sessionId: "c", sessionFile: "c-topic.jsonl" }, // in use: both files stay
        { sessionId: "d", sessionFile: "c.jsonl" }, // c.jsonl is also c's: it stays
        { sessionId: "e", sessionFile: "link.jsonl" }, // asked before the link is followed
        { sessionId: "f", sessionFile: "link2.jsonl" }, // in use, through a link to real2.jsonl
        { sessionId: "real2" }, // real2.jsonl is f's too: it stays
        { sessionId: "bad/id", sessionFile: "a.jsonl" }, // unsafe: never asked
        ...Array.from({ length: padding }, (_, i) => ({ sessionId: `missing-${i}` })),
      ];
      const asked: TranscriptSession[] = [];
      const stillInUse = (session: TranscriptSession) => {
        asked.push(session);
        return session.sessionId === "c" || session.sessionId === "f";
      };
      const expected = [join(dir(), "a.jsonl"), join(dir(), "d.jsonl"), join(dir(), "real.jsonl")];
      const askedFor = [0, 2, 3, 4, 5, 6].map((index) => sessions[index]);
      expect(await batch(sessions, true, stillInUse)).toEqual(expected);
      expect(asked).toEqual(askedFor);
      asked.length = 0;
      expect(await batch(sessions, false, stillInUse)).toEqual(expected);
      expect(asked).toEqual(askedFor);
      expect((await readdir(dir())).sort()).toEqual(
        [
          "c-topic.jsonl",
          "c.jsonl",
          "link.jsonl",
          "link2.jsonl",
          "real2.jsonl",
          ...["a", "d", "real"].map((name) => `${name}.jsonl.deleted.${STAMP}`),
        ].sort(),
      );
    },
  );

  it.each([
    ["a few sessions (lstat per name)", 0],
    ["many sessions (one directory listing)", 100],
  ])("with %s, leaves the transcripts of unsafe sessionIds alone", async (_label, padding) => {
    const unsafe = [".dot", "a b", "-dash", "x".repeat(129), "caf\u00e9"];
    for (const id of unsafe) await writeFile(join(dir(), `${id}.jsonl`), id);
    await writeFile(join(dir(), "named.jsonl"), "named");
    await writeFile(join(dir(), "ok.jsonl"), "ok");
    const asked: string[] = [];
    const archived = await batch(
      [
        ...unsafe.map((sessionId) => ({ sessionId, sessionFile: "named.jsonl" })),
        { sessionId: "ok" },
        ...Array.from({ length: padding }, (_, i) => ({ sessionId: `absent-${i}` })),
      ],
      false,
      (session) => {
        asked.push(session.sessionId);
        return false;
      },
    );
    expect(archived).toEqual([join(dir(), "ok.jsonl")]);
    expect(asked).toEqual(["ok"]);
    expect((await readdir(dir())).sort()).toEqual(
      [...unsafe.map((id) => `${id}.jsonl`), "named.jsonl", `ok.jsonl.deleted.${STAMP}`].sort(),
    );
  });

  it("checks first and renames only once renameAfter resolves true", async () => {
    const { sessions, expected } = await sessionsWithTranscripts(40, 4);
    const before = (await readdir(dir())).sort();
    let open: (renames: boolean) => void = () => undefined;
    const renameAfter = new Promise<boolean>((resolve) => {
      open = resolve;
    });
    let asked = 0;
    const stillInUse = () => {
      asked++;
      return false;
    };
    const archiving = batch(sessions, false, stillInUse, renameAfter);
    // The checks run while the gate is shut (a transcript per session asked about); no rename.
    await new Promise((resume) => setTimeout(resume, 50));
    expect(asked).toBe(expected.length);
    expect((await readdir(dir())).sort()).toEqual(before);
    open(true);
    expect(await archiving).toEqual(expected);
    expect((await readdir(dir())).filter((name) => name.endsWith(STAMP))).toHaveLength(10);
  });

  it("archives nothing when renameAfter resolves false (dry run too) and throws its rejection", async () => {
    const { sessions } = await sessionsWithTranscripts(40, 4);
    const before = (await readdir(dir())).sort();
    const gated = (renameAfter: Promise<boolean>, dryRun: boolean) =>
      batch(sessions, dryRun, undefined, renameAfter);
    expect(await gated(Promise.resolve(false), false)).toEqual([]);
    expect(await gated(Promise.resolve(false), true)).toEqual([]);
    expect(await gated(Promise.resolve(true), true)).toHaveLength(10);
    const failure = new Error("write failed");
    const rejected = Promise.reject(failure);
    rejected.catch(() => undefined); // handled here; the batch still sees the rejection
    await expect(gated(rejected, false)).rejects.toBe(failure);
    expect((await readdir(dir())).sort()).toEqual(before);
  });

  it("renames nothing when stillInUse throws, and rejects with its error", async () => {
    await writeFile(join(dir(), "a.jsonl"), "a");
    await writeFile(join(dir(), "b.jsonl"), "b");
    const failure = new Error("no answer");
    const archived = batch([{ sessionId: "a" }, { sessionId: "b" }], false, (session) => {
      if (session.sessionId === "b") throw failure;
      return false;
    });
    await expect(archived).rejects.toBe(failure);
    expect((await readdir(dir())).sort()).toEqual(["a.jsonl", "b.jsonl"]);
  });

  // Few sessions are probed with one lstat per name, many with one directory listing: both must
  // see links, directories, non-transcripts and letter case the same way.
  it.each([
    ["a few sessions (lstat per name)", 0],
    ["many sessions (one directory listing)", 100],
  ])(
    "with %s, follows links only to transcripts inside, and skips everything else",
    async (_label, padding) => {
      const outside = join(dir(), "outside");
      const store = join(dir(), "store");
      await mkdir(outside);
      await mkdir(store);
      await mkdir(join(store, "dir.jsonl"));
      await writeFile(join(store, "real.jsonl"), "real");
      await writeFile(join(store, "notes.txt"), "notes");
      await writeFile(join(store, "lower.jsonl"), "lower");
      await writeFile(join(store, "Upper.jsonl"), "upper");
      await writeFile(join(outside, "secret.jsonl"), "secret");
      await symlink(join(store, "real.jsonl"), join(store, "link.jsonl"));
      await symlink(join(outside, "secret.jsonl"), join(store, "out.jsonl"));
      // Where the file system ignores letter case, "LOWER.jsonl" is "lower.jsonl" and is archived
      // like any transcript; where it does not, neither differently-cased name exists.
      const ignoresCase = await stat(join(store, "LOWER.jsonl")).then(
        () => true,
        () => false,
      );
      const sessions: TranscriptSession[] = [
        { sessionId: "x1", sessionFile: "link.jsonl" },
        { sessionId: "out" },
        { sessionId: "dir" },
        { sessionId: "x2", sessionFile: "notes.txt" },
        { sessionId: "LOWER" },
        { sessionId: "upper" },
        ...Array.from({ length: padding }, (_, i) => ({ sessionId: `absent-${i}` })),
      ];
      const archived = await archiveSessionTranscriptsBatch({
        storePath: join(store, "sessions.json"),
        sessions,
        reason: "reset",
        nowMs: NOW,
      });
      const names = (await readdir(store)).sort();
      expect(await readFile(join(outside, "secret.jsonl"), "utf8")).toBe("secret");
      if (ignoresCase) {
        expect(archived).toHaveLength(3);
        expect(names).toHaveLength(8);
        return;
      }
      expect(archived).toEqual([join(store, "real.jsonl")]);
      expect(names).toEqual(
        [
          "Upper.jsonl",
          "dir.jsonl",
          "link.jsonl",
          "lower.jsonl",
          "notes.txt",
          "out.jsonl",
          `real.jsonl.reset.${STAMP}`,
        ].sort(),
      );
    },
  );

  it("lets the event loop run between renames of a large batch", async () => {
    const { sessions, expected } = await sessionsWithTranscripts(3_000, 1);
    const first = join(dir(), "s0.jsonl");
    const last = join(dir(), "s2999.jsonl");
    // A ticker that looks at the directory whenever the event loop gets a turn. 6,000 link and
    // unlink calls cannot all finish within one slice, so a batch that yields between slices lets
    // some tick see the first transcript archived and the last one not yet; one that renames
    // everything in one go never does.
    let midBatchTicks = 0;
    let running = true;
    const tick = () => {
      if (!running) return;
      if (!existsSync(first) && existsSync(last)) midBatchTicks++;
      setImmediate(tick);
    };
    setImmediate(tick);
    const archived = await batch(sessions);
    running = false;
    expect(archived).toEqual(expected);
    expect(midBatchTicks).toBeGreaterThan(0);
  });

  it("gives each of many colliding transcripts its own counter suffix", async () => {
    const { sessions, expected } = await sessionsWithTranscripts(40, 1);
    for (let i = 0; i < 40; i += 2)
      await writeFile(join(dir(), `s${i}.jsonl.deleted.${STAMP}`), "old");
    expect(await batch(sessions)).toEqual(expected);
    for (let i = 0; i < 40; i++) {
      const archive = join(dir(), `s${i}.jsonl.deleted.${STAMP}${i % 2 === 0 ? ".1" : ""}`);
      expect(await readFile(archive, "utf8")).toBe(`t${i}`);
    }
    expect(await readFile(join(dir(), `s0.jsonl.deleted.${STAMP}`), "utf8")).toBe("old");
  });

  it("returns [] for no sessions or a missing store dir, and throws RangeError for a bad nowMs", async () => {
    expect(await batch([])).toEqual([]);
    const missing = await archiveSessionTranscriptsBatch({
      storePath: join(dir(), "missing", "sessions.json"),
      sessions: [{ sessionId: "a" }],
      reason: "deleted",
    });
    expect(missing).toEqual([]);
    await expect(
      archiveSessionTranscriptsBatch({
        storePath: storePath(),
        sessions: [],
        reason: "deleted",
        nowMs: Number.POSITIVE_INFINITY,
      }),
    ).rejects.toThrow(RangeError);
  });
});

describe("isPlainFileName", () => {
  it("accepts exactly the names of entries of the directory itself", () => {
    const plain = /^(?!\.\.?$)[^/\\:]+$/;
    const paths = ["a.jsonl", ".hidden", "...", "a b", "", ".", "..", "./a", "a/", "sub/a", "a\\b"];
    for (const path of [...paths, "C:a.jsonl", "/abs", "\n", "caf\u00e9.jsonl"]) {
      expect(isPlainFileName(path), path).toBe(plain.test(path));
    }
    expect(paths.filter(isPlainFileName)).toEqual(["a.jsonl", ".hidden", "...", "a b"]);
  });
});
