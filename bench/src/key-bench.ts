import { isCronRunSessionKey } from "@session-reaper/session-key";
import { median } from "./format-table";
import { generateMixedKeys } from "./mixed-keys";
import { naiveIsCronRunSessionKey } from "./naive-cron-run-key";

/** Result of {@link runKeyBench}. */
export interface KeyBenchResult {
  keys: number;
  cronRunKeys: number;
  libraryMs: number;
  naiveMs: number;
  libraryKeysPerSec: number;
  naiveKeysPerSec: number;
  /** Keys the two implementations classify differently (must be 0), with a few examples. */
  mismatches: number;
  mismatchExamples: { key: string; library: boolean; naive: boolean }[];
}

// One loop per implementation with a direct call, so neither pays for a polymorphic call site.
function libraryPass(keys: readonly string[]): number {
  let hits = 0;
  for (let i = 0; i < keys.length; i++) if (isCronRunSessionKey(keys[i])) hits++;
  return hits;
}

function naivePass(keys: readonly string[]): number {
  let hits = 0;
  for (let i = 0; i < keys.length; i++) if (naiveIsCronRunSessionKey(keys[i])) hits++;
  return hits;
}

function timed(pass: (keys: readonly string[]) => number, keys: readonly string[]) {
  const start = performance.now();
  const hits = pass(keys);
  return { ms: performance.now() - start, hits };
}

/**
 * Classifies `count` generated keys with the library and the naive implementation, alternating
 * over `rounds` rounds (median), after an untimed warm-up/agreement pass. Throws nothing.
 */
export function runKeyBench(options: { count: number; rounds: number; seed: number }) {
  const keys = generateMixedKeys(options.count, options.seed);
  const mismatchExamples: KeyBenchResult["mismatchExamples"] = [];
  let mismatches = 0;
  // The agreement pass doubles as warm-up: both functions get optimised and every key string is
  // flattened before anything is timed.
  for (const key of keys) {
    const library = isCronRunSessionKey(key);
    const naive = naiveIsCronRunSessionKey(key);
    if (library !== naive) {
      mismatches++;
      if (mismatchExamples.length < 5) mismatchExamples.push({ key, library, naive });
    }
  }
  const libraryTimes: number[] = [];
  const naiveTimes: number[] = [];
  let cronRunKeys = 0;
  for (let round = 0; round < options.rounds; round++) {
    const order = round % 2 === 0 ? [libraryPass, naivePass] : [naivePass, libraryPass];
    for (const pass of order) {
      const { ms, hits } = timed(pass, keys);
      (pass === libraryPass ? libraryTimes : naiveTimes).push(ms);
      if (pass === libraryPass) cronRunKeys = hits;
    }
  }
  const libraryMs = median(libraryTimes);
  const naiveMs = median(naiveTimes);
  return {
    keys: keys.length,
    cronRunKeys,
    libraryMs,
    naiveMs,
    libraryKeysPerSec: keys.length / (libraryMs / 1000),
    naiveKeysPerSec: keys.length / (naiveMs / 1000),
    mismatches,
    mismatchExamples,
  } satisfies KeyBenchResult;
}
