import { describe, expect, it } from "vitest";
import { isStoreError, StoreCorruptError } from "./errors";
import {
  keptRanges,
  type ScannedMember,
  scanStoreBytes,
  spliceOutMembers,
} from "./scan-store-bytes";

const PATH = "/tmp/agents/main/sessions/sessions.json";

/** A small OpenClaw-shaped store: views, opaque nested fields, non-ASCII and escapes. */
const STORE = {
  "agent:main:cron:job-1": {
    sessionId: "base-1",
    updatedAt: 1_760_000_000_000,
    deliveryContext: { channel: "slack", to: "user:U1" },
  },
  "agent:main:cron:job-1:run:r1": {
    sessionId: "run-1",
    updatedAt: 1_760_000_000_001,
    sessionFile: "run-1.jsonl",
    skillsSnapshot: { prompt: 'line 1\nline "2"\t\\ end', skills: [{ name: "a" }, { name: "b" }] },
  },
  "agent:main:hook:gmail": { sessionId: "hook-😀", updatedAt: 1.5, tags: [] },
  "agent:main:slack:日本語": { sessionId: "chat-日本", updatedAt: 1e21, nested: { sessionId: 7 } },
};

/** The ways a store may be laid out on disk: every one must be kept byte for byte. */
const FORMATS: Record<string, (value: unknown) => string> = {
  "2-space (OpenClaw)": (v) => JSON.stringify(v, null, 2),
  "4-space": (v) => JSON.stringify(v, null, 4),
  tab: (v) => JSON.stringify(v, null, "\t"),
  minified: (v) => JSON.stringify(v),
  CRLF: (v) => JSON.stringify(v, null, 2).replaceAll("\n", "\r\n"),
  "trailing newline": (v) => `${JSON.stringify(v, null, 2)}\n`,
  "odd spacing": (v) =>
    ` \r\n${JSON.stringify(v, null, 1)
      .replaceAll('": ', '"\t :  ')
      .replaceAll(",\n", "\n ,\t")}\n\n `,
};

function scan(text: string | Buffer): ScannedMember[] {
  return scanStoreBytes(typeof text === "string" ? Buffer.from(text) : text, PATH);
}

/** The error scanStoreBytes throws for `bytes` (fails the test if it does not throw). */
function corruptionOf(bytes: string | Buffer): StoreCorruptError {
  try {
    scan(bytes);
  } catch (error) {
    expect(error).toBeInstanceOf(StoreCorruptError);
    return error as StoreCorruptError;
  }
  throw new Error(`scanStoreBytes accepted ${JSON.stringify(bytes.toString())}`);
}

function parses(bytes: Buffer | string): boolean {
  try {
    JSON.parse(bytes.toString());
    return true;
  } catch {
    return false;
  }
}

