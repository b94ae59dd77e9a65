import { execFileSync } from "node:child_process";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { classifySessionKey } from "@session-reaper/session-key";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { assertBuilt } from "../test/helpers/child";
import { useTempDir } from "../test/helpers/temp-dir";
import { KEY_CRON_RUN, KEY_HOOK, KEY_OTHER } from "./entry-fields";
import { scanStoreLayout, scanStoreLayoutJs } from "./scan-store-bytes";
import { scanStoreLayoutWasm } from "./scan-store-wasm";
import type { StoreLayout } from "./store-layout";

const PATH = "/tmp/agents/main/sessions/sessions.json";
const PACKAGE = fileURLToPath(new URL("..", import.meta.url));

/** The WebAssembly layout of `buf`; fails the test if the file was left to JavaScript. */
function wasmLayout(buf: Buffer): StoreLayout {
  const layout = scanStoreLayoutWasm(buf);
  if (typeof layout !== "object") throw new Error(`WebAssembly scanner: ${layout}`);
  return layout;
}

/**
 * Asserts that the WebAssembly scanner scans `text` itself, to the JavaScript scanner's layout,
 * in its own windows and in windows of `windowBytes` (so that members straddle window edges).
 */
function expectSameLayout(text: string | Buffer, windowBytes = 7): StoreLayout {
  const buf = typeof text === "string" ? Buffer.from(text) : text;
  const layout = wasmLayout(buf);
  expect(layout.sameRecords(scanStoreLayoutJs(buf, PATH))).toBe(true);
  const windowed = scanStoreLayoutWasm(buf, windowBytes);
  expect(typeof windowed === "object" && windowed.sameRecords(layout), "windowed").toBe(true);
  return layout;
}

// Keys built from the pieces that decide a key's kind: keywords in any case, colons, spaces.
const keyPiece = fc.constantFrom(
  "agent",
  "AGENT",
  "Agent",
  "agenT",
  "agents",
  "main",
  "cron",
  "CRON",
  "crons",
  "hook",
  "Hook",
  "hooks",
  "run",
  "RUN",
  "runs",
  "job-1",
  "x",
  "",
  " ",
  ":",
  "::",
);
const asciiKey = fc.oneof(
  fc.array(keyPiece, { maxLength: 9 }).map((pieces) => pieces.join(":")),
  fc.string({ unit: fc.integer({ min: 0x20, max: 0x7e }).map((c) => String.fromCharCode(c)) }),
);
const anyKey = fc.oneof({ weight: 6, arbitrary: asciiKey }, { weight: 1, arbitrary: fc.string() });
/** The integers OpenClaw writes (and their edges): the WebAssembly scanner reads them itself. */
const stamp = fc.oneof(
  fc.integer({ min: 0, max: 2 ** 42 }),
  fc.constantFrom(0, -0, -1, 999_999_999_999_999, -999_999_999_999_999, 1_764_400_000_000),
);
const text = fc.oneof(fc.string(), fc.constantFrom("😀", "日本語", 'a"b\\c\n', "\u0000\u001f"));
const opaque = fc.jsonValue({ maxDepth: 3 });
const entry = fc.record(
  {
    sessionId: fc.oneof(text, opaque),
    updatedAt: fc.oneof({ weight: 4, arbitrary: stamp }, { weight: 1, arbitrary: text }),
    sessionFile: fc.oneof(text, opaque),
    deliveryContext: opaque,
    padding: text,
  },
  { requiredKeys: [] },
);
const store = fc.array(fc.tuple(anyKey, fc.oneof({ weight: 5, arbitrary: entry }, opaque)), {
  maxLength: 12,
});

/** Stores as JSON.stringify writes them, with a duplicated member now and then. */
function render(members: [string, unknown][], indent: number, duplicate: boolean): string {
  const parts = members.map(([key, value]) => {
    const body = JSON.stringify(value, null, indent) ?? "null";
    return `${JSON.stringify(key)}:${indent > 0 ? " " : ""}${body}`;
  });
  if (duplicate && parts.length > 0) parts.push(parts[0] as string);
  return `{${parts.join(",")}}`;
}

/**
 * True when an entry of `members` has a shape the WebAssembly scanner leaves to JavaScript: an
 * escaped name of more than 9 bytes, or an updatedAt number other than an integer of ≤ 15 digits.
 */
