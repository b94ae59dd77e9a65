import fc from "fast-check";
import { afterAll, describe, expect, it } from "vitest";
import { StoreCorruptError } from "../src/errors";
import {
  type ScannedMember,
  scanStoreBytes,
  scanStoreLayout,
  scanStoreLayoutJs,
  spliceOutMembers,
} from "../src/scan-store-bytes";
import { scanStoreLayoutWasm } from "../src/scan-store-wasm";
import type { StoreLayout } from "../src/store-layout";
import type { EntryView } from "../src/types";

// Differential fuzz of the byte scanner against JSON.parse: random JSON documents (duplicate
// keys, escapes, unicode, any layout, non-object top levels) and random byte mutations of them.
// scanStoreBytes must accept exactly what JSON.parse accepts as an object, agree with it on
// every view, and spliceOutMembers must give what JSON.parse-then-delete gives. The WebAssembly
// scanner (which scanStoreBytes uses first) must give the JavaScript scanner's layout record for
// record, or leave the file to it: never accept what it rejects, never reject what it accepts.

/** A JSON syntax tree that keeps what JSON.parse loses: duplicate keys and token spelling. */
type Node =
  | { kind: "token"; text: string }
  | { kind: "array"; items: Node[] }
  | { kind: "object"; members: [Node, Node][] };

const VIEW_NAMES = ["sessionId", "updatedAt", "sessionFile"];

/** A string token spelled plainly, fully \u-escaped (random hex case), or half escaped. */
const stringToken = (value: fc.Arbitrary<string>): fc.Arbitrary<Node> =>
  fc.tuple(value, fc.integer({ min: 0, max: 5 })).map(([s, style]) => {
    if (style > 2) return { kind: "token", text: JSON.stringify(s) };
    let text = '"';
    for (let k = 0; k < s.length; k++) {
      const unit = s.charCodeAt(k);
      const escaped = style === 0 || (style === 1 && k % 2 === 0);
      if (escaped) {
        const hex = unit.toString(16).padStart(4, "0");
        text += `\\u${k % 3 === 0 ? hex.toUpperCase() : hex}`;
      } else {
        text += JSON.stringify(s[k]).slice(1, -1);
      }
    }
    return { kind: "token", text: `${text}"` };
  });

const anyString = fc.string({ unit: "binary", maxLength: 8 });
const token = (text: string): Node => ({ kind: "token", text });
const numberText = fc.oneof(
  fc.double({ noNaN: true, noDefaultInfinity: true }).map((d) => JSON.stringify(d)),
  fc.integer().map(String),
  fc.constantFrom("-0", "0", "0.0", "1e5", "1E+5", "-1.5e-7", "0e0", "1e400", "-1e-400", "17e-0"),
  fc.constantFrom("123456789012345678901234567890", "1760000000000", "1.7600000000005e12"),
);
const literalText = fc.constantFrom("true", "false", "null");
const validKey = stringToken(
  fc.oneof(
    { weight: 3, arbitrary: fc.constantFrom("a", "b", "ü", "😀", "", "__proto__", ...VIEW_NAMES) },
    { weight: 1, arbitrary: anyString },
  ),
);
const validLeaf: fc.Arbitrary<Node> = fc.oneof(
  numberText.map(token),
  stringToken(anyString),
  literalText.map(token),
);

/** A token text with one or two character edits drawn from `alphabet`: usually a near miss. */
const nearMiss = (text: fc.Arbitrary<string>, alphabet: string): fc.Arbitrary<Node> =>
  fc
    .tuple(
      text,
      fc.array(
        fc.tuple(
          fc.nat(),
          fc.constantFrom("insert", "delete", "replace"),
          fc.constantFrom(...alphabet),
        ),
        { minLength: 1, maxLength: 2 },
      ),
    )
    .map(([original, edits]) => {
      const chars = [...original];
      for (const [at, op, ch] of edits) {
        const p = at % (chars.length + 1);
        if (op === "insert") chars.splice(p, 0, ch);
        else chars.splice(p, 1, ...(op === "replace" ? [ch] : []));
      }
      return token(chars.join(""));
    });
const nearMissKey = nearMiss(
  validKey.map((n) => (n.kind === "token" ? n.text : "")),
  "\\\"u0123456789abcdefABCDEFgGx/bnrt'\t",
);
const nearMissNumber = nearMiss(numberText, "0123456789+-.eExX_ ");
const nearMissLiteral = nearMiss(literalText, "truefalsnTFNx");
const nearMissLeaf = fc.oneof(nearMissNumber, nearMissKey, nearMissLiteral);

