import { readdir } from "node:fs/promises";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { createFileBackend, createReaper, type SessionStoreBackend } from "../src/index";
import { createTempStore, entry } from "./support/temp-store";

const HOUR = 3_600_000;
const NOW = Date.UTC(2026, 1, 14, 10, 30);

// Keys of every kind, spelled as classification allows (case, empty segments, spaces, the
// Kelvin sign, non-ASCII ids), so that byte-level and string-level classification both count.
const keyArb = fc.oneof(
  fc
    .tuple(
      fc.constantFrom(
        "agent:a:cron:j1:run:",
        "AGENT:b:Cron:j2:RUN:",
        "::agent:a::cron:j\u00fc:run:",
      ),
      fc.integer({ min: 1, max: 6 }),
      fc.constantFrom("", " ", "\t", "\u00a0", ":thread:1"),
    )
    .map(([head, run, tail]) => `${head}${run}${tail}`),
  fc.constantFrom("agent:a:cron:j1", "agent:a:cron:j1:run:\u3000", "agent:a:cron:j1:runs:1"),
  fc.constantFrom("agent:a:hook:h1", "agent:a:HOOK:h2", "agent:a:hoo\u212a:h3", "agent:a:hook:a:b"),
  fc.constantFrom("agent:a:telegram:dm:1", "agent:b:main", "main", "\u{1f600}"),
);

const entryArb = fc.record({
  key: keyArb,
  sessionId: fc.constantFrom("s1", "s2", "s3", "s\u00e94", "s5"),
  // Stamps on both sides of every retention used, often right at its edge (whole hours, ±1 ms),
  // and missing or non-numeric ones.
  updated: fc.oneof(
    fc
      .tuple(fc.integer({ min: 0, max: 9 }), fc.constantFrom(-1, 0, 1))
      .map(([h, ms]) => NOW - h * HOUR + ms),
    fc.constantFrom(undefined, "yesterday", Number.MAX_VALUE, -1),
  ),
  sessionFile: fc.constantFrom(undefined, undefined, "s1.jsonl", "other/s2.jsonl"),
});

const retentionArb = fc.oneof(
  { weight: 1, arbitrary: fc.constant(false as const) },
  { weight: 3, arbitrary: fc.integer({ min: 1, max: 8 }).map((h) => `${h}h`) },
);

/** The file backend as a backend without removeByAge sees it: every view through the predicate. */
function withoutRemoveByAge(): SessionStoreBackend {
  const { removeByAge: _unused, ...file } = createFileBackend();
  return file;
}

describe("a sweep through the file backend's removeByAge", () => {
  it("removes, reports and archives what the same sweep through its views does", async () => {
    const prunedKinds = new Set<string>();
    await fc.assert(
      fc.asyncProperty(
        fc.array(entryArb, { maxLength: 24 }),
        retentionArb,
        retentionArb,
        fc.boolean(),
        async (entries, cron, hooks, dryRun) => {
          const byAge = await createTempStore();
          const byView = await createTempStore();
          try {
            const store: Record<string, unknown> = {};
            for (const e of entries) {
              const { updatedAt: _stamp, ...rest } = entry(e.sessionId, 0);
              const value: Record<string, unknown> = { ...rest };
              if (e.updated !== undefined) value.updatedAt = e.updated;
              if (e.sessionFile !== undefined) value.sessionFile = e.sessionFile;
              store[e.key] = value;
            }
            const options = {
              cronConfig: { sessionRetention: cron },
              hooksConfig: { sessionRetention: hooks },
            };
            for (const t of [byAge, byView]) {
              await t.write(store);
              for (const id of ["s1", "s2", "s3", "s\u00e94"]) await t.file(`${id}.jsonl`);
            }
            const fast = await createReaper(options).sweep(byAge.storePath, { nowMs: NOW, dryRun });
            const slow = await createReaper({ ...options, backend: withoutRemoveByAge() }).sweep(
              byView.storePath,
              { nowMs: NOW, dryRun },
            );
            expect(fast.error).toBeUndefined();
            const { durationMs: _a, storePath: _b, archivedPaths: fastPaths, ...fastRest } = fast;
            const { durationMs: _c, storePath: _d, archivedPaths: slowPaths, ...slowRest } = slow;
            expect(fastRest).toEqual(slowRest);
            const names = (paths: string[], dir: string) =>
              paths.map((path) => path.slice(dir.length + 1)).sort();
            expect(names(fastPaths, byAge.dir)).toEqual(names(slowPaths, byView.dir));
            expect(await byAge.readBytes()).toEqual(await byView.readBytes());
            expect((await readdir(byAge.dir)).sort()).toEqual((await readdir(byView.dir)).sort());
            for (const { key } of fast.removed) {
              prunedKinds.add(/:ho/i.test(key) ? "hook" : "run");
            }
          } finally {
            await byAge.cleanup();
            await byView.cleanup();
          }
        },
      ),
      { numRuns: 150 },
    );
    // A generator that never expires both kinds would prove little.
    expect([...prunedKinds].sort()).toEqual(["hook", "run"]);
  }, 60_000);

  it("is used, with the warning, when maxRunsPerJob meets a backend without removeSelected", async () => {
    const t = await createTempStore();
    try {
      await t.write({
        "agent:a:cron:j:run:1": entry("s1", NOW - 30 * HOUR),
        "agent:a:cron:j:run:2": entry("s2", NOW - HOUR),
        "agent:a:cron:j:run:3": entry("s3", NOW - 2 * HOUR),
      });
      const { removeSelected: _unused, removeByAge, ...file } = createFileBackend();
      if (!removeByAge) throw new Error("the file backend removes by age");
      let byAge = 0;
      const backend: SessionStoreBackend = {
        ...file,
        removeByAge: (...args) => {
          byAge++;
          return removeByAge(...args);
        },
      };
      const warnings: string[] = [];
      const logger = {
        debug: () => {},
        info: () => {},
        warn: (_fields: object, message?: string) => {
          warnings.push(message ?? "");
        },
        error: () => {},
      };
      const cronConfig = { sessionRetention: "24h", maxRunsPerJob: 1 };
      const result = await createReaper({ cronConfig, backend, logger }).sweep(t.storePath, {
        nowMs: NOW,
      });
      // Only the age rule applied: run 3 stays although the cap would remove it.
      expect(result).toMatchObject({ swept: true, prunedKeys: ["agent:a:cron:j:run:1"] });
      expect(byAge).toBe(1);
      expect(warnings).toEqual([
        "session store backend cannot apply maxRunsPerJob; only retention rules used",
      ]);
    } finally {
      await t.cleanup();
    }
  });
});
