// Benchmark runner (`pnpm bench`): SPEC §5. Prints Markdown; exits 1 only when a result is
// wrong (never because of timing).
import { rmSync } from "node:fs";
import { mkdtemp } from "node:fs/promises";
import { cpus, loadavg, tmpdir, totalmem } from "node:os";
import { join } from "node:path";
import { setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";
import { BENCH_USAGE, type BenchFlags, parseBenchFlags } from "./bench-flags";
import { createFixtureCache, type Fixture, type FixtureCache } from "./fixture-cache";
import { formatTable, mb, ms } from "./format-table";
import { measurePeakRss, type RssLauncher, startRssLauncher } from "./measure-peak-rss";

const SWEEP_TARGET = 3;
const RSS_LABELS = {
  baseline: "baseline (modules loaded, no work)",
  sweep: "forced sweep",
  naive: "naive parse + stringify",
} as const;
const RSS_HEADROOM_BYTES = 100 * 2 ** 20;

interface Verdict {
  target: string;
  measured: string;
  pass: boolean;
}

const out = (text = "") => process.stdout.write(`${text}\n`);
const verdict = (pass: boolean) => (pass ? "PASS" : "FAIL");
const num = (n: number) => n.toLocaleString("en-US");

// A GC before each timed run keeps one variant's garbage from being collected on another's clock.
function exposeGc(): () => void {
  setFlagsFromString("--expose-gc");
  return runInNewContext("gc") as () => void;
}

function describeMachine(rounds: number): string {
  const cpu = cpus();
  const load = loadavg()
    .map((l) => l.toFixed(2))
    .join(" ");
  return (
    `Machine: ${cpu.length} × ${cpu[0]?.model.trim() ?? "unknown CPU"}, ` +
    `${(totalmem() / 2 ** 30).toFixed(1)} GB RAM, Node ${process.version} (${process.platform} ` +
    `${process.arch}); load average ${load}; ${new Date().toISOString()}; ${rounds} rounds`
  );
}

async function benchFixture(
  cache: FixtureCache,
  fixture: Fixture,
  flags: BenchFlags,
  nowMs: number,
  gc: () => void,
): Promise<{ verdicts: Verdict[]; problems: string[] }> {
  const { measureStoreVariants } = await import("./measure-store-variants");
  const checks = await import("./skip-checks");
  out(
    `## ${fixture.name}: ${num(fixture.entries)} entries × ~${num(fixture.bytesPerEntry)} B = ` +
      `${mb(fixture.bytes)} (${num(fixture.expiredRunKeys)} expired cron runs; generated in ` +
      `${ms(fixture.generateMs)} ms)`,
  );
  out();
  const timings = await measureStoreVariants(cache, fixture, { rounds: flags.rounds, nowMs, gc });
  out(
    formatTable(
      ["variant", "median ms", "min ms", "max ms", "removed", "archived", "archives deleted"],
      timings.map((t) => [
        t.label,
        ms(t.medianMs),
        ms(Math.min(...t.timesMs)),
        ms(Math.max(...t.timesMs)),
        num(t.outcome?.removed ?? 0),
        num(t.outcome?.archived ?? 0),
        num(t.outcome?.archivesRemoved ?? 0),
      ]),
    ),
  );
  const [floor, naive, remove, sweep] = timings.map((t) => t.medianMs) as [
    number,
    number,
    number,
    number,
  ];
  const sweepRatio = sweep / floor;
  out();
  out(
    `Ratios (medians): 3/1 remove/floor = ${(remove / floor).toFixed(2)}×, ` +
      `4/1 sweep/floor = ${sweepRatio.toFixed(2)}×, 2/4 naive/sweep = ${(naive / sweep).toFixed(2)}× ` +
      `(naive/floor = ${(naive / floor).toFixed(2)}×)`,
  );
  const problems = timings.flatMap((t) =>
    t.problems.map((p) => `${fixture.name} ${t.label}: ${p}`),
  );
  const results = [
    await checks.checkNoWriteWhenNothingExpired(cache, fixture, nowMs),
    await checks.checkNoReadWhenUnchanged(cache, fixture, nowMs),
  ];
  out();
  for (const r of results) {
    out(`- ${verdict(r.pass)} ${r.name}: ${r.detail}`);
    if (!r.pass) problems.push(`${fixture.name} ${r.name}: ${r.detail}`);
  }
  for (const p of problems) out(`- WRONG RESULT ${p}`);
  out();
  return {
    verdicts: [
      {
        target: `${fixture.name} sweep ≤ ${SWEEP_TARGET}× floor`,
        measured: `${sweepRatio.toFixed(2)}× (${ms(sweep)} / ${ms(floor)} ms)`,
        pass: sweepRatio <= SWEEP_TARGET,
      },
      ...results.map((r) => ({ target: `${fixture.name} ${r.name}`, measured: "", pass: r.pass })),
    ],
    problems,
  };
}

async function benchRss(
  launcher: RssLauncher,
  cache: FixtureCache,
  fixture: Fixture,
  nowMs: number,
) {
  const rows = await measurePeakRss(launcher, cache, fixture, nowMs);
  const limit = 2 * fixture.bytes + RSS_HEADROOM_BYTES;
  out(`## Peak RSS, ${fixture.name} (${mb(fixture.bytes)}), fresh process per row`);
  out();
  out(
    formatTable(
      ["operation", "peak RSS (maxRSS)", "× store size", "VmHWM", "pruned"],
      rows.map((r) => [
        RSS_LABELS[r.mode],
        mb(r.maxRssBytes),
        (r.maxRssBytes / fixture.bytes).toFixed(2),
        r.highWaterBytes === undefined ? "n/a" : mb(r.highWaterBytes),
        r.error ? `error ${r.error}` : r.pruned === undefined ? "" : num(r.pruned),
      ]),
    ),
  );
  const sweep = rows.find((r) => r.mode === "sweep");
  const pass = sweep !== undefined && !sweep.error && sweep.maxRssBytes <= limit;
  out();
  out(
    `Target: sweep peak RSS ≤ 2 × ${mb(fixture.bytes)} + 100 MB = ${mb(limit)} → ${verdict(pass)}`,
  );
  out();
  const problems =
    sweep?.pruned === fixture.expiredRunKeys
      ? []
      : [
          `RSS sweep pruned ${sweep?.pruned} (${sweep?.error ?? "no error"}), expected ${fixture.expiredRunKeys}`,
        ];
  return {
    verdicts: [
      {
        target: `${fixture.name} sweep peak RSS ≤ 2 × store + 100 MB`,
        measured: `${mb(sweep?.maxRssBytes ?? Number.NaN)} (limit ${mb(limit)})`,
        pass,
      },
    ],
    problems,
  };
}

async function benchKeys(flags: BenchFlags) {
  const { runKeyBench } = await import("./key-bench");
  const r = runKeyBench({ count: flags.keyCount, rounds: flags.rounds, seed: 1 });
  out(`## isCronRunSessionKey over ${num(r.keys)} mixed keys (${num(r.cronRunKeys)} cron runs)`);
  out();
  out(
    formatTable(
      ["implementation", "median ms", "keys/s"],
      [
        ["@session-reaper/session-key", ms(r.libraryMs), num(Math.round(r.libraryKeysPerSec))],
        [
          "naive (trim/lower/split/filter/join/regex)",
          ms(r.naiveMs),
          num(Math.round(r.naiveKeysPerSec)),
        ],
      ],
    ),
  );
  out();
  out(
    `Speed-up ${(r.naiveMs / r.libraryMs).toFixed(1)}×; disagreements: ${r.mismatches}` +
      r.mismatchExamples
        .map((m) => `\n  - ${JSON.stringify(m.key)}: library ${m.library}, naive ${m.naive}`)
        .join(""),
  );
  out();
  return {
    verdicts: [
      {
        target: "key classifiers agree",
        measured: `${r.mismatches} mismatches`,
        pass: r.mismatches === 0,
      },
    ],
    problems: r.mismatches === 0 ? [] : [`${r.mismatches} key classification mismatches`],
  };
}

async function main(): Promise<number> {
  const flags = parseBenchFlags(process.argv.slice(2));
  if (flags.help) {
    out(BENCH_USAGE);
    return 0;
  }
  const gc = exposeGc();
  // Forked first, while this process is small (see rss-child.ts).
  const launcher = flags.sections.has("rss") ? startRssLauncher() : undefined;
  const nowMs = Date.now();
  const started = performance.now();
  const root = await mkdtemp(join(tmpdir(), "session-reaper-bench-"));
  const cache = createFixtureCache(root, nowMs);
  // Interrupted runs must not leave ~120 MB of fixtures behind in the temp dir.
  process.once("SIGINT", () => {
    rmSync(root, { recursive: true, force: true });
    process.exit(130);
  });
  const verdicts: Verdict[] = [];
  const problems: string[] = [];
  const collect = (r: { verdicts: Verdict[]; problems: string[] }) => {
    verdicts.push(...r.verdicts);
    problems.push(...r.problems);
  };
  out("# session-reaper benchmark");
  out();
  out(describeMachine(flags.rounds));
  out();
  try {
    const specs = [
      flags.sections.has("f1") ? flags.f1 : undefined,
      flags.sections.has("f2") ? flags.f2 : undefined,
      flags.sections.has("custom") ? flags.custom : undefined,
    ];
    for (const spec of specs) {
      if (spec) collect(await benchFixture(cache, await cache.get(spec), flags, nowMs, gc));
    }
    if (launcher) {
      collect(await benchRss(launcher, cache, await cache.get(flags.custom ?? flags.f2), nowMs));
    }
    if (flags.sections.has("keys")) collect(await benchKeys(flags));
  } finally {
    launcher?.close();
    await cache.dispose();
  }
  out("## Summary against SPEC §5 (timing never fails the run)");
  out();
  out(
    formatTable(
      ["target", "measured", "result"],
      verdicts.map((v) => [v.target, v.measured, verdict(v.pass)]),
    ),
  );
  out();
  out(`Total time ${((performance.now() - started) / 1000).toFixed(1)} s.`);
  if (problems.length > 0) {
    out(`${problems.length} wrong result(s) — see WRONG RESULT lines above.`);
    return 1;
  }
  return 0;
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    console.error(error instanceof Error ? error.message : error);
    process.exitCode = 2;
  },
);
