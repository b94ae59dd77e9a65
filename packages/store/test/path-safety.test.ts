import { lstat, mkdir, readdir, readFile, readlink, symlink, writeFile } from "node:fs/promises";
import { join, relative } from "node:path";
import { describe, expect, it } from "vitest";
import {
  archiveSessionTranscripts,
  archiveSessionTranscriptsBatch,
  type TranscriptSession,
} from "../src/archive-session-transcripts";
import { formatArchiveStamp } from "../src/archive-stamp";
import { cleanupArchivedTranscripts } from "../src/cleanup-archived-transcripts";
import { useTempDir } from "./helpers/temp-dir";

const NOW = Date.parse("2026-02-14T10:30:00.123Z");
const STAMP = formatArchiveStamp(NOW);

/** Every path under `root` → file content, `-> target` for symlinks, `<dir>` for directories. */
async function tree(root: string): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  async function walk(dir: string): Promise<void> {
    for (const name of await readdir(dir)) {
      const path = join(dir, name);
      const key = relative(root, path);
      const st = await lstat(path);
      if (st.isSymbolicLink()) out.set(key, `-> ${await readlink(path)}`);
      else if (st.isDirectory()) {
        out.set(key, "<dir>");
        await walk(path);
      } else out.set(key, await readFile(path, "utf8"));
    }
  }
  await walk(root);
  return out;
}

/** Asserts that the only difference between two trees is `renames` (old → new relative paths). */
function expectOnlyRenames(
  before: Map<string, string>,
  after: Map<string, string>,
  renames: Record<string, string>,
): void {
  const expected = new Map(before);
  for (const [from, to] of Object.entries(renames)) {
    const content = expected.get(from);
    expect(content, `${from} existed`).toBeDefined();
    expected.delete(from);
    expected.set(to, content as string);
  }
  expect(Object.fromEntries(after)).toEqual(Object.fromEntries(expected));
}

