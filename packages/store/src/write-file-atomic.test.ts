import { chmod, mkdir, readFile, stat, symlink, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { tempFilesIn, useTempDir } from "../test/helpers/temp-dir";
import { isStoreError, StoreLockError } from "./errors";
import { writeFileAtomic, writeFileAtomically } from "./write-file-atomic";

describe("writeFileAtomic", () => {
  const dir = useTempDir();

  it("creates a new file with mode 0600 whatever the umask allows", async () => {
    const path = join(dir(), "sessions.json");
    await writeFileAtomic(path, '{"a":1}');
    expect(await readFile(path, "utf8")).toBe('{"a":1}');
    expect((await stat(path)).mode & 0o777).toBe(0o600);
    expect(await tempFilesIn(dir())).toEqual([]);
  });

  it("replaces an existing file through a new inode and keeps its mode", async () => {
    const path = join(dir(), "sessions.json");
    await writeFile(path, "old");
    await chmod(path, 0o664); // group-writable: the umask would strip it from a plain create
    const before = await stat(path);
    await writeFileAtomic(path, new TextEncoder().encode("new"));
    const after = await stat(path);
    expect(await readFile(path, "utf8")).toBe("new");
    expect(after.mode & 0o7777).toBe(0o664);
    expect(after.ino).not.toBe(before.ino);
  });

  it("uses an explicit mode when given", async () => {
    const path = join(dir(), "f.json");
    await writeFile(path, "old", { mode: 0o600 });
    await writeFileAtomic(path, "new", { mode: 0o640 });
    expect((await stat(path)).mode & 0o777).toBe(0o640);
  });

  it("writes through a symlinked file instead of replacing the link", async () => {
    const real = join(dir(), "real.json");
    const link = join(dir(), "link.json");
    await writeFile(real, "old", { mode: 0o640 });
    await symlink(real, link);
    await writeFileAtomic(link, "new");
    expect(await readFile(real, "utf8")).toBe("new");
    expect(await readFile(link, "utf8")).toBe("new");
    expect((await stat(real)).mode & 0o777).toBe(0o640);
  });

  it("fails with STORE_IO and leaves nothing behind when the directory is missing", async () => {
    const path = join(dir(), "missing", "sessions.json");
    const error = await writeFileAtomic(path, "x").catch((e: unknown) => e);
    expect(isStoreError(error) && error.code).toBe("STORE_IO");
    expect(isStoreError(error) && error.path).toBe(path);
    expect(await tempFilesIn(dir())).toEqual([]);
  });

  it("fails with STORE_IO when the target is a directory, removing its temp file", async () => {
    const path = join(dir(), "sessions.json");
    await mkdir(path);
    const error = await writeFileAtomic(path, "x").catch((e: unknown) => e);
    expect(isStoreError(error) && error.code).toBe("STORE_IO");
    expect(await tempFilesIn(dir())).toEqual([]);
  });

  it("removes the temp file and keeps the old content when the pre-rename check vetoes", async () => {
    const path = join(dir(), "sessions.json");
    await writeFile(path, "old");
    const veto = new StoreLockError("STORE_LOCK_COMPROMISED", path, "lost");
    const error = await writeFileAtomically(path, "new", {
      beforeRename: async () => {
        // The data is already in a temp file by now; it must not survive the veto.
        expect(await tempFilesIn(dir())).toHaveLength(1);
        throw veto;
      },
    }).catch((e: unknown) => e);
    expect(error).toBe(veto);
    expect(await readFile(path, "utf8")).toBe("old");
    expect(await tempFilesIn(dir())).toEqual([]);
  });

  it("writes a list of chunks back to back, empty chunks and more than 1,024 of them included", async () => {
    const path = join(dir(), "sessions.json");
    const source = Buffer.from(Array.from({ length: 3_000 }, (_, i) => `${i},`).join(""));
    // Uneven chunks, some empty, views into one buffer as the store writes them.
    const chunks: Uint8Array[] = [];
    for (let at = 0, size = 0; at < source.length; at += size) {
      size = at % 7 === 0 ? 0 : 1 + (at % 13);
      chunks.push(source.subarray(at, Math.min(source.length, at + (size || 1))));
      if (size === 0) {
        chunks.push(new Uint8Array(0));
        size = 1;
      }
    }
    expect(chunks.length).toBeGreaterThan(1_024);
    await writeFile(path, "old", { mode: 0o640 });
    await writeFileAtomic(path, chunks);
    expect(await readFile(path)).toEqual(source);
    expect((await stat(path)).mode & 0o777).toBe(0o640);
    expect(await tempFilesIn(dir())).toEqual([]);
  });

  it("writes chunks larger and smaller than its 512 KiB staging buffers byte for byte", async () => {
    const path = join(dir(), "sessions.json");
    // 2.7 MB of distinct lines, so that a misplaced byte range cannot match by accident.
    const source = Buffer.from(Array.from({ length: 400_000 }, (_, i) => `${i}\n`).join(""));
    expect(source.length).toBeGreaterThan(2 * 1024 * 1024);
    // A chunk bigger than one staging buffer, one that ends exactly on a buffer boundary, many
    // small ones straddling boundaries, and empty ones.
    const cuts = [0, 700_000, 700_001, 1_048_576, 1_048_576, 1_100_000];
    for (let at = 1_100_000; at < source.length; at += 4_099) cuts.push(at);
    cuts.push(source.length);
    const chunks = cuts.slice(1).map((end, i) => source.subarray(cuts[i], end));
    await writeFileAtomic(path, chunks);
    // An offset, not a 2.7 MB diff, when it fails.
    expect(firstDifference(await readFile(path), source)).toBe(-1);
    expect(await tempFilesIn(dir())).toEqual([]);
  });

  it("writes an empty file from no chunks", async () => {
    const path = join(dir(), "empty.json");
    await writeFileAtomic(path, []);
    expect(await readFile(path, "utf8")).toBe("");
    expect((await stat(path)).mode & 0o777).toBe(0o600);
  });
});

/** The offset of the first byte where `a` and `b` differ (or where one ends), -1 if equal. */
function firstDifference(a: Buffer, b: Buffer): number {
  if (a.equals(b)) return -1;
  let at = 0;
  while (at < a.length && at < b.length && a[at] === b[at]) at++;
  return at;
}