/** Documents built from `leaf` and `key` tokens: any value, entry-like objects, stores. */
function grammar(leaf: fc.Arbitrary<Node>, key: fc.Arbitrary<Node>) {
  const { value } = fc.letrec<{ value: Node }>((tie) => ({
    value: fc.oneof(
      { maxDepth: 3, depthIdentifier: "json" },
      leaf,
      fc.array(tie("value"), { maxLength: 4 }).map((items): Node => ({ kind: "array", items })),
      fc
        .array(fc.tuple(key, tie("value")), { maxLength: 4 })
        .map((members): Node => ({ kind: "object", members })),
    ),
  }));
  // An entry-like object: view fields (often duplicated, of any type) among opaque ones.
  const entry = fc
    .array(fc.tuple(fc.oneof(stringToken(fc.constantFrom(...VIEW_NAMES)), key), value), {
      maxLength: 6,
    })
    .map((members): Node => ({ kind: "object", members }));
  const store = fc
    .array(fc.tuple(key, fc.oneof({ weight: 3, arbitrary: entry }, value)), { maxLength: 8 })
    .map((members): Node => ({ kind: "object", members }));
  return { store, document: fc.oneof({ weight: 6, arbitrary: store }, value) };
}

const valid = grammar(validLeaf, validKey);
const nearlyValid = grammar(
  fc.oneof({ weight: 4, arbitrary: validLeaf }, nearMissLeaf),
  fc.oneof({ weight: 6, arbitrary: validKey }, nearMissKey),
);

/** How to lay a document out: JSON.stringify-like layouts, or random whitespace everywhere. */
const layout = fc.record({
  indent: fc.constantFrom("  ", "    ", "\t", "", " "),
  newline: fc.constantFrom("\n", "\r\n"),
  random: fc.boolean(),
  seed: fc.integer(),
  noise: fc.constant(false),
});
/** The same, but now and then a separator is dropped, doubled or replaced. */
const noisyLayout = layout.map((style) => ({ ...style, noise: true }));
type Layout = { indent: string; newline: string; random: boolean; seed: number; noise: boolean };

const SEPARATOR_NOISE = ["", ";", ",,", "::", "=", " ", "\u000b", "\u00a0", "\uff0c"];

function render(node: Node, style: Layout): string {
  let seed = style.seed | 0;
  const rand = (): number => {
    seed = (Math.imul(seed, 1103515245) + 12345) | 0;
    return (seed >>> 16) & 0x7fff;
  };
  const ws = (): string => {
    if (!style.random) return "";
    let out = "";
    for (let k = rand() % 4; k > 0; k--) out += " \t\n\r"[rand() % 4];
    return out;
  };
  const sep = (s: string): string =>
    style.noise && rand() % 16 === 0 ? (SEPARATOR_NOISE[rand() % SEPARATOR_NOISE.length] ?? s) : s;
  const pretty = style.indent !== "";
  const open = (depth: number): string =>
    pretty ? style.newline + style.indent.repeat(depth) : "";
  const walk = (n: Node, depth: number): string => {
    if (n.kind === "token") return n.text;
    const parts =
      n.kind === "array"
        ? n.items.map((item) => walk(item, depth + 1))
        : n.members.map(
            ([k, v]) =>
              `${walk(k, depth + 1)}${ws()}${sep(":")}${pretty ? " " : ""}${ws()}${walk(v, depth + 1)}`,
          );
    const [l, r] = n.kind === "array" ? ["[", "]"] : ["{", "}"];
    if (parts.length === 0) return `${l}${ws()}${r}`;
    const inner = parts.map(
      (p, k) => `${k > 0 ? sep(",") : ""}${open(depth + 1)}${ws()}${p}${ws()}`,
    );
    return `${l}${inner.join("")}${open(depth)}${r}`;
  };
  return `${ws()}${walk(node, 0)}${ws()}`;
}

/** A byte mutation at a relative position: insert, delete, replace or duplicate one byte. */
const mutation = fc.record({
  op: fc.constantFrom("insert", "delete", "replace", "duplicate"),
  at: fc.double({ min: 0, max: 1, noNaN: true }),
  byte: fc.oneof(
    fc.constantFrom(...Buffer.from("{}[]\",:\\ \t\n\r0123456789-+.eEtrufalsn/gGxXuU'\u00ff")),
    fc.constantFrom(0x00, 0x1f, 0x7f, 0x80, 0xbf, 0xc3, 0xe2, 0xef, 0xf0, 0xfe),
    fc.integer({ min: 0, max: 255 }),
  ),
});