describe("scanStoreBytes", () => {
  for (const [name, render] of Object.entries(FORMATS)) {
    it(`finds every member and its view (${name})`, () => {
      const buf = Buffer.from(render(STORE));
      const members = scan(buf);
      expect(members.map((m) => m.view)).toEqual([
        { key: "agent:main:cron:job-1", sessionId: "base-1", updatedAt: 1_760_000_000_000 },
        {
          key: "agent:main:cron:job-1:run:r1",
          sessionId: "run-1",
          updatedAt: 1_760_000_000_001,
          sessionFile: "run-1.jsonl",
        },
        { key: "agent:main:hook:gmail", sessionId: "hook-😀", updatedAt: 1.5 },
        { key: "agent:main:slack:日本語", sessionId: "chat-日本", updatedAt: 1e21 },
      ]);
      // Each member's byte range holds exactly that key and its value.
      for (const m of members) {
        const slice = buf.toString("utf8", m.keyStart, m.valueEnd);
        expect(JSON.parse(`{${slice}}`)).toEqual({
          [m.view.key]: STORE[m.view.key as keyof typeof STORE],
        });
      }
    });
  }

  it("reports -0 as -0, like JSON.parse", () => {
    const [member] = scan('{"k":{"updatedAt":-0}}');
    expect(Object.is(member?.view.updatedAt, -0)).toBe(true);
  });

  it("decodes escaped keys and escaped view fields", () => {
    const members = scan(
      '{"a\\u0062": {"session\\u0049d": "x\\"y", "sessionFile": "d\\/f\\u00e9.jsonl"},' +
        ' "\\ud83d\\ude00": {"updated\\u0041t": 1e3}, "\\\\": {"sessionId": "\\ud800"}}',
    );
    expect(members.map((m) => m.view)).toEqual([
      { key: "ab", sessionId: 'x"y', sessionFile: "d/fé.jsonl" },
      { key: "😀", updatedAt: 1000 },
      { key: "\\", sessionId: "\ud800" },
    ]);
  });

  it("decodes non-ASCII bytes, invalid UTF-8 in strings included, as JSON.parse does", () => {
    const buf = Buffer.concat([
      Buffer.from('{"k'),
      Buffer.from([0xff, 0xc3]), // invalid sequences inside a key
      Buffer.from('": {"sessionId": "a'),
      Buffer.from([0xf0, 0x9f, 0x98]), // a truncated 4-byte sequence before the closing quote
      Buffer.from('", "sessionFile": "日本語😀"}, "z": ["'),
      Buffer.from([0xed, 0xa0, 0x80, 0xc0, 0xa2]), // an encoded surrogate and an overlong quote
      Buffer.from('"]}'),
    ]);
    const parsed = JSON.parse(buf.toString("utf8")) as Record<string, { sessionId?: string }>;
    const [first, second] = scan(buf);
    const key = Object.keys(parsed)[0] as string;
    expect(key).toBe("k\ufffd\ufffd");
    expect(first?.view).toEqual({
      key,
      sessionId: parsed[key]?.sessionId,
      sessionFile: "日本語😀",
    });
    expect(first?.view.sessionId).toBe("a\ufffd");
    expect(second?.view).toEqual({ key: "z" });
  });

  it("decodes a key and the sessionId after it alike, whatever bytes they hold", () => {
    // Keys followed closely by their sessionId are decoded together; these cover lone invalid
    // bytes (one U+FFFD each), multi-byte characters, escapes and a sessionId further away.
    const parts: Buffer[] = [
      Buffer.from('{"a'),
      Buffer.from([0xff, 0xc3]),
      Buffer.from('b": {"sessionId": "x'),
      Buffer.from([0x80]),
      Buffer.from('y"}, "é": {"sessionId": "ü"}, "e\\u0301": {"sessionId": "s"},'),
      Buffer.from(' "n": {"sessionId": "e\\"q"}, "far": {"pad": "'),
      Buffer.from("x".repeat(80)),
      Buffer.from('", "sessionId": "later"}, "near": {"p": "日本", "sessionId": "id"}}'),
    ];
    const buf = Buffer.concat(parts);
    const parsed = JSON.parse(buf.toString("utf8")) as Record<string, { sessionId: string }>;
    const expected = Object.entries(parsed).map(([key, entry]) => ({
      key,
      sessionId: entry.sessionId,
    }));
    expect(expected[0]).toEqual({ key: "a\ufffd\ufffdb", sessionId: "x\ufffdy" });
    expect(scan(buf).map((m) => m.view)).toEqual(expected);
  });

  it("keeps duplicate keys as separate members, in file order", () => {
    const members = scan('{"a": {"sessionId": "1"}, "b": 2, "a": {"sessionId": "3"}}');
    expect(members.map((m) => m.view)).toEqual([
      { key: "a", sessionId: "1" },
      { key: "b" },
      { key: "a", sessionId: "3" },
    ]);
  });

  it("takes the last duplicate of a view field, and omits it when that one has the wrong type", () => {
    const members = scan(
      '{"x": {"sessionId": "old", "updatedAt": 1, "sessionId": "new", "updatedAt": 2},' +
        ' "y": {"sessionId": "s", "sessionId": null, "updatedAt": 5, "updatedAt": "5"}}',
    );
    expect(members.map((m) => m.view)).toEqual([
      { key: "x", sessionId: "new", updatedAt: 2 },
      { key: "y" },
    ]);
  });

  it("omits view fields of the wrong type and ignores fields below the entry", () => {
    const members = scan(
      JSON.stringify({
        a: { sessionId: 12, updatedAt: "12", sessionFile: null },
        b: { sessionId: ["x"], updatedAt: { n: 1 }, sessionFile: true },
        c: { inner: { sessionId: "deep", updatedAt: 1 } },
        d: ["sessionId", "x"],
        e: "sessionId",
        f: 3,
        g: null,
        h: {},
      }),
    );
    expect(members.map((m) => m.view)).toEqual(
      ["a", "b", "c", "d", "e", "f", "g", "h"].map((key) => ({ key })),
    );
  });

  it("accepts an empty object in any layout", () => {
    expect(scan("{}")).toEqual([]);
    expect(scan(" \t\r\n{ \n }\r\n")).toEqual([]);
  });

  it("accepts deep nesting without growing the call stack", () => {
    const depth = 200_000;
    const deep = `{"deep":${"[".repeat(depth)}${"]".repeat(depth)},"obj":${'{"a":'.repeat(depth)}1${"}".repeat(depth)},"last":{"sessionId":"s"}}`;
    expect(parses(deep)).toBe(true);
    expect(scan(deep).map((m) => m.view)).toEqual([
      { key: "deep" },
      { key: "obj" },
      { key: "last", sessionId: "s" },
    ]);
    const truncated = deep.slice(0, deep.length / 2);
    expect(corruptionOf(truncated).offset).toBe(truncated.length);
  });
});

