import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { classifySessionKey, type SessionKeyKind } from "./classify-session-key";
import { classifySessionKeyBytes } from "./classify-session-key-bytes";

/** The key's bytes in the middle of a larger buffer, as in a store file: `{"<key>":`. */
function classifyInFile(key: string): SessionKeyKind | null {
  const file = Buffer.from(`{"${key}":1}`, "latin1");
  return classifySessionKeyBytes(file, 2, 2 + key.length);
}

const ascii = (key: string) => [...key].every((c) => c.charCodeAt(0) < 0x80);

describe("classifySessionKeyBytes", () => {
  it.each<[string, SessionKeyKind]>([
    ["agent:main:cron:job:run:x", "cron-run"],
    ["agent:main:cron:job:run:x:thread:x", "cron-run"],
    ["AGENT:Main:CRON:J:RUN:R", "cron-run"],
    ["::agent::main:::cron:job::run::x::", "cron-run"],
    ["  agent:main:cron:job:run:x\n", "cron-run"],
    ["\t\v\f\ragent:main:cron:job:run:x \t", "cron-run"],
    ["agent:main:cron:job:run: ", "cron"],
    ["agent:main:cron:abc-123", "cron"],
    ["agent:main:cron:job:runs:x", "cron"],
    ["agent:main:cron", "other"],
    ["agent:main: :cron:job:run:x", "other"],
    ["agent:main:hook:gmail", "hook"],
    ["agent:main:HOOK:A", "hook"],
    ["agent:main:hook", "other"],
    ["agent:main:hook:a:b", "other"],
    ["agent:main:hook: ", "other"],
    ["agent:main:telegram:dm:123", "other"],
    ["cron:job:run:x", "invalid"],
    ["agent :main:cron:job:run:x", "invalid"],
    ["agents:main:cron:j:run:r", "invalid"],
    ["agent:main", "invalid"],
    ["", "invalid"],
    ["   ", "invalid"],
    [":::", "invalid"],
  ])("%j → %s, as classifySessionKey", (key, kind) => {
    expect(classifySessionKey(key)).toBe(kind);
    expect(classifyInFile(key)).toBe(kind);
    expect(classifySessionKeyBytes(Buffer.from(key), 0, key.length)).toBe(kind);
  });

  it("gives null as soon as one byte is not ASCII, wherever it is", () => {
    // Each of these classifies differently once decoded: trimmed spaces, the Kelvin sign.
    for (const key of [
      "agent:main:hoo\u212a:a",
      "\u00a0agent:main:hook:x",
      "agent:main:hook:\u3000",
      "agent:main:cron:job:run:\ufeff",
      "agent:main:slack:\u00fc",
      "\u00e9",
    ]) {
      const bytes = Buffer.from(key);
      expect(classifySessionKeyBytes(bytes, 0, bytes.length)).toBeNull();
    }
    for (let byte = 0x80; byte <= 0xff; byte++) {
      const bytes = Buffer.from("agent:main:cron:job:run:x", "latin1");
      bytes[bytes.length - 1] = byte;
      expect(classifySessionKeyBytes(bytes, 0, bytes.length)).toBeNull();
      // Bytes outside [start, end) are not looked at.
      expect(classifySessionKeyBytes(bytes, 0, bytes.length - 2)).toBe("cron");
    }
  });

  it("equals classifySessionKey for every ASCII character where trimming and keywords are read", () => {
    const mismatches: string[] = [];
    for (let code = 0; code < 0x80; code++) {
      const c = String.fromCharCode(code);
      for (const key of [
        `${c}agent:main:cron:job:ru${c}:r${c}`,
        `agen${c}:m${c}:${c}hook:x`,
        `${c}${c}agent:m:${c}cron:j:run:r${c}${c}`,
        `agent:m:hook:${c}`,
      ]) {
        if (classifyInFile(key) !== classifySessionKey(key)) mismatches.push(JSON.stringify(key));
      }
    }
    expect(mismatches).toEqual([]);
  });

  it("equals classifySessionKey on random ASCII keys (differential, every kind reached)", () => {
    const seen = new Set<SessionKeyKind>();
    const segment = fc.oneof(
      { weight: 4, arbitrary: fc.constantFrom("agent", "AGENT", "cron", "Cron", "run", "RUN") },
      { weight: 2, arbitrary: fc.constantFrom("hook", "HOOK", "hoo", "k", "main", "j-1", "") },
      { weight: 1, arbitrary: fc.string({ unit: fc.integer({ min: 0, max: 0x7f }).map(chr) }) },
    );
    const pad = fc.constantFrom("", " ", "\t", "\n ", ":", " : ", "\r\n");
    const keys = fc
      .tuple(pad, fc.array(segment, { maxLength: 9 }), pad)
      .map(([before, parts, after]) => `${before}${parts.join(":")}${after}`);
    fc.assert(
      fc.property(keys, (key) => {
        expect(ascii(key)).toBe(true);
        const kind = classifySessionKey(key);
        seen.add(kind);
        expect(classifyInFile(key)).toBe(kind);
      }),
      { numRuns: 20_000 },
    );
    // A generator that never builds a run or hook key would prove little.
    expect([...seen].sort()).toEqual(["cron", "cron-run", "hook", "invalid", "other"]);
  });
});

function chr(code: number): string {
  return String.fromCharCode(code);
}
