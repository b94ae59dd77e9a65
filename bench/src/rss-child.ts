// Child processes for the peak-RSS measurement.
//   node rss-child.js <mode> <storePath> <nowMs>  runs one store variant (or nothing, for
//     "baseline") and prints {maxRssKB, hwmKB, ...} as JSON on stdout;
//   node rss-child.js serve                         (forked with IPC) spawns such runs on request.
// Why the "serve" launcher: Linux carries a process's max RSS across fork+exec, so a child
// spawned straight from the benchmark (which holds fixtures in memory) would report at least
// the benchmark's own RSS. The launcher is forked while the benchmark is still small.
import { execFile } from "node:child_process";
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";

const [mode, storePath = "", nowArg = ""] = process.argv.slice(2);

/** Peak RSS of this address space (Linux VmHWM), independent of the fork-inherited maxRSS. */
function highWaterKB(): number | undefined {
  try {
    const match = /VmHWM:\s+(\d+) kB/.exec(readFileSync("/proc/self/status", "utf8"));
    return match ? Number(match[1]) : undefined;
  } catch {
    return undefined;
  }
}

async function measure(): Promise<Record<string, unknown>> {
  // Loaded here, not at the top, so the launcher stays small. Every mode loads the same modules,
  // so "baseline" is the cost of the process itself.
  const { STORE_VARIANTS } = await import("./store-variants");
  if (mode === "baseline") return {};
  const variant = STORE_VARIANTS.find((v) => v.id === mode);
  if (!variant) throw new Error(`rss-child: unknown mode ${JSON.stringify(mode)}`);
  const outcome = await variant.run(storePath, Number(nowArg));
  return { pruned: outcome.removed, error: outcome.error };
}

function serve(): void {
  const self = fileURLToPath(import.meta.url);
  process.on("message", (request: { id: number; args: string[] }) => {
    execFile(process.execPath, [self, ...request.args], (error, stdout, stderr) => {
      process.send?.({
        id: request.id,
        stdout,
        error: error ? `${error.message}\n${stderr}` : null,
      });
    });
  });
}

if (mode === "serve") {
  serve();
} else {
  measure().then(
    (extra) => {
      const maxRssKB = process.resourceUsage().maxRSS;
      process.stdout.write(JSON.stringify({ maxRssKB, hwmKB: highWaterKB(), ...extra }));
    },
    (error: unknown) => {
      console.error(error);
      process.exitCode = 1;
    },
  );
}
