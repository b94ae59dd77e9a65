// CPU profile of one store variant, without fixture generation and copying in it:
//   node bench/dist/profile.js [--variant sweep|remove|naive|floor] [--entries N]
//     [--bytes-per-entry B] [--repeat N] [--top N] [--out file.cpuprofile]
// Writes a .cpuprofile (open it in Chrome DevTools) and prints the top functions.
import { mkdtemp, writeFile } from "node:fs/promises";
import { Session } from "node:inspector/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { F1 } from "./bench-flags";
import { createFixtureCache } from "./fixture-cache";
import { formatTable, ms } from "./format-table";
import { intFlag } from "./int-flag";
import { STORE_VARIANTS } from "./store-variants";
import { type CpuProfile, summarizeCpuProfile } from "./summarize-cpu-profile";

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      variant: { type: "string", default: "sweep" },
      entries: { type: "string" },
      "bytes-per-entry": { type: "string" },
      repeat: { type: "string" },
      top: { type: "string" },
      out: { type: "string" },
    },
  });
  const variant = STORE_VARIANTS.find((v) => v.id === values.variant);
  if (!variant)
    throw new Error(`--variant must be one of ${STORE_VARIANTS.map((v) => v.id).join(", ")}`);
  const entries = intFlag("entries", values.entries, F1.entries);
  const bytesPerEntry = intFlag("bytes-per-entry", values["bytes-per-entry"], F1.bytesPerEntry);
  const repeat = Math.max(1, intFlag("repeat", values.repeat, 5));
  const nowMs = Date.now();
  const cache = createFixtureCache(await mkdtemp(join(tmpdir(), "session-reaper-profile-")), nowMs);
  try {
    const fixture = await cache.get({ name: "profile", entries, bytesPerEntry, seed: 1 });
    const warmUp = await cache.copy(fixture);
    await variant.run(warmUp.storePath, nowMs);
    const copies = await Promise.all(Array.from({ length: repeat }, () => cache.copy(fixture)));
    const session = new Session();
    session.connect();
    await session.post("Profiler.enable");
    await session.post("Profiler.setSamplingInterval", { interval: 100 });
    await session.post("Profiler.start");
    const wall: number[] = [];
    for (const copy of copies) {
      const start = performance.now();
      await variant.run(copy.storePath, nowMs);
      wall.push(performance.now() - start);
    }
    const { profile } = (await session.post("Profiler.stop")) as { profile: CpuProfile };
    session.disconnect();
    const out = values.out ?? `${variant.id}-${entries}x${bytesPerEntry}.cpuprofile`;
    await writeFile(out, JSON.stringify(profile));
    const { totalMs, functions } = summarizeCpuProfile(profile);
    const top = intFlag("top", values.top, 25);
    const per = (t: number) => ms(t / repeat);
    console.log(
      `${variant.label} on ${entries} × ${bytesPerEntry} B, ${repeat} runs: wall ${wall.map(ms).join(", ")} ms; ` +
        `profile ${ms(totalMs)} ms (written to ${out}); times below are per run`,
    );
    for (const [title, key] of [
      ["self", "selfMs"],
      ["inclusive", "totalMs"],
    ] as const) {
      const rows = [...functions].sort((a, b) => b[key] - a[key]).slice(0, top);
      console.log(`\nTop ${top} by ${title} time\n`);
      console.log(
        formatTable(
          ["function", "self ms", "total ms"],
          rows.map((f) => [f.name, per(f.selfMs), per(f.totalMs)]),
        ),
      );
    }
  } finally {
    await cache.dispose();
  }
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exitCode = 2;
});
