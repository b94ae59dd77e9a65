import { describe, expect, it } from "vitest";
import { scanStoreLayout } from "./scan-store-bytes";

const PATH = "/tmp/sessions.json";

/** firstOccurrences as a plain array; identity when it reports all keys distinct (null). */
function firsts(text: string | Buffer): number[] {
  const buf = typeof text === "string" ? Buffer.from(text) : text;
  const layout = scanStoreLayout(buf, PATH);
  const first = layout.firstOccurrences(buf);
  return first === null ? Array.from({ length: layout.count }, (_, i) => i) : [...first];
}

/** What JSON.parse implies: for each member (by decoded key), the first member with that key. */
function expectedFirsts(text: string | Buffer): number[] {
  const buf = typeof text === "string" ? Buffer.from(text) : text;
  const layout = scanStoreLayout(buf, PATH);
  const seen = new Map<string, number>();
  return Array.from({ length: layout.count }, (_, i) => {
    const key = layout.key(buf, i);
    const first = seen.get(key) ?? i;
    seen.set(key, first);
    return first;
  });
}

describe("StoreLayout.firstOccurrences", () => {
  it("reports distinct keys as null, across many members with long shared prefixes", () => {
    const store: Record<string, unknown> = {};
    for (let i = 0; i < 5_000; i++) store[`agent:main:cron:job-${i % 7}:run:${i}`] = { i };
    const buf = Buffer.from(JSON.stringify(store, null, 2));
    const layout = scanStoreLayout(buf, PATH);
    expect(layout.count).toBe(5_000);
    expect(layout.firstOccurrences(buf)).toBeNull();
  });

  it("maps each repeated plain key to its first occurrence", () => {
    const text = '{"a": 1, "b": 2, "a": 3, "c": 4, "b": 5, "a": 6}';
    expect(firsts(text)).toEqual([0, 1, 0, 3, 1, 0]);
  });

  it("treats differently spelled keys with the same text as one key, as JSON.parse does", () => {
    // "\u0061b" and "a\/" spell "ab" and "a/"; the plain bytes differ.
    const text = '{"ab": 1, "a/": 2, "\\u0061b": 3, "a\\/": 4, "aB": 5}';
    expect(Object.keys(JSON.parse(text))).toEqual(["ab", "a/", "aB"]);
    expect(firsts(text)).toEqual([0, 1, 0, 1, 4]);
  });

  it("compares non-ASCII keys by their decoded text (invalid UTF-8 decodes to U+FFFD)", () => {
    const raw = Buffer.concat([
      Buffer.from('{"'),
      Buffer.from([0xff]),
      Buffer.from('": 1, "x": 2, "'),
      Buffer.from([0xfe]),
      Buffer.from('": 3, "\\ufffd": 4, "\\ud800": 5, "日本": 6, "\\u65e5本": 7}'),
    ]);
    expect(Object.keys(JSON.parse(raw.toString("utf8")))).toHaveLength(4);
    expect(firsts(raw)).toEqual([0, 1, 0, 0, 4, 5, 5]);
    expect(firsts(raw)).toEqual(expectedFirsts(raw));
  });

  it("compares every key decoded when only the last keys are not plain ASCII", () => {
    // Hashes are taken during the scan; a key without one, however late, must switch the whole
    // comparison to decoded text: 0xff and 0xfe both decode to U+FFFD.
    const plain = Array.from({ length: 2_000 }, (_, i) => `"agent:main:chat:${i}": ${i}`);
    const raw = Buffer.concat([
      Buffer.from(`{${plain.join(",\n")},\n"`),
      Buffer.from([0xff]),
      Buffer.from('": 1,\n"'),
      Buffer.from([0xfe]),
      Buffer.from('": 2,\n"agent:main:chat:7": 3}'),
    ]);
    const result = firsts(raw);
    expect(result.slice(-3)).toEqual([2_000, 2_000, 7]);
    expect(result).toEqual(expectedFirsts(raw));
  });

  it("agrees with decoded-key grouping on a store with random duplicates", () => {
    const parts: string[] = [];
    let seed = 7;
    const next = () => {
      seed = (seed * 1_103_515_245 + 12_345) & 0x7fffffff;
      return seed;
    };
    for (let i = 0; i < 3_000; i++) parts.push(`"agent:x:chat:${next() % 1_500}": {"n": ${i}}`);
    const text = `{${parts.join(",\n")}}`;
    expect(firsts(text)).toEqual(expectedFirsts(text));
    expect(new Set(firsts(text)).size).toBe(Object.keys(JSON.parse(text)).length);
  });
});
