import { parseArgs } from "node:util";
import type { FixtureSpec } from "./fixture-cache";
import { intFlag } from "./int-flag";

/** Benchmark sections that `--only` can select. */
export type Section = "f1" | "f2" | "custom" | "keys" | "rss";
const SECTIONS: readonly Section[] = ["f1", "f2", "custom", "keys", "rss"];

/** Parsed command line of the benchmark runner. */
export interface BenchFlags {
  help: boolean;
  sections: Set<Section>;
  rounds: number;
  keyCount: number;
  f1: FixtureSpec;
  f2: FixtureSpec;
  custom: FixtureSpec | undefined;
}

/** SPEC §5 fixtures: F1 20,000 × ~700 B (≈13 MB), F2 3,000 × ~36 KB (≈105 MB). */
export const F1 = { name: "F1", entries: 20_000, bytesPerEntry: 700 } as const;
export const F2 = { name: "F2", entries: 3_000, bytesPerEntry: 36 * 1024 } as const;

export const BENCH_USAGE = `usage: node bench/dist/run.js [options]
  --only <list>           comma-separated sections: f1, f2, custom, keys, rss (default: all but custom)
  --rounds <n>            rounds per variant, median reported (default 5)
  --entries <n>           custom fixture: entries (selects the custom fixture)
  --bytes-per-entry <b>   custom fixture: bytes per entry (default 700)
  --seed <s>              fixture seed (default 1)
  --keys <n>              keys for the classification benchmark (default 1000000)`;

/**
 * Parses the runner's flags. A custom size (`--entries`/`--bytes-per-entry`) replaces F1/F2
 * unless `--only` says otherwise, and `rss` then measures the custom fixture. Throws an Error
 * with a one-line message for unknown flags or bad values.
 */
export function parseBenchFlags(argv: readonly string[]): BenchFlags {
  const { values } = parseArgs({
    args: [...argv],
    options: {
      only: { type: "string", multiple: true },
      rounds: { type: "string" },
      entries: { type: "string" },
      "bytes-per-entry": { type: "string" },
      seed: { type: "string" },
      keys: { type: "string" },
      help: { type: "boolean", short: "h" },
    },
  });
  const seed = intFlag("seed", values.seed, 1);
  const customized = values.entries !== undefined || values["bytes-per-entry"] !== undefined;
  const custom = customized
    ? {
        name: "custom",
        entries: intFlag("entries", values.entries, F1.entries),
        bytesPerEntry: intFlag("bytes-per-entry", values["bytes-per-entry"], F1.bytesPerEntry),
        seed,
      }
    : undefined;
  const requested = (values.only ?? []).flatMap((v) => v.split(",")).map((v) => v.trim());
  for (const section of requested) {
    if (!SECTIONS.includes(section as Section)) {
      throw new Error(
        `--only: unknown section ${JSON.stringify(section)} (use ${SECTIONS.join(", ")})`,
      );
    }
  }
  const defaults: Section[] = custom ? ["custom", "rss"] : ["f1", "f2", "keys", "rss"];
  const sections = new Set(requested.length > 0 ? (requested as Section[]) : defaults);
  if (sections.has("custom") && !custom)
    throw new Error("--only custom needs --entries or --bytes-per-entry");
  const rounds = intFlag("rounds", values.rounds, 5);
  if (rounds < 1) throw new Error("--rounds must be at least 1");
  return {
    help: values.help ?? false,
    sections,
    rounds,
    keyCount: intFlag("keys", values.keys, 1_000_000),
    f1: { ...F1, seed },
    f2: { ...F2, seed },
    custom,
  };
}