function leftToJs(members: [string, unknown][]): boolean {
  return members.some(([, value]) => {
    if (typeof value !== "object" || value === null || Array.isArray(value)) return false;
    return Object.entries(value).some(([name, field]) => {
      const spelled = JSON.stringify(name);
      if (spelled.includes("\\") && spelled.length - 2 > 9) return true;
      return (
        name === "updatedAt" &&
        typeof field === "number" &&
        !/^-?\d{1,15}$/.test(JSON.stringify(field))
      );
    });
  });
}

describe("scanStoreLayoutWasm", () => {
  it("scans OpenClaw-shaped stores itself, to the JavaScript scanner's records", () => {
    let scanned = 0;
    let left = 0;
    fc.assert(
      fc.property(store, fc.constantFrom(0, 2), fc.boolean(), (members, indent, duplicate) => {
        const text = render(members, indent, duplicate);
        if (leftToJs(members)) {
          left++;
          expect(scanStoreLayoutWasm(Buffer.from(text))).toBe("left-to-js");
          expect(scanStoreLayoutWasm(Buffer.from(text), 1 + (left % 50))).toBe("left-to-js");
        } else {
          scanned += expectSameLayout(text, 1 + (scanned % 50)).count;
        }
      }),
      { numRuns: 1500 },
    );
    console.log(`  ${scanned} members scanned in WebAssembly; ${left} stores left to JavaScript`);
    expect(scanned).toBeGreaterThan(5000);
    expect(left).toBeLessThan(300);
  });

  it("classifies each plain-ASCII key as classifySessionKey does", () => {
    const seen = new Set<number>();
    fc.assert(
      fc.property(fc.array(asciiKey, { minLength: 1, maxLength: 30 }), (keys) => {
        const buf = Buffer.from(JSON.stringify(Object.fromEntries(keys.map((k) => [k, {}]))));
        const layout = expectSameLayout(buf);
        for (let i = 0; i < layout.count; i++) {
          const kind = layout.keyKind(buf, i);
          seen.add(kind);
          const expected = classifySessionKey(layout.key(buf, i));
          const want =
            expected === "cron-run" ? KEY_CRON_RUN : expected === "hook" ? KEY_HOOK : KEY_OTHER;
          expect(kind).toBe(want);
        }
      }),
      { numRuns: 2000 },
    );
    // The generator reaches every kind.
    expect([...seen].sort()).toEqual([KEY_OTHER, KEY_CRON_RUN, KEY_HOOK]);
  });

  it("leaves keys with escapes or non-ASCII bytes to be decoded, as the JavaScript scanner does", () => {
    // Records equal to the JavaScript scanner's: kind KEY_UNREAD, which keyKind then decodes.
    const buf = Buffer.from('{"agent:main:hook:\\u0041":{},"agent:main:hook:ü":{},"a\\"b":{}}');
    const layout = expectSameLayout(buf);
    expect([0, 1, 2].map((i) => layout.keyKind(buf, i))).toEqual([KEY_HOOK, KEY_HOOK, KEY_OTHER]);
  });

  it("hands records over in chunks: any member count, chunk edges included", () => {
    for (const count of [0, 1, 4095, 4096, 4097, 8192, 10_001]) {
      const members: [string, unknown][] = [];
      for (let i = 0; i < count; i++) {
        members.push([`agent:main:cron:j:run:${i}`, { sessionId: `s${i}`, updatedAt: i }]);
      }
      const layout = expectSameLayout(render(members, 2, false));
      expect(layout.count).toBe(count);
      if (count > 0) expect(layout.updatedAt(count - 1)).toBe(count - 1);
    }
  });

  it("scans any file size, before and after an entry too large to keep its memory for", () => {
    const small = JSON.stringify({ "agent:main:hook:a": { sessionId: "s", updatedAt: 5 } });
    // One 40 MB entry: its window grows past the 32 MiB the scanner keeps between scans.
    const large = `{"agent:main:x":{"padding":"${"x".repeat(40 * 1024 * 1024)}","updatedAt":7}}`;
    for (const text of [small, large, small, large, small]) {
      const buf = Buffer.from(text);
      expect(wasmLayout(buf).sameRecords(scanStoreLayoutJs(buf, PATH))).toBe(true);
    }
  });

  it("scans a store many windows long, and finds what is wrong in its last window", () => {
    // ~10 MB in 4 MiB windows, with entries of every size straddling the window edges.
    const members: [string, unknown][] = [];
    for (let i = 0; i < 12_000; i++) {
      members.push([
        `agent:main:cron:j${i % 7}:run:${i}`,
        { sessionId: `s${i}`, updatedAt: 1_764_000_000_000 + i, padding: "x".repeat(i % 1500) },
      ]);
    }
    const text = render(members, 2, false);
    expect(text.length).toBeGreaterThan(2 * 4 * 1024 * 1024);
    const buf = Buffer.from(text);
    expect(wasmLayout(buf).sameRecords(scanStoreLayoutJs(buf, PATH))).toBe(true);
    // A stray byte, or a float stamp, in the last window.
    const broken = Buffer.from(buf);
    broken[broken.length - 40] = 0x01;
    expect(scanStoreLayoutWasm(broken)).toBe("invalid");
    const float = Buffer.from(text.replace('"updatedAt": 1764000011999', '"updatedAt": 1.5'));
    expect(float.length).toBe(buf.length - 10);
    expect(scanStoreLayoutWasm(float)).toBe("left-to-js");
    // Whitespace longer than a window before and inside the object.
    const spaced = Buffer.from(`${" ".repeat(5_000_000)}{${"\n".repeat(5_000_000)}"k":1}`);
    expectSameLayout(spaced, 4 * 1024 * 1024);
    const empty = Buffer.from(`{${" ".repeat(5_000_000)}}`);
    expect(wasmLayout(empty).count).toBe(0);
  });

  it("agrees with the JavaScript scanner on every byte inserted or replaced anywhere", () => {
    const template = Buffer.from(
      '{"agent:main:hook:a":{"sessionId":"s\\n","updatedAt":-12,"x":[true,null,{},"\\u00e9"]},\n "b" : 1.5e3 }',
    );
    // An edit inside a name of the entry or its updatedAt may make a shape left to JavaScript
    // (an escaped name of 10 bytes or more, a fractional updatedAt); nowhere else.
    const mayLeave = ['"sessionId"', '"updatedAt"', "-12", '"x"'].map((token) => {
      const start = template.indexOf(token);
      return [start, start + token.length] as const;
    });
    const counts = { scanned: 0, left: 0, rejected: 0 };
    for (let at = 0; at <= template.length; at++) {
      for (let byte = 0; byte < 256; byte++) {
        const inserted = Buffer.concat([
          template.subarray(0, at),
          Buffer.of(byte),
          template.subarray(at),
        ]);
        const replaced = Buffer.from(template);
        if (at < template.length) replaced[at] = byte;
        for (const buf of [inserted, replaced]) {
          const where = `byte ${byte} at ${at}: ${JSON.stringify(buf.toString("latin1"))}`;
          let reference: StoreLayout | null = null;
          try {
            reference = scanStoreLayoutJs(buf, PATH);
          } catch {
            // Rejected: the WebAssembly scanner must reject it too.
          }
          const layout = scanStoreLayoutWasm(buf);
          // In windows of a few bytes: the same outcome, record for record.
          const windowed = scanStoreLayoutWasm(buf, 1 + (at % 9));
          if (typeof layout === "object") {
            expect(typeof windowed === "object" && windowed.sameRecords(layout), where).toBe(true);
          } else {
            expect(windowed, where).toBe(layout);
          }
          if (layout === "left-to-js") {
            // Left before the scan got to anything invalid after it, if there is any.
            expect(
              mayLeave.some(([start, end]) => at >= start && at <= end),
              where,
            ).toBe(true);
            counts.left++;
          } else if (reference === null) {
            expect(layout, where).toBe("invalid");
            counts.rejected++;
          } else {
            expect(typeof layout === "object" && layout.sameRecords(reference), where).toBe(true);
            counts.scanned++;
          }
        }
      }
    }
    expect(counts.scanned).toBeGreaterThan(2000);
    expect(counts.rejected).toBeGreaterThan(20_000);
    expect(counts.left).toBeGreaterThan(10);
  });

  it("rejects what the JavaScript scanner rejects, and scanStoreLayout still explains it", () => {
    for (const bad of ["", " ", "[]", "{", '{"a":1,}', '{"a":1}x', '{"a":"\u0001"}', "{}\u0000"]) {
      expect(scanStoreLayoutWasm(Buffer.from(bad))).toBe("invalid");
      expect(() => scanStoreLayout(Buffer.from(bad), PATH)).toThrow(/Session store/);
    }
  });

  // The shapes it leaves to the JavaScript scanner, next to near ones it scans itself.
  const LEFT_TO_JS: [string, string][] = [
    ["an escaped view-field name", '{"k":{"session\\u0049d":"s"}}'],
    ["an escaped name of 10 bytes or more", '{"k":{"\\u0061bcdefghi":1}}'],
    ["a fractional updatedAt", '{"k":{"updatedAt":1.5}}'],
    ["an updatedAt with an exponent", '{"k":{"updatedAt":1e3}}'],
    ["an updatedAt of 16 digits", '{"k":{"updatedAt":1234567890123456}}'],
    ["an entry nesting 1025 containers", `{"k":${"[".repeat(1025)}1${"]".repeat(1025)}}`],
  ];
  const SCANNED: [string, string][] = [
    ["an escaped name of 9 bytes or fewer", '{"k":{"\\u0061bcd":1}}'],
    ["an escaped view-field name below the entry", '{"k":{"x":{"session\\u0049d":"s"}}}'],
    ["a fractional number elsewhere", '{"k":{"updatedAt":1,"x":1.5e-3}}'],
    ["an updatedAt of 15 digits", '{"k":{"updatedAt":-123456789012345}}'],
    ["an entry nesting 1024 containers", `{"k":${"[".repeat(1024)}1${"]".repeat(1024)}}`],
  ];
  for (const [name, text] of LEFT_TO_JS) {
    it(`leaves ${name} to the JavaScript scanner`, () => {
      const buf = Buffer.from(text);
      expect(scanStoreLayoutWasm(buf)).toBe("left-to-js");
      expect(scanStoreLayout(buf, PATH).sameRecords(scanStoreLayoutJs(buf, PATH))).toBe(true);
    });
  }
  for (const [name, text] of SCANNED) {
    it(`scans ${name} itself`, () => {
      expectSameLayout(text);
    });
  }
});

