import { mkdir, open, rename, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { useTempDir } from "../test/helpers/temp-dir";
import { isStoreError, StoreCorruptError } from "./errors";
import { loadSessionStore } from "./load-session-store";

describe("loadSessionStore", () => {
  const dir = useTempDir();
  const store = () => join(dir(), "sessions.json");

  it("returns {} for a missing store without creating anything", async () => {
    expect(await loadSessionStore(store())).toEqual({});
    expect(await loadSessionStore(join(dir(), "no", "such", "sessions.json"))).toEqual({});
  });

  it("parses the store and gives every caller its own copy", async () => {
    await writeFile(store(), JSON.stringify({ a: { sessionId: "s1", updatedAt: 1 } }, null, 2));
    const first = await loadSessionStore(store());
    expect(first).toEqual({ a: { sessionId: "s1", updatedAt: 1 } });
    first.a = { sessionId: "changed" };
    first.b = {};
    // Served from the cache (the file is unchanged) but unaffected by the caller's edits.
    expect(await loadSessionStore(store())).toEqual({ a: { sessionId: "s1", updatedAt: 1 } });
    expect(await loadSessionStore(store(), { skipCache: true })).toEqual({
      a: { sessionId: "s1", updatedAt: 1 },
    });
  });

  it("sees a same-size rewrite made in place by another writer", async () => {
    await writeFile(store(), '{"a":1}');
    expect(await loadSessionStore(store())).toEqual({ a: 1 });
    const handle = await open(store(), "r+");
    await handle.write('{"b":2}', 0);
    await handle.close();
    expect(await loadSessionStore(store())).toEqual({ b: 2 });
  });

  it("sees a replaced file", async () => {
    await writeFile(store(), '{"a":1}');
    await loadSessionStore(store());
    await writeFile(`${store()}.new`, '{"a":1,"c":3}');
    await rename(`${store()}.new`, store());
    expect(await loadSessionStore(store())).toEqual({ a: 1, c: 3 });
  });

  it("rejects invalid JSON and non-object top levels with STORE_CORRUPT and an offset", async () => {
    const cases: [string, number][] = [
      ["[]", 0],
      ["  null", 2],
      ['\n"text"', 1],
      ["42", 0],
    ];
    for (const [text, offset] of cases) {
      await writeFile(store(), text);
      const error = await loadSessionStore(store()).catch((e: unknown) => e);
      expect(error, text).toBeInstanceOf(StoreCorruptError);
      expect((error as StoreCorruptError).offset, text).toBe(offset);
      expect((error as StoreCorruptError).path).toBe(store());
    }
    await writeFile(store(), '{"a": 1,}');
    const error = await loadSessionStore(store()).catch((e: unknown) => e);
    expect(isStoreError(error) && error.code).toBe("STORE_CORRUPT");
  });

  it("does not serve a cached copy once the file turned corrupt", async () => {
    await writeFile(store(), '{"a":1}');
    await loadSessionStore(store());
    await writeFile(store(), '{"a":1');
    await expect(loadSessionStore(store())).rejects.toBeInstanceOf(StoreCorruptError);
  });

  it("fails with STORE_IO when the store path is a directory", async () => {
    await mkdir(store());
    const error = await loadSessionStore(store()).catch((e: unknown) => e);
    expect(isStoreError(error) && error.code).toBe("STORE_IO");
  });
});
