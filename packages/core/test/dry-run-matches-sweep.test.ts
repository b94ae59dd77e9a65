import { readdir } from "node:fs/promises";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { createReaper } from "../src/index";
import { createTempStore, entry, expectedStamp } from "./support/temp-store";

const HOUR = 3_600_000;
const NOW = Date.UTC(2026, 1, 14, 10, 30);

const entryArb = fc.record({
  key: fc.oneof(
    fc
      .tuple(fc.constantFrom("a", "b"), fc.constantFrom("j1", "j2"), fc.integer({ min: 1, max: 6 }))
      .map(([agent, job, run]) => `agent:${agent}:cron:${job}:run:${run}`),
    fc.constantFrom("agent:a:cron:j1", "agent:b:cron:j2", "agent:a:hook:h1", "agent:a:hook:h2"),
    fc.constantFrom("agent:a:telegram:dm:1", "agent:b:main"),
  ),
  sessionId: fc.constantFrom("s1", "s2", "s3", "s4", "s5", "s6"),
  ageHours: fc.integer({ min: 0, max: 60 }),
});
const retentionArb = fc.oneof(
  fc.constant(false as const),
  fc.integer({ min: 1, max: 48 }).map((h) => `${h}h`),
);
const scenarioArb = fc.record({
  entries: fc.array(entryArb, { maxLength: 20 }),
  transcripts: fc.subarray(["s1", "s2", "s3", "s4", "s5", "s6"]),
  archiveAgesHours: fc.array(fc.integer({ min: 0, max: 80 }), { maxLength: 4 }),
  cron: retentionArb,
  hooks: retentionArb,
  maxRunsPerJob: fc.option(fc.integer({ min: 1, max: 3 }), { nil: undefined }),
});

const sorted = (values: Iterable<string>) => [...values].sort();

describe("a dry run", () => {
  it("reports exactly what the real sweep then removes and archives", async () => {
    await fc.assert(
      fc.asyncProperty(scenarioArb, async (s) => {
        const t = await createTempStore();
        try {
          const store: Record<string, unknown> = {};
          for (const e of s.entries) store[e.key] = entry(e.sessionId, NOW - e.ageHours * HOUR);
          await t.write(store);
          for (const id of s.transcripts) await t.file(`${id}.jsonl`);
          for (const [i, age] of s.archiveAgesHours.entries()) {
            await t.file(`old-${i}.jsonl.deleted.${expectedStamp(NOW - age * HOUR)}`);
          }
          const cronConfig =
            s.maxRunsPerJob === undefined
              ? { sessionRetention: s.cron }
              : { sessionRetention: s.cron, maxRunsPerJob: s.maxRunsPerJob };
          const options = { cronConfig, hooksConfig: { sessionRetention: s.hooks } };
          const bytesBefore = await t.readBytes();
          const listingBefore = sorted(await readdir(t.dir));

          const dry = await createReaper(options).sweep(t.storePath, { nowMs: NOW, dryRun: true });
          expect(await t.readBytes()).toEqual(bytesBefore);
          expect(sorted(await readdir(t.dir))).toEqual(listingBefore);

          const real = await createReaper(options).sweep(t.storePath, { nowMs: NOW });
          expect(dry.error).toBeUndefined();
          expect(real.error).toBeUndefined();
          expect(dry.swept).toBe(real.swept);
          expect(sorted(dry.prunedKeys)).toEqual(sorted(real.prunedKeys));
          expect(dry.removed).toEqual(real.removed);
          expect(sorted(dry.archivedPaths)).toEqual(sorted(real.archivedPaths));
          expect(sorted(dry.archivesRemovedPaths)).toEqual(sorted(real.archivesRemovedPaths));

          // And the real sweep did what it reported.
          const remaining = Object.keys(await t.read());
          expect(sorted(real.prunedKeys)).toEqual(
            sorted(Object.keys(store).filter((k) => !remaining.includes(k))),
          );
          const listingAfter = await readdir(t.dir);
          for (const path of real.archivedPaths) {
            const name = path.slice(t.dir.length + 1);
            expect(listingAfter).not.toContain(name);
            expect(listingAfter).toContain(`${name}.deleted.${expectedStamp(NOW)}`);
          }
        } finally {
          await t.cleanup();
        }
      }),
      { numRuns: 40 },
    );
  }, 120_000);
});