describe("the compiled scanner", () => {
  it("is the one assembly/scanner.ts compiles to", () => {
    // Fails (exit 1) when src/scanner-wasm.generated.ts was not rebuilt after a source change.
    execFileSync(process.execPath, ["scripts/build-wasm.mjs", "--check"], {
      cwd: PACKAGE,
      stdio: "pipe",
    });
  }, 60_000);

  const dir = useTempDir();
  it("is not needed: without WebAssembly (node --jitless) the views are the same", () => {
    assertBuilt();
    const path = join(dir(), "sessions.json");
    const members: [string, unknown][] = [];
    for (let i = 0; i < 50; i++) {
      members.push([`agent:main:cron:j:run:${i}`, { sessionId: `s${i}`, updatedAt: i * 1000 }]);
      members.push([`agent:main:hook:${i}`, { sessionId: `h-ü${i}`, sessionFile: `${i}.jsonl` }]);
    }
    writeFileSync(path, render(members, 2, true));
    const script = `
      const { readSessionEntryViews } = await import(${JSON.stringify(join(PACKAGE, "dist/index.js"))});
      const views = await readSessionEntryViews(${JSON.stringify(path)});
      console.log(JSON.stringify({ wasm: typeof WebAssembly, views }));`;
    const run = (flags: string[]) =>
      JSON.parse(
        execFileSync(process.execPath, [...flags, "--input-type=module", "-e", script], {
          encoding: "utf8",
          stdio: ["ignore", "pipe", "ignore"],
        }),
      ) as { wasm: string; views: unknown };
    const without = run(["--jitless"]);
    const withWasm = run([]);
    expect(without.wasm).toBe("undefined");
    expect(withWasm.wasm).toBe("object");
    expect(without.views).toEqual(withWasm.views);
    expect((withWasm.views as { entries: unknown[] }).entries).toHaveLength(100);
  });
});