describe("scanStoreBytes rejects what JSON.parse rejects", () => {
  const valid = JSON.stringify(STORE, null, 2);
  // [case, bytes, expected offset, words the message should contain]
  const cases: [string, string | Buffer, number, string][] = [
    ["empty file", "", 0, "empty"],
    ["only whitespace", " \n\t", 3, "whitespace"],
    ["truncated store", valid.slice(0, 200), 200, "end of file"],
    ["truncated in a string", '{"a":"abc', 9, "end of file, expected the end of the string"],
    ["truncated after a key", '{"a"', 4, "':'"],
    ["truncated in an escape", '{"a":"\\u00', 10, "end of file"],
    ["truncated before the closing brace", '{"a":1', 6, "end of file"],
    ["top-level array", "[]", 0, "an array, not an object"],
    ["top-level null", "null", 0, "null, not an object"],
    ["top-level string", ' "x"', 1, "a string"],
    ["top-level number", "1", 0, "a number"],
    ["top-level boolean", "true", 0, "a boolean"],
    ["trailing garbage", '{"a":1}x', 7, "after the end"],
    ["a second object", '{"a":1} {"b":2}', 8, "after the end"],
    ["trailing NUL", '{"a":1}\u0000', 7, "after the end"],
    ["UTF-8 byte order mark", `\ufeff${valid}`, 0, "byte order mark"],
    ["NaN", '{"a": NaN}', 6, "'N'"],
    ["Infinity", '{"a": -Infinity}', 7, "digit"],
    ["line comment", '{"a": 1 // note\n}', 8, "'/'"],
    ["block comment", '{/* c */"a": 1}', 1, "property name"],
    ["single quotes", "{'a': 1}", 1, "property name"],
    ["unquoted key", "{a: 1}", 1, "property name"],
    ["trailing comma in object", '{"a": 1,}', 8, "property name"],
    ["trailing comma in array", '{"a": [1,]}', 9, "value"],
    ["missing colon", '{"a" 1}', 5, "':'"],
    ["missing comma", '{"a": 1 "b": 2}', 8, "','"],
    ["leading zero", '{"a": 01}', 7, "','"],
    ["plus sign", '{"a": +1}', 6, "'+'"],
    ["bare fraction", '{"a": .5}', 6, "'.'"],
    ["empty fraction", '{"a": 1.}', 8, "decimal point"],
    ["empty exponent", '{"a": 1e+}', 9, "exponent"],
    ["lone minus", '{"a": -}', 7, "digit"],
    ["hex number", '{"a": 0x1}', 7, "'x'"],
    ["bad literal", '{"a": tru}', 9, "true"],
    ["capitalised literal", '{"a": True}', 6, "'T'"],
    ["raw newline in a string", '{"a": "x\ny"}', 8, "control character"],
    ["raw tab in a string", '{"a\t": 1}', 3, "control character"],
    ["bad escape", '{"a": "\\x"}', 8, "after a backslash, found 'x'"],
    ["bad \\u escape", '{"a": "\\u12G4"}', 11, "hex digit"],
    ["non-breaking space", '{"a":\u00a01}', 5, "0xc2"],
    ["invalid UTF-8 outside a string", Buffer.from([0x7b, 0xff, 0x7d]), 1, "0xff"],
    ["vertical tab as whitespace", '{"a":\u000b1}', 5, "0x0b"],
    ["unbalanced brackets", '{"a": [1}', 8, "']'"],
  ];

  for (const [name, bytes, offset, words] of cases) {
    it(`${name} → STORE_CORRUPT at byte ${offset}`, () => {
      const buf = typeof bytes === "string" ? Buffer.from(bytes) : bytes;
      const parsed = parses(buf) ? (JSON.parse(buf.toString()) as unknown) : undefined;
      // Either JSON.parse rejects the bytes too, or they hold a valid non-object.
      const isObject = typeof parsed === "object" && parsed !== null && !Array.isArray(parsed);
      expect(isObject).toBe(false);
      const error = corruptionOf(buf);
      expect(isStoreError(error)).toBe(true);
      expect(error.code).toBe("STORE_CORRUPT");
      expect(error.path).toBe(PATH);
      expect(error.offset).toBe(offset);
      expect(error.message).toContain(words);
      expect(error.message).toContain(`byte ${offset}`);
    });
  }
});

