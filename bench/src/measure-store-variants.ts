import { readFile } from "node:fs/promises";
import type { Fixture, FixtureCache } from "./fixture-cache";
import { median } from "./format-table";
import { STORE_VARIANTS, type StoreVariant, type VariantOutcome } from "./store-variants";

/** Timings of one variant over all rounds. */
export interface VariantTiming {
  id: StoreVariant["id"];
  label: string;
  timesMs: number[];
  medianMs: number;
  /** Last outcome (removed/archived counts), for the report. */
  outcome: VariantOutcome | undefined;
  /** Wrong results found while checking the outcomes; a non-empty list invalidates the timing. */
  problems: string[];
}

function expectedOutcome(variant: StoreVariant, fixture: Fixture): VariantOutcome {
  if (variant.id === "floor") return { removed: 0, archived: 0, archivesRemoved: 0 };
  if (variant.id !== "sweep")
    return { removed: fixture.expiredRunKeys, archived: 0, archivesRemoved: 0 };
  return {
    removed: fixture.expiredRunKeys,
    archived: fixture.expectedArchived,
    archivesRemoved: fixture.expectedArchivesRemoved,
  };
}

/**
 * Runs every variant `rounds` times on a fresh copy of the fixture (copying untimed), rotating
 * the order each round so no variant always runs first or right after a big copy, and checks
 * every outcome; in the first round it also compares the written bytes with the expected store.
 */
export async function measureStoreVariants(
  cache: FixtureCache,
  fixture: Fixture,
  options: { rounds: number; nowMs: number; gc: () => void },
): Promise<VariantTiming[]> {
  const timings = STORE_VARIANTS.map(
    (v): VariantTiming => ({
      id: v.id,
      label: v.label,
      timesMs: [],
      medianMs: Number.NaN,
      outcome: undefined,
      problems: [],
    }),
  );
  const original = await readFile(fixture.storePath);
  for (let round = 0; round < options.rounds; round++) {
    for (let i = 0; i < STORE_VARIANTS.length; i++) {
      const index = (i + round) % STORE_VARIANTS.length;
      const variant = STORE_VARIANTS[index] as StoreVariant;
      const timing = timings[index] as VariantTiming;
      const copy = await cache.copy(fixture);
      options.gc();
      const start = performance.now();
      const outcome = await variant.run(copy.storePath, options.nowMs);
      timing.timesMs.push(performance.now() - start);
      timing.outcome = outcome;
      const expected = expectedOutcome(variant, fixture);
      if (outcome.error) timing.problems.push(`round ${round}: ${outcome.error}`);
      for (const field of ["removed", "archived", "archivesRemoved"] as const) {
        if (outcome[field] !== expected[field]) {
          timing.problems.push(
            `round ${round}: ${field} ${outcome[field]}, expected ${expected[field]}`,
          );
        }
      }
      if (round === 0) {
        const written = await readFile(copy.storePath);
        const want = variant.id === "floor" ? original : fixture.expectedAfter;
        if (!written.equals(want))
          timing.problems.push("written store differs from the expected bytes");
      }
      await copy.remove();
    }
  }
  for (const timing of timings) timing.medianMs = median(timing.timesMs);
  return timings;
}
