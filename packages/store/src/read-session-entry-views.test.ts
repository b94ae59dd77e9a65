import { mkdir, readdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { useTempDir } from "../test/helpers/temp-dir";
import { isStoreError, StoreCorruptError } from "./errors";
import { readSessionEntryViews } from "./read-session-entry-views";

describe("readSessionEntryViews", () => {
  const dir = useTempDir();
  const store = () => join(dir(), "sessions.json");

  it("lists one view per distinct key, the last occurrence winning, and the file size", async () => {
    const text =
      '{"k1": {"sessionId": "a", "updatedAt": 1, "sessionFile": "a.jsonl", "big": [1,2,3]},\n' +
      ' "k2": {"sessionId": 5, "updatedAt": "soon"},\n "k1": {"sessionId": "b"}}';
    await writeFile(store(), text);
    const { entries, bytes } = await readSessionEntryViews(store());
    expect(entries).toEqual([{ key: "k1", sessionId: "b" }, { key: "k2" }]);
    expect(bytes).toBe(Buffer.byteLength(text));
  });

  it("returns no entries for a missing store, without taking a lock or creating files", async () => {
    expect(await readSessionEntryViews(store())).toEqual({ entries: [], bytes: 0 });
    expect(await readdir(dir())).toEqual([]);
  });

  it("throws StoreCorruptError for a corrupt store", async () => {
    await writeFile(store(), "null");
    await expect(readSessionEntryViews(store())).rejects.toBeInstanceOf(StoreCorruptError);
  });

  it("fails with STORE_IO when the store path is not a file", async () => {
    await mkdir(store());
    const error = await readSessionEntryViews(store()).catch((e: unknown) => e);
    expect(isStoreError(error) && error.code).toBe("STORE_IO");
  });
});