type Counts = {
  cases: number;
  accepted: number;
  rejected: number;
  nonObject: number;
  splices: number;
  /** Accepted files the WebAssembly scanner scanned itself (the rest it left to JavaScript). */
  byWasm: number;
};
const newCounts = (): Counts => ({
  cases: 0,
  accepted: 0,
  rejected: 0,
  nonObject: 0,
  splices: 0,
  byWasm: 0,
});
const total = newCounts();

afterAll(() => {
  console.log(
    `differential fuzz: ${total.cases} cases — ${total.accepted} accepted by both ` +
      `(${total.splices} splices checked, ${total.byWasm} scanned in WebAssembly), ` +
      `${total.rejected} rejected by both ` +
      `(${total.nonObject} of them valid JSON but not an object)`,
  );
});

/** Adds a property's counts to the total and checks it explored what it should. */
function tally(counts: Counts, minimum: Partial<Counts>): void {
  console.log(`  ${expect.getState().currentTestName}: ${JSON.stringify(counts)}`);
  for (const name of Object.keys(counts) as (keyof Counts)[]) total[name] += counts[name];
  // Guards against a generator that silently stops producing one side of the comparison.
  for (const [name, least] of Object.entries(minimum)) {
    expect(counts[name as keyof Counts], name).toBeGreaterThanOrEqual(least);
  }
}