/**
 * `bytes` as a buffer that starts `shift` bytes into its ArrayBuffer, with `fill` bytes before
 * and after it: the scanner reads whole aligned words, and must never let the bytes around the
 * buffer (which share its first word, or follow it) change what it sees.
 */
function placed(bytes: string | Buffer, shift: number, fill: number): Buffer {
  const source = typeof bytes === "string" ? Buffer.from(bytes) : bytes;
  const backing = Buffer.alloc(shift + source.length + 7, fill);
  source.copy(backing, shift);
  const buf = backing.subarray(shift, shift + source.length);
  expect(buf.byteOffset % 4).toBe(shift % 4);
  return buf;
}

/** What scanning `buf` gives: the members, or the offset of the corruption. */
function outcome(buf: Buffer): ScannedMember[] | { offset: number } {
  try {
    return scan(buf);
  } catch (error) {
    if (error instanceof StoreCorruptError) return { offset: error.offset };
    throw error;
  }
}

// Bytes around a placed buffer that would matter if the scanner looked at them.
const FILLS = [0x22, 0x5c, 0x00, 0x20, 0x7d];

describe("scanStoreBytes reads words at any alignment", () => {
  // A byte put into a string body: [label, bytes, the offset of the error if it is invalid].
  const inserts: [string, Buffer, boolean][] = [
    ["nothing", Buffer.alloc(0), true],
    ["an escaped quote", Buffer.from('\\"'), true],
    ["an escaped backslash", Buffer.from("\\\\"), true],
    ["an escaped newline", Buffer.from("\\n"), true],
    ["a \\u escape", Buffer.from("\\u00E9"), true],
    ["DEL", Buffer.from([0x7f]), true],
    ["UTF-8 for é", Buffer.from("é"), true],
    ["an invalid UTF-8 byte", Buffer.from([0xff]), true],
    ["a raw NUL", Buffer.from([0x00]), false],
    ["a raw newline", Buffer.from([0x0a]), false],
    ["a raw tab", Buffer.from([0x09]), false],
    ["a raw 0x1f", Buffer.from([0x1f]), false],
    ["a bad escape", Buffer.from("\\x"), false],
    ["a short \\u escape", Buffer.from("\\u12"), false],
  ];

  for (const [label, insert, valid] of inserts) {
    it(`finds the end of a string holding ${label} at every offset and alignment`, () => {
      let cases = 0;
      for (let keyLength = 1; keyLength <= 4; keyLength++) {
        for (let length = 0; length <= 9; length++) {
          for (let at = 0; at <= length; at++) {
            const body = Buffer.concat([
              Buffer.from("abcdefghi".slice(0, at)),
              insert,
              Buffer.from("jklmnopqr".slice(at, length)),
            ]);
            const prefix = `{"${"k".repeat(keyLength)}": {"sessionId": "`;
            const bytes = Buffer.concat([Buffer.from(prefix), body, Buffer.from('"}}')]);
            const expected = valid
              ? [{ key: "k".repeat(keyLength), sessionId: JSON.parse(`"${body.toString()}"`) }]
              : undefined;
            // A raw control byte is reported where it is; a bad escape after its backslash.
            const offset = Buffer.byteLength(prefix) + at + (insert[0] === 0x5c ? 1 : 0);
            for (let shift = 0; shift < 4; shift++) {
              for (const fill of FILLS) {
                const result = outcome(placed(bytes, shift, fill));
                if (expected) expect(result).toMatchObject(expected.map((view) => ({ view })));
                else if (insert.toString() === "\\u12") expect(result).toHaveProperty("offset");
                else expect(result).toEqual({ offset });
                cases++;
              }
            }
          }
        }
      }
      expect(cases).toBe(4 * 55 * 4 * FILLS.length);
    });
  }

  it("passes runs of escapes that share a word or cross words, at every alignment", () => {
    const bodies = [
      "\\n\\t\\r\\b\\f\\/",
      '\\\\\\"\\\\\\"',
      'x\\ny\\"z\\\\w',
      "\\u0041\\n\\u00e9\\\\\\uD83D\\uDE00",
      "é\\n日\\t😀\\\\",
      "\\n".repeat(9),
    ];
    for (const body of bodies) {
      for (let lead = 0; lead < 4; lead++) {
        const value = `${"v".repeat(lead)}${body}`;
        const text = `{"k": {"sessionId": "${value}", "n": "${value}"}}`;
        const expected = { key: "k", sessionId: JSON.parse(`"${value}"`) as string };
        for (let shift = 0; shift < 4; shift++) {
          for (const fill of FILLS) {
            expect(outcome(placed(text, shift, fill))).toMatchObject([{ view: expected }]);
          }
        }
        // A control byte right after the escapes is still found, in whatever word it falls.
        const bad = Buffer.from(`{"k": "${value}\u0001"}`);
        const offset = bad.indexOf(0x01);
        for (let shift = 0; shift < 4; shift++) {
          expect(outcome(placed(bad, shift, 0x22))).toEqual({ offset });
        }
      }
    }
  });

  it("rejects an unterminated string at every length and alignment, whatever follows the buffer", () => {
    for (let length = 0; length <= 12; length++) {
      const bytes = `{"key": "${"v".repeat(length)}`;
      for (let shift = 0; shift < 4; shift++) {
        for (const fill of FILLS) {
          expect(outcome(placed(bytes, shift, fill))).toEqual({ offset: bytes.length });
        }
      }
    }
  });

  it("passes indentation of any width at any alignment, in every line-break style", () => {
    for (let width = 0; width <= 13; width++) {
      for (const newline of ["\n", "\r\n", "\n\t", " \n"]) {
        const pad = newline + " ".repeat(width);
        const member = `"a": {${pad}"sessionId": "s",${pad}"updatedAt": [${pad}1.5${pad}]${pad}}`;
        const text = `{${pad}${member}${pad},${pad}"b":${pad}-0${pad}}${pad}`;
        expect(Object.keys(JSON.parse(text))).toEqual(["a", "b"]);
        for (let shift = 0; shift < 4; shift++) {
          for (const fill of FILLS) {
            const [a, b] = scan(placed(text, shift, fill));
            expect([a?.view, b?.view]).toEqual([{ key: "a", sessionId: "s" }, { key: "b" }]);
            expect(text.slice(a?.keyStart, a?.valueEnd)).toBe(member);
            expect(text.slice(b?.keyStart, b?.valueEnd)).toBe(`"b":${pad}-0`);
          }
        }
      }
    }
  });

  it("rejects a stray byte inside indentation at the offset where it sits", () => {
    for (let width = 0; width <= 9; width++) {
      for (let at = 0; at <= width; at++) {
        for (const stray of ["\u000b", "\u0000", "x", "\u00a0"]) {
          const indent = " ".repeat(at) + stray + " ".repeat(width - at);
          const text = `{\n  "a": 1,\n${indent}"b": 2\n}`;
          const offset = Buffer.byteLength(`{\n  "a": 1,\n${" ".repeat(at)}`);
          for (let shift = 0; shift < 4; shift++) {
            expect(outcome(placed(text, shift, 0x20))).toEqual({ offset });
          }
        }
      }
    }
  });

  it("scans a store held in a larger buffer (subarray) exactly as a copy of it", () => {
    const text = Buffer.from(JSON.stringify(STORE, null, 2));
    const big = Buffer.concat([Buffer.from('xx"\u0001'), text, Buffer.from('"\\'), text]);
    const first = big.indexOf(text);
    const last = big.lastIndexOf(text);
    expect([first, last]).toEqual([4, 6 + text.length]);
    const expected = outcome(text);
    expect(expected).toHaveLength(4);
    expect(outcome(big.subarray(first, first + text.length))).toEqual(expected);
    expect(outcome(big.subarray(last))).toEqual(expected);
  });
});

