import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  classifySessionKey,
  isCronRunSessionKey,
  isCronSessionKey,
  isHookSessionKey,
  type SessionKeyKind,
} from "./classify-session-key";
import { parseCronRunSessionKey } from "./cron-run-session-key";
import { parseAgentSessionKey } from "./parse-agent-session-key";

// A deliberately naive reading of SPEC §1.3; the fast scanners must agree with it exactly.
function referenceSegments(key: unknown): string[] | null {
  if (typeof key !== "string") return null;
  const parts = key.trim().toLowerCase().split(":").filter(Boolean);
  return parts.length >= 3 && parts[0] === "agent" ? parts : null;
}

function referenceParse(key: unknown) {
  const parts = referenceSegments(key);
  return parts ? { agentId: parts[1], rest: parts.slice(2).join(":") } : null;
}

function referenceClassify(key: unknown): SessionKeyKind {
  const parsed = referenceParse(key);
  if (!parsed) return "invalid";
  const rest = parsed.rest.split(":");
  if (rest[0] === "cron" && rest.length >= 4 && rest[2] === "run") return "cron-run";
  if (parsed.rest.startsWith("cron:")) return "cron";
  if (rest[0] === "hook" && rest.length === 2) return "hook";
  return "other";
}

function referenceParseCronRun(key: unknown) {
  if (referenceClassify(key) !== "cron-run") return null;
  const [, agentId, , jobId, , runId] = referenceSegments(key) ?? [];
  return { agentId, jobId, runId, baseKey: `agent:${agentId}:cron:${jobId}` };
}

/** Compares every exported reader with the reference on `key`; returns the kind and any mismatch. */
function compareWithReference(key: unknown): { kind: SessionKeyKind; mismatch: string | null } {
  const k = key as string;
  const kind = referenceClassify(key);
  const actual = {
    classify: classifySessionKey(k),
    isCronRun: isCronRunSessionKey(k),
    isCron: isCronSessionKey(k),
    isHook: isHookSessionKey(k),
    parse: parseAgentSessionKey(k),
    parseCronRun: parseCronRunSessionKey(k),
  };
  const expected = {
    classify: kind,
    isCronRun: kind === "cron-run",
    isCron: referenceParse(key)?.rest.startsWith("cron:") ?? false,
    isHook: kind === "hook",
    parse: referenceParse(key),
    parseCronRun: referenceParseCronRun(key),
  };
  // Plain JSON comparison keeps 10^5+ checks fast; expect() is used once per property.
  const same = JSON.stringify(actual) === JSON.stringify(expected);
  const shown = typeof key === "string" ? JSON.stringify(key) : String(typeof key);
  return {
    kind,
    mismatch: same ? null : `${shown}: ${JSON.stringify(actual)} vs ${JSON.stringify(expected)}`,
  };
}

/** Asserts agreement with the reference (and the classify/is* identity) and returns the kind. */
function expectSameAsReference(key: unknown): SessionKeyKind {
  const { kind, mismatch } = compareWithReference(key);
  expect(mismatch).toBeNull();
  expect(isCronRunSessionKey(key as string)).toBe(classifySessionKey(key as string) === "cron-run");
  return kind;
}

const tricky = [
  ...[":", "::", " ", "\t", "\n", "\u00a0", "\ufeff", "\u2028", "\u3000"],
  ...["agent", "AGENT", "Agent", "aGeNt", "agents", "cron", "CRON", "Cron", "crons"],
  ...["run", "RUN", "Run", "hook", "HOOK", "hoo\u212A", "\u212A", "k", "main", "ops"],
  ...["a", "B", "1", "-", "_", ".", "İ", "ΑΣ", "Σ", "ß", "\ud83d\ude00", "\ud800"],
];

const keywords = [
  "agent",
  "AGENT",
  "cron",
  "CRON",
  "Cron",
  "run",
  "RUN",
  "hook",
  "HOOK",
  "hoo\u212A",
];

/** Runs the differential check over `keys` and insists the generator reached every kind. */
function expectAgreementOverEveryKind(keys: fc.Arbitrary<string>): void {
  const seen = new Set<SessionKeyKind>();
  fc.assert(
    fc.property(keys, (key) => {
      seen.add(expectSameAsReference(key));
    }),
    { numRuns: 10_000 },
  );
  // Guard against a vacuous property: a generator that never builds a run key proves little.
  expect([...seen].sort()).toEqual(["cron", "cron-run", "hook", "invalid", "other"]);
}

describe("fast readers equal the reference implementation", () => {
  it("for strings built from a key-like alphabet", () => {
    // A key-like head half of the time, so that run and hook keys are reached at all.
    const heads = ["", "", "", "", "agent:", " AGENT::m", "agent:m:cron:", "agent:m:Cron:j:"];
    const head = fc.constantFrom(...heads, "agent:m:HOOK:");
    const unit = fc.oneof(
      { weight: 1, arbitrary: fc.constant(":") },
      { weight: 3, arbitrary: fc.constantFrom(...tricky) },
    );
    expectAgreementOverEveryKind(
      fc.tuple(head, fc.string({ unit, maxLength: 16 })).map(([start, tail]) => start + tail),
    );
  });

  it("for segment lists joined with ':' and padded with whitespace", () => {
    // Keywords dominate so that every kind, cron runs included, turns up dozens of times.
    const other = fc.constantFrom(...tricky.filter((t) => !t.includes(":")), "", "j-1");
    const segment = fc.oneof(
      { weight: 4, arbitrary: fc.constantFrom(...keywords) },
      { weight: 1, arbitrary: other },
    );
    const pad = fc.constantFrom("", " ", "  \t", "\u00a0", ":", " : ");
    expectAgreementOverEveryKind(
      fc
        .tuple(pad, fc.array(segment, { maxLength: 9 }), pad)
        .map(([before, parts, after]) => `${before}${parts.join(":")}${after}`),
    );
  });

  it("for arbitrary strings and arbitrary non-string values", () => {
    fc.assert(
      fc.property(fc.oneof(fc.string({ unit: "binary" }), fc.string(), fc.anything()), (key) => {
        expectSameAsReference(key);
      }),
      { numRuns: 5_000 },
    );
  });

  it("for every BMP code unit placed where trimming and keyword matching happen", () => {
    const mismatches: string[] = [];
    for (let code = 0; code <= 0xffff; code++) {
      const c = String.fromCharCode(code);
      for (const key of [`${c}agent:main:cron:job:ru${c}:r${c}`, `agen${c}:m${c}:${c}hook:x`]) {
        const { mismatch } = compareWithReference(key);
        if (mismatch !== null) mismatches.push(mismatch);
      }
    }
    expect(mismatches).toEqual([]);
  }, 60_000);
});