describe("path safety of archiving and cleanup (SPEC §2.3, §6)", () => {
  const root = useTempDir("store-paths-");

  /**
   * <root>/store          the store dir, with sessions.json and transcripts
   * <root>/outside        files that must never move, some named like transcripts
   * <root>/sibling        another agent's store dir
   * <root>/store-link     a symlink to <root>/store
   */
  async function layout(): Promise<{ store: string; storePath: string }> {
    const store = join(root(), "store");
    await mkdir(join(store, "sub"), { recursive: true });
    await mkdir(join(root(), "outside"));
    await mkdir(join(root(), "sibling"));
    await writeFile(join(store, "sessions.json"), "{}");
    await writeFile(join(root(), "x.jsonl"), "root x");
    await writeFile(join(root(), "outside", "passwd"), "root:x:0:0");
    await writeFile(join(root(), "outside", "secret.jsonl"), "secret");
    await writeFile(join(root(), "outside", "target.jsonl"), "target");
    await writeFile(join(root(), "outside", "abc.jsonl"), "outside abc");
    await writeFile(join(root(), "sibling", "abc.jsonl"), "sibling abc");
    await symlink(join(root(), "outside", "target.jsonl"), join(store, "link-out.jsonl"));
    await symlink(join(root(), "outside"), join(store, "dir-out"));
    await writeFile(join(store, "..foo.jsonl"), "dot-dot name");
    await writeFile(join(store, "sub", "deep.jsonl"), "deep");
    await writeFile(join(store, "a.jsonl"), "a");
    await mkdir(join(store, "a"));
    await writeFile(join(store, "a", "b.jsonl"), "a/b");
    await writeFile(join(store, ".hidden.jsonl"), "hidden");
    await writeFile(join(store, `${"a".repeat(200)}.jsonl`), "long");
    await writeFile(join(store, "ok.jsonl"), "ok");
    await symlink(store, join(root(), "store-link"));
    return { store, storePath: join(store, "sessions.json") };
  }

  it("archives only regular .jsonl files strictly inside the real store dir", async () => {
    const { store, storePath } = await layout();
    const before = await tree(root());
    const archive = (sessionId: string, sessionFile?: string, path = storePath) =>
      archiveSessionTranscripts({
        sessionId,
        storePath: path,
        reason: "deleted",
        nowMs: NOW,
        ...(sessionFile === undefined ? {} : { sessionFile }),
      });

    // Unsafe sessionFile values; "none" is a sessionId without a transcript.
    expect(await archive("none", "../x.jsonl")).toEqual([]);
    expect(await archive("none", join(root(), "outside", "passwd"))).toEqual([]);
    expect(await archive("none", join(root(), "outside", "secret.jsonl"))).toEqual([]);
    expect(await archive("none", join(root(), "sibling", "abc.jsonl"))).toEqual([]);
    expect(await archive("none", "link-out.jsonl")).toEqual([]);
    expect(await archive("none", "dir-out/abc.jsonl")).toEqual([]);
    expect(await archive("none", "sub/../../outside/abc.jsonl")).toEqual([]);
    expect(await archive("none", "sub")).toEqual([]);
    expect(await archive("none", "sessions.json")).toEqual([]);
    // A sessionFile pointing outside through the symlinked store dir.
    expect(
      await archive("none", "../outside/abc.jsonl", join(root(), "store-link", "sessions.json")),
    ).toEqual([]);
    // Unsafe sessionIds: nothing at all is archived for them, not even a safe sessionFile.
    for (const sessionId of [
      "../../x",
      "../x",
      "a/b",
      ".hidden",
      "a".repeat(200),
      "",
      "ok\u0000",
    ]) {
      expect(await archive(sessionId, "ok.jsonl"), JSON.stringify(sessionId)).toEqual([]);
    }
    expect(await tree(root())).toEqual(before); // nothing moved so far

    // Names starting with ".." are inside the dir; so are subdirectories.
    expect(await archive("none", "..foo.jsonl")).toEqual([join(store, "..foo.jsonl")]);
    expect(await archive("none", "sub/deep.jsonl")).toEqual([join(store, "sub", "deep.jsonl")]);
    // Through the symlinked store dir, the file in the real store dir is archived.
    expect(await archive("ok", undefined, join(root(), "store-link", "sessions.json"))).toEqual([
      join(root(), "store-link", "ok.jsonl"),
    ]);

    expectOnlyRenames(before, await tree(root()), {
      "store/..foo.jsonl": `store/..foo.jsonl.deleted.${STAMP}`,
      "store/sub/deep.jsonl": `store/sub/deep.jsonl.deleted.${STAMP}`,
      "store/ok.jsonl": `store/ok.jsonl.deleted.${STAMP}`,
    });
  });

  it("a batch of every unsafe and safe candidate at once archives only the safe ones", async () => {
    const { store, storePath } = await layout();
    const before = await tree(root());
    const sessions: TranscriptSession[] = [
      ...[
        "../x.jsonl",
        join(root(), "outside", "passwd"),
        join(root(), "outside", "secret.jsonl"),
        join(root(), "sibling", "abc.jsonl"),
        "link-out.jsonl",
        "dir-out/abc.jsonl",
        "sub/../../outside/abc.jsonl",
        "sub",
        "sessions.json",
        ".",
        "..",
      ].map((sessionFile) => ({ sessionId: "none", sessionFile })),
      ...["../../x", "../x", "a/b", ".hidden", "a".repeat(200), "", "ok\u0000"].map(
        (sessionId) => ({ sessionId, sessionFile: "ok.jsonl" }),
      ),
      { sessionId: "none", sessionFile: "..foo.jsonl" },
      { sessionId: "none", sessionFile: "sub/deep.jsonl" },
      { sessionId: "a" },
      // Enough sessions without a transcript that the store dir is listed, not probed per name.
      ...Array.from({ length: 30 }, (_, i) => ({ sessionId: `absent-${i}` })),
    ];
    const archived = await archiveSessionTranscriptsBatch({
      storePath,
      sessions,
      reason: "deleted",
      nowMs: NOW,
    });
    expect(archived).toEqual([
      join(store, "..foo.jsonl"),
      join(store, "sub", "deep.jsonl"),
      join(store, "a.jsonl"),
    ]);
    // Through the symlinked store dir: the real dir's file, reported under the link.
    const viaLink = await archiveSessionTranscriptsBatch({
      storePath: join(root(), "store-link", "sessions.json"),
      sessions: [
        { sessionId: "none", sessionFile: "../outside/abc.jsonl" },
        { sessionId: "ok" },
        ...Array.from({ length: 30 }, (_, i) => ({ sessionId: `absent-${i}` })),
      ],
      reason: "deleted",
      nowMs: NOW,
    });
    expect(viaLink).toEqual([join(root(), "store-link", "ok.jsonl")]);
    expectOnlyRenames(before, await tree(root()), {
      "store/..foo.jsonl": `store/..foo.jsonl.deleted.${STAMP}`,
      "store/sub/deep.jsonl": `store/sub/deep.jsonl.deleted.${STAMP}`,
      "store/a.jsonl": `store/a.jsonl.deleted.${STAMP}`,
      "store/ok.jsonl": `store/ok.jsonl.deleted.${STAMP}`,
    });
  });

  it("cleanup deletes only old regular archives in the listed dirs, never through symlinks", async () => {
    const { store } = await layout();
    const old = formatArchiveStamp(NOW - 10 * 86_400_000);
    await writeFile(join(store, `gone.jsonl.deleted.${old}`), "old archive");
    await writeFile(join(store, "sub", `deep.jsonl.deleted.${old}`), "not listed");
    await writeFile(join(root(), "outside", `precious.jsonl.deleted.${old}`), "outside archive");
    await symlink(
      join(root(), "outside", `precious.jsonl.deleted.${old}`),
      join(store, `link.jsonl.deleted.${old}`),
    );
    await symlink(join(root(), "outside"), join(store, `dirlink.jsonl.deleted.${old}`));
    const before = await tree(root());

    const result = await cleanupArchivedTranscripts({
      directories: [join(root(), "store-link")],
      olderThanMs: 86_400_000,
      nowMs: NOW,
    });
    expect(result.removedPaths).toEqual([join(root(), "store-link", `gone.jsonl.deleted.${old}`)]);
    const expected = new Map(before);
    expected.delete(`store/gone.jsonl.deleted.${old}`);
    expect(Object.fromEntries(await tree(root()))).toEqual(Object.fromEntries(expected));
  });
});
