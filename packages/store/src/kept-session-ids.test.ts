import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { useTempDir } from "../test/helpers/temp-dir";
import { asciiHash, asciiHashOf, NO_HASH } from "./entry-fields";
import { removeSessionEntries } from "./remove-session-entries";

/** Two different plain ids with the same asciiHash, found by brute force (~80,000 tries). */
function collidingIds(): [string, string] {
  const seen = new Map<number, string>();
  for (let n = 0; ; n++) {
    const id = `session-${n}`;
    const hash = asciiHashOf(id);
    const other = seen.get(hash);
    if (other !== undefined) return [other, id];
    seen.set(hash, id);
  }
}

describe("asciiHashOf", () => {
  it("hashes a string as asciiHash hashes its bytes, and gives NO_HASH beyond ASCII", () => {
    for (const text of ["", "a", "abc", "abcd", "abcde", "agent:main:cron:j:run:r", "\u007f~"]) {
      const bytes = Buffer.from(text);
      expect(asciiHashOf(text)).toBe(asciiHash(bytes, 0, bytes.length));
      expect(asciiHashOf(text)).not.toBe(NO_HASH);
    }
    for (const text of ["\u00e9", "abc\u0080", "\u{1f600}abcd", "abcd\u0100"]) {
      expect(asciiHashOf(text)).toBe(NO_HASH);
      const bytes = Buffer.from(text);
      expect(asciiHash(bytes, 0, bytes.length)).toBe(NO_HASH);
    }
  });
});

describe("the remainingSessionIds of a removal pass", () => {
  const dir = useTempDir();
  const storePath = () => join(dir(), "sessions.json");

  it("tells an id apart from another of the same hash", async () => {
    const [kept, twin] = collidingIds();
    expect(asciiHashOf(kept)).toBe(asciiHashOf(twin));
    await writeFile(storePath(), JSON.stringify({ a: { sessionId: kept }, b: { sessionId: "x" } }));
    const result = await removeSessionEntries(storePath(), (view) => view.key === "b");
    expect(result.remainingSessionIds.has(kept)).toBe(true);
    expect(result.remainingSessionIds.has(twin)).toBe(false);
    expect(result.remainingSessionIds.has("x")).toBe(false);
  });

  it("behaves as a Set of the kept ids, in store order, each once", async () => {
    const text =
      '{"a": {"sessionId": "s1"}, "b": {"sessionId": "s\\u0032"}, "c": {"sessionId": "s1"},' +
      ' "d": {"sessionId": "\u00e9t\u00e9"}, "e": {"sessionId": "gone"}, "f": {"sessionId": 5},' +
      ' "g": {}}';
    await writeFile(storePath(), text);
    const { remainingSessionIds: ids } = await removeSessionEntries(
      storePath(),
      (view) => view.key === "e",
      { dryRun: true },
    );
    const expected = new Set(["s1", "s2", "\u00e9t\u00e9"]);
    expect(ids.size).toBe(3);
    expect([...ids]).toEqual([...expected]);
    expect([...ids.keys()]).toEqual([...expected.keys()]);
    expect([...ids.values()]).toEqual([...expected.values()]);
    expect([...ids.entries()]).toEqual([...expected.entries()]);
    const seen: unknown[][] = [];
    const self = {};
    ids.forEach(function (this: unknown, value, key, set) {
      seen.push([value, key, set === ids, this === self]);
    }, self);
    expect(seen).toEqual([...expected].map((id) => [id, id, true, true]));
    for (const id of ["s1", "s2", "\u00e9t\u00e9", "gone", "5", "", "S1"]) {
      expect(ids.has(id)).toBe(expected.has(id));
    }
    expect(ids.has(5 as unknown as string)).toBe(false);
  });
});