function parseOrUndefined(text: string): { value: unknown } | undefined {
  try {
    return { value: JSON.parse(text) };
  } catch {
    return undefined;
  }
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** The view JSON.parse implies for `key` and its parsed entry. */
function expectedView(key: string, value: unknown): EntryView {
  const view: EntryView = { key };
  if (!isPlainObject(value)) return view;
  const own = (name: string): unknown => (Object.hasOwn(value, name) ? value[name] : undefined);
  const [sessionId, updatedAt, sessionFile] = VIEW_NAMES.map(own);
  if (typeof sessionId === "string") view.sessionId = sessionId;
  if (typeof updatedAt === "number") view.updatedAt = updatedAt;
  if (typeof sessionFile === "string") view.sessionFile = sessionFile;
  return view;
}

const slice = (buf: Buffer, m: ScannedMember): Buffer => buf.subarray(m.keyStart, m.valueEnd);

const ELSEWHERE_FILLS = [0x22, 0x5c, 0x00] as const;

/** A copy of `bytes` that starts `shift` bytes into a larger buffer filled with `fill`. */
function placed(bytes: Buffer, shift: number, fill: number | undefined): Buffer {
  const backing = Buffer.alloc(shift + bytes.length + 5, fill);
  bytes.copy(backing, shift);
  return backing.subarray(shift, shift + bytes.length);
}

/** The JavaScript scanner's layout, or null when it rejects the file. */
function referenceLayout(buf: Buffer): StoreLayout | null {
  try {
    return scanStoreLayoutJs(buf, "fuzz.json");
  } catch (error) {
    if (error instanceof StoreCorruptError) return null;
    throw error;
  }
}

/**
 * Checks the WebAssembly scanner against the JavaScript one on `buf`, and that scanning it in
 * windows of a few bytes (so that members straddle every window edge) gives the same.
 */
function checkWasm(buf: Buffer, counts: Counts): void {
  const wasm = scanStoreLayoutWasm(buf);
  const windowed = scanStoreLayoutWasm(buf, 1 + (counts.cases % 40));
  if (typeof wasm === "object") {
    expect(typeof windowed === "object" && windowed.sameRecords(wasm), "windowed").toBe(true);
  } else {
    expect(windowed, "windowed").toBe(wasm);
  }
  const reference = referenceLayout(buf);
  if (reference === null) {
    // Rejected, or left to the JavaScript scanner before it found out.
    expect(["invalid", "left-to-js"]).toContain(wasm);
  } else if (typeof wasm === "object") {
    counts.byWasm++;
    expect(wasm.sameRecords(reference), "same records as the JavaScript scanner").toBe(true);
  } else {
    expect(wasm).toBe("left-to-js");
  }
}

function scanOutcome(buf: Buffer): ScannedMember[] | { offset: number } {
  try {
    return scanStoreBytes(buf, "fuzz.json");
  } catch (error) {
    if (error instanceof StoreCorruptError) return { offset: error.offset };
    throw error;
  }
}

/**
 * Runs one differential case: `unchangedBefore` is how many leading bytes are known to be a
 * prefix of a valid text (a rejection must then point at or after them).
 */
function check(buf: Buffer, removeBits: boolean[], unchangedBefore: number, counts: Counts): void {
  counts.cases++;
  checkWasm(buf, counts);
  const text = buf.toString("utf8");
  const parsed = parseOrUndefined(text);
  // The scanner reads aligned words: the same bytes at another alignment, amid bytes that mean
  // something in JSON, must scan the same.
  const elsewhere = scanOutcome(placed(buf, counts.cases % 4, ELSEWHERE_FILLS[counts.cases % 3]));
  let members: ScannedMember[];
  try {
    members = scanStoreBytes(buf, "fuzz.json");
    expect(elsewhere).toEqual(members);
  } catch (error) {
    if (!(error instanceof StoreCorruptError)) throw error;
    expect(elsewhere).toEqual({ offset: error.offset });
    // JSON.parse must reject it too, or it must be valid JSON that is not an object.
    expect(parsed === undefined || !isPlainObject(parsed.value), text).toBe(true);
    const lowest = parsed === undefined ? unchangedBefore : 0;
    if (!(error.offset >= lowest && error.offset <= buf.length)) {
      expect.fail(
        `offset ${error.offset} outside [${lowest}, ${buf.length}] for ${JSON.stringify(text)}`,
      );
    }
    counts.rejected++;
    if (parsed !== undefined) counts.nonObject++;
    return;
  }
  if (parsed === undefined || !isPlainObject(parsed.value)) {
    expect.fail(`accepted what JSON.parse does not give an object for: ${JSON.stringify(text)}`);
  }
  counts.accepted++;
  const object = parsed.value;

  // Each member's byte range holds exactly its key and value, and its view matches them;
  // the last occurrence of a key wins, as in JSON.parse, and no key is missed.
  const lastView = new Map(members.map((m) => [m.view.key, m.view]));
  expect({
    views: members.map((m) => m.view),
    keys: [...lastView.keys()].sort(),
    lastViews: [...lastView.values()],
  }).toEqual({
    views: members.map((m) => {
      const alone = JSON.parse(`{${slice(buf, m).toString("utf8")}}`) as Record<string, unknown>;
      const [key] = Object.keys(alone);
      return Object.keys(alone).length === 1 && key !== undefined
        ? expectedView(key, alone[key])
        : { key: `<range holds ${Object.keys(alone).length} keys>` };
    }),
    keys: Object.keys(object).sort(),
    lastViews: [...lastView.keys()].map((key) => expectedView(key, object[key])),
  });

  // Duplicates as removeSessionEntries finds them (without decoding, when it can): each member
  // maps to the first member whose key has the same text.
  const layout = scanStoreLayout(buf, "fuzz.json");
  const firstSeen = new Map<string, number>();
  const expectedFirsts = members.map((m, i) => {
    const first = firstSeen.get(m.view.key) ?? i;
    firstSeen.set(m.view.key, first);
    return first;
  });
  const firsts = layout.firstOccurrences(buf);
  expect(firsts === null ? members.map((_, i) => i) : [...firsts]).toEqual(expectedFirsts);

  // Remove by index (any subset) and by key (all occurrences, as removeSessionEntries does).
  const bit = (k: number): boolean => removeBits[k % removeBits.length] === true;
  const byIndex = new Set(members.flatMap((_, i) => (bit(i) ? [i] : [])));
  const goneKeys = new Set([...lastView.keys()].filter((_, k) => bit(k + 1)));
  const byKey = new Set(members.flatMap((m, i) => (goneKeys.has(m.view.key) ? [i] : [])));
  for (const remove of [byIndex, byKey]) {
    counts.splices++;
    const out = spliceOutMembers(buf, members, remove);
    const survivors = members.filter((_, i) => !remove.has(i));
    const expected =
      remove === byKey
        ? Object.fromEntries(Object.entries(object).filter(([key]) => !goneKeys.has(key)))
        : JSON.parse(`{${survivors.map((m) => slice(buf, m).toString("utf8")).join(",")}}`);
    // Every survivor's bytes appear unchanged, in order.
    let from = 0;
    let inOrder = true;
    for (const m of survivors) {
      const at = out.indexOf(slice(buf, m), from);
      inOrder &&= at >= from;
      from = at + (m.valueEnd - m.keyStart);
    }
    // JSON.stringify compares own "__proto__" keys and key order too.
    expect({
      json: JSON.stringify(JSON.parse(out.toString("utf8"))),
      inOrder,
      rescanned: scanStoreBytes(out, "out.json").map((m) => m.view),
    }).toEqual({
      json: JSON.stringify(expected),
      inOrder: true,
      rescanned: survivors.map((m) => m.view),
    });
  }
}

const FUZZ_TIMEOUT_MS = 180_000;

/** One differential property: `runs` cases drawn from `cases`, then a check of what it explored. */
function fuzz<T>(
  name: string,
  cases: fc.Arbitrary<T>,
  runs: number,
  minimum: Partial<Counts>,
  run: (value: T, counts: Counts) => void,
): void {
  it(
    name,
    () => {
      const counts = newCounts();
      fc.assert(
        fc.property(cases, (value) => run(value, counts)),
        { numRuns: runs },
      );
      tally(counts, minimum);
    },
    FUZZ_TIMEOUT_MS,
  );
}

const removeBits = fc.array(fc.boolean(), { minLength: 1 });
const tokenText = (n: Node): string => (n.kind === "token" ? n.text : "");

describe("scanStoreBytes / spliceOutMembers vs JSON.parse", () => {
  fuzz(
    "agree on random documents in random layouts",
    fc.tuple(valid.document, layout, removeBits),
    3000,
    { accepted: 1200, nonObject: 100, byWasm: 300 },
    ([doc, style, bits], counts) => check(Buffer.from(render(doc, style)), bits, 0, counts),
  );

  fuzz(
    "agree on documents with near-miss tokens and separators",
    fc.tuple(nearlyValid.document, noisyLayout, removeBits),
    3000,
    { accepted: 250, rejected: 1000, byWasm: 200 },
    ([doc, style, bits], counts) => check(Buffer.from(render(doc, style)), bits, 0, counts),
  );

  // One edited token per tiny store, so each case probes one spot of the token grammar.
  fuzz(
    "agree on single near-miss tokens",
    fc.tuple(
      fc.oneof(validKey, nearMissKey),
      fc.oneof(nearMissNumber, nearMissKey, nearMissLiteral),
      removeBits,
    ),
    3000,
    { accepted: 150, rejected: 1000, byWasm: 150 },
    ([key, value, bits], counts) =>
      check(Buffer.from(`{${tokenText(key)}:${tokenText(value)}}`), bits, 0, counts),
  );

  fuzz(
    "agree on byte mutations of valid documents",
    fc.tuple(valid.store, layout, fc.array(mutation, { minLength: 1, maxLength: 3 }), removeBits),
    4000,
    { accepted: 150, rejected: 1500, byWasm: 80 },
    ([doc, style, mutations, bits], counts) => {
      const bytes = [...Buffer.from(render(doc, style))];
      let unchanged = bytes.length;
      for (const { op, at, byte } of mutations) {
        const p = Math.min(bytes.length, Math.floor(at * (bytes.length + 1)));
        if (op === "insert") bytes.splice(p, 0, byte);
        else if (p === bytes.length) continue;
        else if (op === "delete") bytes.splice(p, 1);
        else if (op === "replace") bytes[p] = byte;
        else bytes.splice(p, 0, bytes[p] as number);
        unchanged = Math.min(unchanged, p);
      }
      check(Buffer.from(bytes), bits, unchanged, counts);
    },
  );

  // A strict prefix of a store can only be wrong at its very end.
  fuzz(
    "reject every truncation of a store exactly at its end",
    fc.tuple(valid.store, layout, fc.double({ min: 0, max: 1, noNaN: true })),
    1000,
    { rejected: 700 },
    ([doc, style, at], counts) => {
      const full = Buffer.from(render(doc, style));
      const cut = full.subarray(0, Math.floor(at * full.length));
      counts.cases++;
      checkWasm(cut, counts);
      if (parseOrUndefined(cut.toString("utf8"))) {
        // Only trailing whitespace was cut: still a valid store.
        expect(() => scanStoreBytes(cut, "cut.json")).not.toThrow();
        counts.accepted++;
        return;
      }
      let offset = -1;
      try {
        scanStoreBytes(cut, "cut.json");
      } catch (error) {
        offset = (error as StoreCorruptError).offset;
      }
      expect(offset).toBe(cut.length);
      counts.rejected++;
    },
  );
});
