import { readdirSync, readFileSync, readlinkSync } from "node:fs";
import { chmod, mkdir, readdir, readFile, stat, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { describe, expect, it, vi } from "vitest";
import { snapshotFile, tempFilesIn, useTempDir } from "../test/helpers/temp-dir";
import { isStoreError } from "./errors";
import { identifyStoreFile } from "./identify-store-file";
import { removeSessionEntries } from "./remove-session-entries";
import type { EntryView, RemoveEntriesResult } from "./types";

const STORE = {
  "agent:main:main": { sessionId: "chat", updatedAt: 10, model: { id: "m", ctx: [1, 2] } },
  "agent:main:cron:job:run:r1": { sessionId: "r1", updatedAt: 1, sessionFile: "r1.jsonl" },
  "agent:main:cron:job": { sessionId: "r2", updatedAt: 2, note: "base \u00e9\u{1f600}" },
  "agent:main:cron:job:run:r2": { sessionId: "r2", updatedAt: 2 },
  "agent:main:hook:h1": { sessionId: "h1", updatedAt: 3, nested: { "a,b": "}{" } },
};
const isRun = (view: EntryView) => view.key.includes(":run:");

/** The store without run keys: what JSON.parse-then-delete would leave. */
const KEPT = Object.fromEntries(Object.entries(STORE).filter(([key]) => !key.includes(":run:")));

const FORMATS: Record<string, (value: unknown) => string> = {
  "2-space (OpenClaw)": (v) => JSON.stringify(v, null, 2),
  "4-space": (v) => JSON.stringify(v, null, 4),
  tab: (v) => JSON.stringify(v, null, "\t"),
  minified: (v) => JSON.stringify(v),
  CRLF: (v) => JSON.stringify(v, null, 2).replaceAll("\n", "\r\n"),
  "trailing newline": (v) => `${JSON.stringify(v, null, 2)}\n`,
};

describe("removeSessionEntries", () => {
  const dir = useTempDir();
  const store = () => join(dir(), "sessions.json");

  for (const [name, format] of Object.entries(FORMATS)) {
    it(`cuts entries out of a ${name} file and leaves every other byte as it was`, async () => {
      await writeFile(store(), format(STORE));
      await chmod(store(), 0o640);
      const result = await removeSessionEntries(store(), isRun);
      const after = await readFile(store(), "utf8");
      // The survivors, and the layout around them, are exactly what that format gives.
      expect(after).toBe(format(KEPT));
      expect(result.written).toBe(true);
      expect(result.removed.map((view) => view.key)).toEqual([
        "agent:main:cron:job:run:r1",
        "agent:main:cron:job:run:r2",
      ]);
      expect(result.removed[0]).toEqual({
        key: "agent:main:cron:job:run:r1",
        sessionId: "r1",
        updatedAt: 1,
        sessionFile: "r1.jsonl",
      });
      expect(new Set(result.remainingSessionIds)).toEqual(new Set(["chat", "r2", "h1"]));
      // r1.jsonl was named only by the removed run.
      expect(result.remainingSessionFiles).toEqual(new Set());
      expect(result.bytesBefore).toBe(Buffer.byteLength(format(STORE)));
      expect(result.bytesAfter).toBe(Buffer.byteLength(after));
      expect((await stat(store())).mode & 0o777).toBe(0o640);
      expect(await readdir(dir())).toEqual(["sessions.json"]);
    });
  }

  it("removes the first and the last entry, and can empty the store", async () => {
    const text = JSON.stringify(STORE, null, 2);
    await writeFile(store(), text);
    await removeSessionEntries(
      store(),
      (v) => v.key === "agent:main:main" || v.key.includes("hook"),
    );
    const { "agent:main:main": _first, "agent:main:hook:h1": _last, ...middle } = STORE;
    expect(await readFile(store(), "utf8")).toBe(JSON.stringify(middle, null, 2));

    const result = await removeSessionEntries(store(), () => true);
    expect(JSON.parse(await readFile(store(), "utf8"))).toEqual({});
    expect(result.remainingSessionIds.size).toBe(0);
  });

  // The last "a" spelled plainly (duplicates found from the key bytes) or as "\u0061" (found
  // from the decoded text): JSON.parse sees one key "a" either way.
  for (const lastA of ['"a"', '"\\u0061"']) {
    it(`calls select once per distinct key with the last occurrence, and removes every occurrence (${lastA})`, async () => {
      const text = `{"a": {"sessionId": "old"}, "b": {"sessionId": "b"}, ${lastA}: {"sessionId": "new"}}`;
      await writeFile(store(), text);
      const seen: EntryView[] = [];
      const result = await removeSessionEntries(store(), (view) => {
        seen.push(view);
        return view.key === "a";
      });
      expect(seen).toEqual([
        { key: "a", sessionId: "new" },
        { key: "b", sessionId: "b" },
      ]);
      expect(result.removed).toEqual([{ key: "a", sessionId: "new" }]);
      expect(new Set(result.remainingSessionIds)).toEqual(new Set(["b"]));
      expect(JSON.parse(await readFile(store(), "utf8"))).toEqual({ b: { sessionId: "b" } });
      expect(await readFile(store(), "utf8")).toBe('{"b": {"sessionId": "b"}}');
    });

    it(`selectAll sees every distinct key's last view at once and removes the keys it returns (${lastA})`, async () => {
      const text = `{"a": {"sessionId": "old"}, "b": {"sessionId": "b"}, ${lastA}: {"sessionId": "new"}, "c": 1}`;
      await writeFile(store(), text);
      const calls: (readonly EntryView[])[] = [];
      const result = await removeSessionEntries(store(), {
        selectAll: (views) => {
          calls.push(views);
          return new Set(["a", "not-a-key"]);
        },
      });
      expect(calls).toEqual([
        [{ key: "a", sessionId: "new" }, { key: "b", sessionId: "b" }, { key: "c" }],
      ]);
      expect(result.removed).toEqual([{ key: "a", sessionId: "new" }]);
      expect(new Set(result.remainingSessionIds)).toEqual(new Set(["b"]));
      expect(await readFile(store(), "utf8")).toBe('{"b": {"sessionId": "b"}, "c": 1}');
    });
  }

  it("writes thousands of surviving ranges byte for byte", async () => {
    // Removing every other entry leaves one range per survivor: 2,500 of them.
    const big = Object.fromEntries(
      Array.from({ length: 5_000 }, (_, i) => [`k${i}`, { sessionId: `s${i}`, updatedAt: i }]),
    );
    const odd = (view: EntryView) => Number(view.key.slice(1)) % 2 === 1;
    await writeFile(store(), JSON.stringify(big, null, 2));
    const dry = await removeSessionEntries(store(), odd, { dryRun: true });
    const result = await removeSessionEntries(store(), odd);
    const kept = Object.fromEntries(Object.entries(big).filter((_, i) => i % 2 === 0));
    const after = await readFile(store(), "utf8");
    expect(after).toBe(JSON.stringify(kept, null, 2));
    expect(result.removed).toHaveLength(2_500);
    expect(result.bytesAfter).toBe(Buffer.byteLength(after));
    expect(dry.bytesAfter).toBe(result.bytesAfter);
  });

  it("does not write when nothing is selected: same inode, mtime and bytes", async () => {
    await writeFile(store(), JSON.stringify(STORE, null, 2));
    const before = await snapshotFile(store());
    const result = await removeSessionEntries(store(), () => false);
    expect(result.written).toBe(false);
    expect(result.removed).toEqual([]);
    expect(result.bytesAfter).toBe(result.bytesBefore);
    expect(new Set(result.remainingSessionIds)).toEqual(new Set(["chat", "r1", "r2", "h1"]));
    expect(result.remainingSessionFiles).toEqual(new Set(["r1.jsonl"]));
    expect(await snapshotFile(store())).toEqual(before);
  });

  it('removes only what select returns exactly true for (1, "yes" and objects remove nothing)', async () => {
    await writeFile(store(), JSON.stringify(STORE, null, 2));
    const before = await snapshotFile(store());
    const truthy = [1, "yes", {}, []];
    let calls = 0;
    const sloppy = (() => truthy[calls++ % truthy.length]) as unknown as (view: unknown) => boolean;
    const result = await removeSessionEntries(store(), sloppy);
    expect(result).toMatchObject({ removed: [], written: false });
    expect(calls).toBe(Object.keys(STORE).length);
    expect(await snapshotFile(store())).toEqual(before);
  });

  it("dry run reports the same result and writes nothing", async () => {
    await writeFile(store(), JSON.stringify(STORE, null, 2));
    const before = await snapshotFile(store());
    const result = await removeSessionEntries(store(), isRun, { dryRun: true });
    expect(result.written).toBe(false);
    expect(result.removed).toHaveLength(2);
    expect(result.bytesAfter).toBe(Buffer.byteLength(JSON.stringify(KEPT, null, 2)));
    expect(await snapshotFile(store())).toEqual(before);
    expect(await readdir(dir())).toEqual(["sessions.json"]);
  });

  it("reports the fingerprint of the file it left: the new file after a write, the same one otherwise", async () => {
    await writeFile(store(), JSON.stringify(STORE, null, 2));
    const before = await identifyStoreFile(store());
    const untouched = await removeSessionEntries(store(), () => false);
    expect(untouched.fileIdentity).toBe(before);
    const dry = await removeSessionEntries(store(), isRun, { dryRun: true });
    expect(dry.fileIdentity).toBe(before);
    const written = await removeSessionEntries(store(), isRun);
    expect(written.fileIdentity).not.toBe(before);
    expect(written.fileIdentity).toBe(await identifyStoreFile(store()));
    const missing = await removeSessionEntries(join(dir(), "none", "sessions.json"), isRun);
    expect(missing.fileIdentity).toBeNull();
  });

  it("reports its selection once, while the new bytes sync and before they replace the store", async () => {
    const text = JSON.stringify(STORE, null, 2);
    await writeFile(store(), text);
    const seen: { removed: string[]; storeThen: string; temps: number; selection: unknown }[] = [];
    const result = await removeSessionEntries(store(), isRun, {
      onSelected: (selection) => {
        seen.push({
          removed: selection.removed.map((view) => view.key),
          storeThen: readFileSync(store(), "utf8"),
          temps: readdirSync(dir()).filter((name) => name.endsWith(".tmp")).length,
          selection,
        });
      },
    });
    expect(seen).toHaveLength(1);
    const [first] = seen;
    expect(first?.removed).toEqual(["agent:main:cron:job:run:r1", "agent:main:cron:job:run:r2"]);
    // The old store was still in place, its replacement written next to it.
    expect(first?.storeThen).toBe(text);
    expect(first?.temps).toBe(1);
    // The very objects of the result.
    const selection = first?.selection as Partial<RemoveEntriesResult>;
    expect(selection.removed).toBe(result.removed);
    expect(selection.remainingSessionIds).toBe(result.remainingSessionIds);
    expect(selection.remainingSessionFiles).toBe(result.remainingSessionFiles);
    expect(result.written).toBe(true);
  });

  it("reports its selection right away in a dry run or when nothing goes, never for no store", async () => {
    await writeFile(store(), JSON.stringify(STORE));
    const calls: number[] = [];
    const onSelected = (selection: { removed: EntryView[] }) =>
      calls.push(selection.removed.length);
    await removeSessionEntries(store(), isRun, { dryRun: true, onSelected });
    await removeSessionEntries(store(), () => false, { onSelected });
    await removeSessionEntries(join(dir(), "none.json"), isRun, { onSelected });
    await removeSessionEntries(join(dir(), "no", "sessions.json"), isRun, { onSelected });
    expect(calls).toEqual([2, 0]);
  });

  it("fails with what onSelected throws and leaves the store as it was, with no temp file", async () => {
    await writeFile(store(), JSON.stringify(STORE, null, 2));
    const before = await snapshotFile(store());
    const failure = new Error("caller bug");
    for (const dryRun of [false, true]) {
      await expect(
        removeSessionEntries(store(), isRun, {
          dryRun,
          onSelected: () => {
            throw failure;
          },
        }),
      ).rejects.toBe(failure);
      expect(await snapshotFile(store())).toEqual(before);
      expect(await tempFilesIn(dir())).toEqual([]);
    }
    // The lock was released: the next pass runs.
    expect((await removeSessionEntries(store(), isRun)).written).toBe(true);
  });

  // Linux lists a process's open files in /proc/self/fd.
  it.runIf(process.platform === "linux")(
    "closes the store files it reads: one it replaced just after the pass, others before it resolves",
    async () => {
      const openTo = (path: string) =>
        readdirSync("/proc/self/fd").filter((fd) => {
          try {
            const target = readlinkSync(`/proc/self/fd/${fd}`);
            return target === path || target === `${path} (deleted)`;
          } catch {
            return false; // the fd readdir itself used, closed meanwhile
          }
        }).length;
      // Node closes a FileHandle left open when it is garbage collected, with a warning: that
      // must not be what closes the file here.
      const gcCloses: string[] = [];
      const onWarning = (warning: Error) => {
        if (warning.message.includes("on garbage collection")) gcCloses.push(warning.message);
      };
      process.on("warning", onWarning);
      await writeFile(store(), JSON.stringify(STORE, null, 2));
      await removeSessionEntries(store(), isRun, { dryRun: true });
      expect(openTo(store())).toBe(0);
      await removeSessionEntries(store(), () => false);
      expect(openTo(store())).toBe(0);
      const failure = new Error("select failed");
      const fail = () => {
        throw failure;
      };
      await expect(removeSessionEntries(store(), fail)).rejects.toBe(failure);
      expect(openTo(store())).toBe(0);
      const result = await removeSessionEntries(store(), isRun);
      expect(result.written).toBe(true);
      // Closed without being awaited (it frees the replaced file's blocks): soon, not at once.
      await vi.waitFor(() => expect(openTo(store())).toBe(0), { timeout: 5_000 });
      await new Promise((resume) => setImmediate(resume)); // warnings are emitted on a later tick
      process.off("warning", onWarning);
      expect(gcCloses).toEqual([]);
    },
  );

  it("treats a missing store or directory as empty and creates nothing", async () => {
    const empty = {
      removed: [],
      entries: 0,
      remainingSessionIds: new Set(),
      remainingSessionFiles: new Set(),
      bytesBefore: 0,
      bytesAfter: 0,
      written: false,
      fileIdentity: null,
    };
    expect(await removeSessionEntries(store(), () => true)).toEqual(empty);
    expect(await removeSessionEntries(join(dir(), "no", "sessions.json"), () => true)).toEqual(
      empty,
    );
    expect(await readdir(dir())).toEqual([]);
    // A "directory" that is a file: no store either.
    await writeFile(join(dir(), "file"), "not a directory");
    const inFile = join(dir(), "file", "sessions.json");
    expect(await removeSessionEntries(inFile, () => true)).toEqual(empty);
    const byAge = { olderThan: { cronRunsBefore: Date.now(), hooksBefore: null } };
    expect(await removeSessionEntries(join(dir(), "no", "sessions.json"), byAge)).toEqual({
      ...empty,
      oldestKept: { cronRun: null, hook: null },
    });
    expect(await readdir(dir())).toEqual(["file"]);
  });

  it("writes nothing when select throws", async () => {
    await writeFile(store(), JSON.stringify(STORE, null, 2));
    const before = await snapshotFile(store());
    const boom = new Error("boom");
    await expect(
      removeSessionEntries(store(), () => {
        throw boom;
      }),
    ).rejects.toBe(boom);
    expect(await snapshotFile(store())).toEqual(before);
    expect(await readdir(dir())).toEqual(["sessions.json"]);
  });

  it("refuses a corrupt store with STORE_CORRUPT and leaves it alone", async () => {
    await writeFile(store(), '{"a": {"sessionId": "x"}, }');
    const before = await snapshotFile(store());
    const error = await removeSessionEntries(store(), () => true).catch((e: unknown) => e);
    expect(isStoreError(error) && error.code).toBe("STORE_CORRUPT");
    expect(await snapshotFile(store())).toEqual(before);
  });

  it("fails with STORE_IO, and releases the lock, when the store path is not a file", async () => {
    await mkdir(store());
    const error = await removeSessionEntries(store(), () => true).catch((e: unknown) => e);
    expect(isStoreError(error) && error.code).toBe("STORE_IO");
    expect(await readdir(dir())).toEqual(["sessions.json"]);
  });
});
