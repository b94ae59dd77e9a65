import { readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { classifySessionKey } from "@session-reaper/session-key";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { useTempDir } from "../test/helpers/temp-dir";
import { removeSessionEntries } from "./remove-session-entries";
import type { AgeCutoffs, EntryView, RemoveEntriesResult } from "./types";

const NOW = 1_764_400_000_000;
const CUTOFFS: AgeCutoffs = { cronRunsBefore: NOW - 86_400_000, hooksBefore: NOW - 3_600_000 };

// Keys as they are written in the file (JSON string tokens): plain, escaped, non-ASCII, with
// spaces that trimming removes, differently cased, and keys that only look like runs or hooks.
const KEY_TOKENS = [
  '"agent:main:cron:job-1:run:r1"',
  '"agent:main:cron:job-1:run:r2"',
  '"AGENT:Main:CRON:job-1:RUN:r3"',
  '"::agent::main:cron:j:run:r4::"',
  '" agent:main:cron:j:run:r5\\t"',
  '"\\u0061gent:main:cron:j:run:r6"',
  '"agent:main:cron:j\\u003arun:r7"',
  '"agent:main:cron:j\u00fc:run:r8"',
  '"agent:main:cron:j:run:r9\u00a0"',
  '"agent:main:cron:j:run:\u00a0"',
  '"agent:main:cron:job-1"',
  '"agent:main:cron:j:runs:r1"',
  '"agent:main:hook:gmail"',
  '"agent:main:HOOK:x"',
  '"agent:main:hoo\u212a:y"',
  '"agent:main:hook:a:b"',
  '"agent:main:hook:\u3000"',
  '"agent:main:main"',
  '"agent:ops:telegram:dm:1"',
  '"cron:job:run:x"',
  '"\u{1f600}"',
  '""',
];

// Values of updatedAt around the cutoffs, and ones that count as 0 (missing, wrong type, huge).
const UPDATED_TOKENS = [
  null,
  String(CUTOFFS.cronRunsBefore),
  String((CUTOFFS.cronRunsBefore as number) - 1),
  String((CUTOFFS.cronRunsBefore as number) + 1),
  String(CUTOFFS.hooksBefore),
  String((CUTOFFS.hooksBefore as number) - 1),
  String(NOW),
  "0",
  "-0",
  "-5",
  "1e400",
  "-1e400",
  "1.7644e12",
  '"1764400000000"',
  "null",
  "[1]",
];

const ID_TOKENS = [
  null,
  '"s1"',
  '"s2"',
  '"S1"',
  '""',
  '"\\u0073\\u0031"', // "s1", escaped
  '"s\u00e9"',
  '"s\\u00e9"',
  '"\u{1f600}"',
  "7",
  '"shared-id-that-is-longer-than-sixteen"',
];

const FILE_TOKENS = [null, '"s1.jsonl"', '"/abs/s2.jsonl"', '"sub\\/s\u00e9.jsonl"', "false"];

const member = fc.record({
  key: fc.constantFrom(...KEY_TOKENS),
  updated: fc.constantFrom(...UPDATED_TOKENS),
  updatedAgain: fc.constantFrom(null, null, null, ...UPDATED_TOKENS.slice(1)),
  id: fc.constantFrom(...ID_TOKENS),
  file: fc.constantFrom(...FILE_TOKENS),
});

type Member = typeof member extends fc.Arbitrary<infer T> ? T : never;

/** A store file with these members, in order (a repeated key token is a duplicate key). */
function storeText(members: Member[]): string {
  const lines = members.map((m) => {
    const fields = [`"model": {"updatedAt": 1, "sessionId": "nested"}`];
    if (m.id !== null) fields.push(`"sessionId": ${m.id}`);
    if (m.updated !== null) fields.push(`"updatedAt": ${m.updated}`);
    if (m.file !== null) fields.push(`"sessionFile": ${m.file}`);
    // A field given twice: the last one counts, as in JSON.parse.
    if (m.updatedAgain !== null) fields.push(`"updatedAt": ${m.updatedAgain}`);
    return `  ${m.key}: {\n    ${fields.join(",\n    ")}\n  }`;
  });
  return `{\n${lines.join(",\n")}\n}\n`;
}

/** What the age rule decides for one parsed entry: whether it goes, and its age base. */
function reference(key: string, entry: Record<string, unknown>, cutoffs: AgeCutoffs) {
  const kind = classifySessionKey(key);
  const cutoff =
    kind === "cron-run" ? cutoffs.cronRunsBefore : kind === "hook" ? cutoffs.hooksBefore : null;
  const at = entry.updatedAt;
  const base = typeof at === "number" && Number.isFinite(at) ? at : 0;
  return { kind, cutoff, base, removed: cutoff !== null && base < cutoff };
}

function keptReferences(result: RemoveEntriesResult) {
  return {
    ids: [...result.remainingSessionIds],
    files: [...result.remainingSessionFiles],
  };
}

describe("removeSessionEntries by age ({ olderThan })", () => {
  const dir = useTempDir();

  it("removes, keeps and reports exactly what the rule gives on the parsed store", async () => {
    const storePath = () => join(dir(), "sessions.json");
    const twinPath = () => join(dir(), "twin.json");
    let removedSome = 0;
    await fc.assert(
      fc.asyncProperty(
        fc.array(member, { maxLength: 30 }),
        fc.constantFrom<AgeCutoffs>(
          CUTOFFS,
          { cronRunsBefore: CUTOFFS.cronRunsBefore, hooksBefore: null },
          { cronRunsBefore: null, hooksBefore: CUTOFFS.hooksBefore },
          { cronRunsBefore: Number.POSITIVE_INFINITY, hooksBefore: 1 },
          { cronRunsBefore: null, hooksBefore: null },
        ),
        fc.boolean(),
        async (members, cutoffs, dryRun) => {
          const text = storeText(members);
          await writeFile(storePath(), text);
          await writeFile(twinPath(), text);
          const parsed = JSON.parse(text) as Record<string, Record<string, unknown>>;
          const decided = Object.entries(parsed).map(([key, entry]) => ({
            key,
            entry,
            ...reference(key, entry, cutoffs),
          }));

          const byAge = await removeSessionEntries(storePath(), { olderThan: cutoffs }, { dryRun });
          // The same decisions through the predicate, on the twin: same bytes, same report.
          const byView = await removeSessionEntries(
            twinPath(),
            (view: EntryView) => reference(view.key, { ...view }, cutoffs).removed,
            { dryRun },
          );

          const removedKeys = decided.filter((d) => d.removed).map((d) => d.key);
          expect(byAge.removed.map((view) => view.key)).toEqual(removedKeys);
          expect(byAge.removed).toEqual(byView.removed);
          expect(byAge.entries).toBe(decided.length);
          expect(byAge.written).toBe(!dryRun && removedKeys.length > 0);
          expect(await readFile(storePath(), "utf8")).toBe(await readFile(twinPath(), "utf8"));
          expect(byAge.bytesAfter).toBe(byView.bytesAfter);
          if (!dryRun) {
            const left = JSON.parse(await readFile(storePath(), "utf8")) as object;
            expect(Object.keys(left)).toEqual(decided.filter((d) => !d.removed).map((d) => d.key));
          }

          const kept = decided.filter((d) => !d.removed);
          const keptIds = kept.map((d) => d.entry.sessionId).filter((id) => typeof id === "string");
          const keptFiles = kept
            .map((d) => d.entry.sessionFile)
            .filter((f) => typeof f === "string");
          expect(keptReferences(byAge)).toEqual({
            ids: [...new Set(keptIds)],
            files: [...new Set(keptFiles)],
          });
          expect(keptReferences(byAge)).toEqual(keptReferences(byView));
          for (const id of ["s1", "s2", "S1", "", "s\u00e9", "\u{1f600}", "nested", "7", "s"]) {
            expect(byAge.remainingSessionIds.has(id)).toBe(keptIds.includes(id));
          }

          const oldest = (kind: string) => {
            const bases = kept
              .filter((d) => d.kind === kind && d.cutoff !== null)
              .map((d) => d.base);
            return bases.length === 0 ? null : Math.min(...bases);
          };
          expect(byAge.oldestKept).toEqual({ cronRun: oldest("cron-run"), hook: oldest("hook") });
          if (removedKeys.length > 0) removedSome++;
        },
      ),
      { numRuns: 300 },
    );
    // A generator that never removes anything would prove little.
    expect(removedSome).toBeGreaterThan(100);
  }, 60_000);

  it("reports nothing kept for a missing store, and refuses cutoffs that are not numbers", async () => {
    const missing = await removeSessionEntries(join(dir(), "none", "sessions.json"), {
      olderThan: CUTOFFS,
    });
    expect(missing.oldestKept).toEqual({ cronRun: null, hook: null });
    expect(missing.entries).toBe(0);
    for (const bad of [
      { cronRunsBefore: Number.NaN, hooksBefore: null },
      { cronRunsBefore: null, hooksBefore: "1" },
      { cronRunsBefore: 1 },
      null,
    ]) {
      await expect(
        removeSessionEntries(join(dir(), "sessions.json"), {
          olderThan: bad as unknown as AgeCutoffs,
        }),
      ).rejects.toThrow(/^olderThan\.(cronRunsBefore|hooksBefore) must be a number/);
    }
  });
});
