import { chmod, mkdir, readdir, readFile, stat, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { snapshotFile, useTempDir } from "../test/helpers/temp-dir";
import { isStoreError } from "./errors";
import { loadSessionStore } from "./load-session-store";
import { updateSessionStore } from "./update-session-store";

describe("updateSessionStore", () => {
  const dir = useTempDir();
  const store = () => join(dir(), "sessions.json");

  it("writes JSON.stringify(store, null, 2) with mode 0600 when it creates the store", async () => {
    const result = await updateSessionStore(store(), (s) => {
      s["agent:main:main"] = { sessionId: "s1", updatedAt: 5 };
      return "ok";
    });
    expect(result).toBe("ok");
    expect(await readFile(store(), "utf8")).toBe(
      JSON.stringify({ "agent:main:main": { sessionId: "s1", updatedAt: 5 } }, null, 2),
    );
    expect((await stat(store())).mode & 0o777).toBe(0o600);
    expect(await readdir(dir())).toEqual(["sessions.json"]); // no lock dir or temp file left
  });

  it("does not create a missing store that stays empty", async () => {
    expect(await updateSessionStore(store(), (s) => Object.keys(s).length)).toBe(0);
    expect(await readdir(dir())).toEqual([]);
  });

  it("creates a missing store directory when there is something to write", async () => {
    const nested = join(dir(), "agents", "main", "sessions", "sessions.json");
    await updateSessionStore(nested, (s) => {
      s.k = { sessionId: "x" };
    });
    expect(JSON.parse(await readFile(nested, "utf8"))).toEqual({ k: { sessionId: "x" } });
  });

  it("does not touch the file when the serialized store equals its bytes", async () => {
    await writeFile(store(), JSON.stringify({ a: { sessionId: "s" } }, null, 2));
    const before = await snapshotFile(store());
    await updateSessionStore(store(), (s) => {
      s.a = { sessionId: "s" }; // same value, new object
    });
    expect(await snapshotFile(store())).toEqual(before);
  });

  it.each([
    ["4-space", JSON.stringify({ a: { sessionId: "s" }, b: { updatedAt: 1 } }, null, 4)],
    ["tab", JSON.stringify({ a: { sessionId: "s" }, b: { updatedAt: 1 } }, null, "\t")],
    ["minified", JSON.stringify({ a: { sessionId: "s" }, b: { updatedAt: 1 } })],
    ["CRLF", '{\r\n  "a": {"sessionId": "s"},\r\n  "b": {"updatedAt": 1}\r\n}\r\n'],
    ["duplicate-key", '{"a": 0, "a": {"sessionId": "s"}, "b": {"updatedAt": 1}}'],
  ])("leaves a %s store alone when the mutator changes nothing", async (_name, text) => {
    await writeFile(store(), text);
    const before = await snapshotFile(store());
    const result = await updateSessionStore(store(), (s) => {
      const keys = Object.keys(s);
      s.b = { updatedAt: 1 }; // the same value, written back
      return keys;
    });
    expect(result).toEqual(["a", "b"]);
    expect(await snapshotFile(store())).toEqual(before);
  });

  it("rewrites a differently formatted store as 2-space JSON once something changes", async () => {
    await writeFile(store(), JSON.stringify({ a: { sessionId: "s" } }));
    await updateSessionStore(store(), (s) => {
      s.b = { sessionId: "t" };
    });
    expect(await readFile(store(), "utf8")).toBe(
      JSON.stringify({ a: { sessionId: "s" }, b: { sessionId: "t" } }, null, 2),
    );
  });

  it("runs async mutators, keeps the file's mode and replaces it atomically", async () => {
    await writeFile(store(), JSON.stringify({ a: 1 }, null, 2));
    await chmod(store(), 0o640);
    const before = await stat(store());
    await updateSessionStore(store(), async (s) => {
      await new Promise((resolve) => setTimeout(resolve, 5));
      delete s.a;
      s.b = { sessionId: "b", updatedAt: 2 };
    });
    const after = await stat(store());
    expect(await readFile(store(), "utf8")).toBe(
      JSON.stringify({ b: { sessionId: "b", updatedAt: 2 } }, null, 2),
    );
    expect(after.mode & 0o777).toBe(0o640);
    expect(after.ino).not.toBe(before.ino);
    expect(await loadSessionStore(store())).toEqual({ b: { sessionId: "b", updatedAt: 2 } });
  });

  it("writes nothing and releases the lock when the mutator throws", async () => {
    await writeFile(store(), '{"a":1}');
    const before = await snapshotFile(store());
    const boom = new Error("boom");
    await expect(
      updateSessionStore(store(), (s) => {
        s.b = { updatedAt: 2 };
        throw boom;
      }),
    ).rejects.toBe(boom);
    expect(await snapshotFile(store())).toEqual(before);
    expect(await readdir(dir())).toEqual(["sessions.json"]);
  });

  it("refuses a corrupt store with STORE_CORRUPT, without running the mutator or writing", async () => {
    await writeFile(store(), "[]");
    const before = await snapshotFile(store());
    let ran = false;
    const error = await updateSessionStore(store(), () => {
      ran = true;
    }).catch((e: unknown) => e);
    expect(isStoreError(error) && error.code).toBe("STORE_CORRUPT");
    expect(ran).toBe(false);
    expect(await snapshotFile(store())).toEqual(before);
  });

  it("loses no update when many callers in one process race", async () => {
    await Promise.all(
      Array.from({ length: 40 }, (_, i) =>
        updateSessionStore(store(), (s) => {
          s[`key-${i}`] = { sessionId: `s${i}` };
        }),
      ),
    );
    const final = JSON.parse(await readFile(store(), "utf8"));
    expect(Object.keys(final).sort()).toEqual(
      Array.from({ length: 40 }, (_, i) => `key-${i}`).sort(),
    );
  });

  it("fails with STORE_IO when the store path is not a file, without running the mutator", async () => {
    await mkdir(store());
    let ran = false;
    const error = await updateSessionStore(store(), () => {
      ran = true;
    }).catch((e: unknown) => e);
    expect(isStoreError(error) && error.code).toBe("STORE_IO");
    expect(ran).toBe(false);
    expect(await readdir(dir())).toEqual(["sessions.json"]);
  });

  it("fails with STORE_IO when the store's directory cannot be created", async () => {
    await writeFile(join(dir(), "file"), "");
    const error = await updateSessionStore(join(dir(), "file", "sessions.json"), (s) => {
      s.a = {};
    }).catch((e: unknown) => e);
    expect(isStoreError(error) && error.code).toBe("STORE_IO");
  });
});