describe("spliceOutMembers", () => {
  const keys = Object.keys(STORE);
  const subsets: [string, number[]][] = [
    ["the first", [0]],
    ["a middle one", [1]],
    ["the last", [3]],
    ["a run at the start", [0, 1]],
    ["a run in the middle", [1, 2]],
    ["a run at the end", [2, 3]],
    ["scattered ones", [0, 2]],
    ["first and last", [0, 3]],
    ["all but one", [0, 1, 3]],
    ["all", [0, 1, 2, 3]],
  ];

  for (const [name, render] of Object.entries(FORMATS)) {
    for (const [which, remove] of subsets) {
      it(`removes ${which} (${name}), keeping the rest byte for byte`, () => {
        const buf = Buffer.from(render(STORE));
        const members = scan(buf);
        const out = spliceOutMembers(buf, members, new Set(remove));
        const rest = Object.fromEntries(
          Object.entries(STORE).filter(([key]) => !remove.includes(keys.indexOf(key))),
        );
        expect(JSON.parse(out.toString())).toEqual(rest);
        // Every survivor's bytes appear unchanged, in order.
        let from = 0;
        for (const [index, m] of members.entries()) {
          if (remove.includes(index)) continue;
          const at = out.indexOf(buf.subarray(m.keyStart, m.valueEnd), from);
          expect(at).toBeGreaterThanOrEqual(from);
          from = at + (m.valueEnd - m.keyStart);
        }
        // A file written by the same layout rules comes out exactly as that layout writes it.
        if (name !== "odd spacing") expect(out.toString()).toBe(render(rest));
        expect(keptRanges(buf, members, new Set(remove)).length % 2).toBe(0);
      });
    }
  }

  it("keeps whitespace outside the braces and writes {} when every member goes", () => {
    const buf = Buffer.from('\n\t {\r\n  "a": 1,\r\n  "b": [2]\r\n}\r\n');
    expect(spliceOutMembers(buf, scan(buf), new Set([0, 1])).toString()).toBe("\n\t {}\r\n");
  });

  it("cuts each occurrence of a duplicated key it is given", () => {
    const buf = Buffer.from('{"a": 1, "b": 2, "a": 3}');
    const members = scan(buf);
    expect(spliceOutMembers(buf, members, new Set([0, 2])).toString()).toBe('{"b": 2}');
    expect(spliceOutMembers(buf, members, new Set([0])).toString()).toBe('{"b": 2, "a": 3}');
    expect(spliceOutMembers(buf, members, new Set([2])).toString()).toBe('{"a": 1, "b": 2}');
  });

  it("returns the same buffer when nothing is removed", () => {
    const buf = Buffer.from(JSON.stringify(STORE, null, 2));
    expect(spliceOutMembers(buf, scan(buf), new Set())).toBe(buf);
  });

  it("throws RangeError for an index that is not a member's", () => {
    const buf = Buffer.from('{"a": 1}');
    const members = scan(buf);
    for (const bad of [1, -1, 0.5, Number.NaN]) {
      expect(() => spliceOutMembers(buf, members, new Set([bad]))).toThrow(RangeError);
    }
  });

  it("sizes the result from keptRanges without copying", () => {
    const buf = Buffer.from(JSON.stringify(STORE, null, 2));
    const members = scan(buf);
    const ranges = keptRanges(buf, members, new Set([1, 2]));
    let size = 0;
    for (let k = 0; k < ranges.length; k += 2) size += (ranges[k + 1] ?? 0) - (ranges[k] ?? 0);
    expect(size).toBe(spliceOutMembers(buf, members, new Set([1, 2])).length);
  });
});
