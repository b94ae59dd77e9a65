import { appendFile, type FileHandle, mkdir, open, truncate, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { useTempDir } from "../test/helpers/temp-dir";
import { isStoreError } from "./errors";
import { MAX_STORE_BYTES, readAll, readStoreFile } from "./read-store-file";

describe("readStoreFile", () => {
  const dir = useTempDir();
  const store = () => join(dir(), "sessions.json");

  it("reads the whole file with its mode and the stat of that inode", async () => {
    const text = `{"a":"${"ü".repeat(300_000)}"}`;
    await writeFile(store(), text, { mode: 0o640 });
    const file = await readStoreFile(store());
    expect(file?.buf.toString("utf8")).toBe(text);
    expect(file?.buf.length).toBe(Buffer.byteLength(text));
    expect(file?.stat.size).toBe(BigInt(Buffer.byteLength(text)));
    expect(file?.mode).toBe(0o640);
  });

  it("reads an empty file as zero bytes, and a missing one as null", async () => {
    await writeFile(store(), "");
    expect((await readStoreFile(store()))?.buf.length).toBe(0);
    expect(await readStoreFile(join(dir(), "missing.json"))).toBeNull();
  });

  it("refuses a store over 2 GiB with STORE_IO before reading any of it", async () => {
    // Sparse: takes no disk space, and nothing is allocated for it.
    await writeFile(store(), "");
    await truncate(store(), MAX_STORE_BYTES + 1);
    const error = await readStoreFile(store()).catch((e: unknown) => e);
    expect(isStoreError(error) && error.code).toBe("STORE_IO");
    expect((error as Error).cause).toMatchObject({ code: "ERR_FS_FILE_TOO_LARGE" });
  });

  it("refuses a directory with STORE_IO", async () => {
    await mkdir(join(dir(), "d.json"));
    const error = await readStoreFile(join(dir(), "d.json")).catch((e: unknown) => e);
    expect(isStoreError(error) && error.code).toBe("STORE_IO");
  });
});

describe("readAll", () => {
  const dir = useTempDir();
  const file = () => join(dir(), "f");

  /** Writes `content` to a file, then runs `fn` with a handle opened on it (closed after). */
  async function withHandle(content: Buffer, fn: (handle: FileHandle) => Promise<void>) {
    await writeFile(file(), content);
    const handle = await open(file(), "r");
    try {
      await fn(handle);
    } finally {
      await handle.close();
    }
  }

  it("reads bytes appended after the stat, however many", async () => {
    const first = Buffer.alloc(100_000, 0x61);
    await withHandle(first, async (handle) => {
      // Grows by more than the spare byte and the first growth step together.
      const extra = Buffer.alloc(300_000, 0x62);
      await appendFile(file(), extra);
      const buf = await readAll(handle, first.length);
      expect(buf.equals(Buffer.concat([first, extra]))).toBe(true);
    });
  });

  it("reads exactly maxBytes, and refuses a file that grew past them after the stat", async () => {
    await withHandle(Buffer.alloc(1_000, 0x61), async (handle) => {
      expect((await readAll(handle, 1_000, 1_000)).length).toBe(1_000);
      await appendFile(file(), "b");
      await expect(readAll(handle, 1_000, 1_000)).rejects.toMatchObject({
        code: "ERR_FS_FILE_TOO_LARGE",
      });
      await expect(readAll(handle, 1_001, 1_000)).rejects.toBeInstanceOf(RangeError);
    });
  });

  it("returns only the bytes still there when the file shrank after the stat", async () => {
    await withHandle(Buffer.alloc(5_000, 0x61), async (handle) => {
      await truncate(file(), 1_234);
      const buf = await readAll(handle, 5_000);
      expect(buf.length).toBe(1_234);
      expect(buf.every((b) => b === 0x61)).toBe(true);
    });
  });
});
