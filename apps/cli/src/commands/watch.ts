import { createFileBackend, createReaper, type ReaperResult } from "@session-reaper/core";
import type { CliIo } from "../cli-io";
import type { WatchOptions } from "../command-options";
import { type CliLogger, createCliLogger } from "../create-cli-logger";
import { toPolicyReport } from "../policy-report";
import { resolvePolicy } from "../resolve-policy";
import { resolveStoreTargets, type StoreSelection } from "../resolve-store-targets";
import { isUsageError } from "../usage-error";

/** Default time between two sweeps: the reaper's own throttle, 5 min. */
const DEFAULT_INTERVAL_MS = 5 * 60 * 1000;
const STOP_SIGNALS: NodeJS.Signals[] = ["SIGINT", "SIGTERM"];
/** The longest delay setTimeout honours (2^31 - 1 ms). */
const MAX_TIMER_MS = 2 ** 31 - 1;

function logResult(logger: CliLogger, sweep: number, r: ReaperResult): void {
  const fields = {
    sweep,
    storePath: r.storePath,
    removed: r.pruned,
    transcriptsArchived: r.archived,
    archivesDeleted: r.archivesRemoved,
    entriesBefore: r.entriesBefore,
    entriesAfter: r.entriesAfter,
    bytesBefore: r.bytesBefore,
    bytesAfter: r.bytesAfter,
    durationMs: Math.round(r.durationMs),
    dryRun: r.dryRun,
  };
  if (r.error) logger.error({ ...fields, err: r.error }, "store could not be swept");
  else if (r.skipped) logger.debug({ ...fields, skipped: r.skipped }, "store skipped");
  // Quiet rounds stay quiet at info: the "sweep finished" line already says nothing was removed.
  else if (r.pruned === 0) logger.debug(fields, "store swept");
  else logger.info(fields, r.dryRun ? "store checked (dry run)" : "store swept");
}

/**
 * Re-lists the stores before each sweep so agents added later are picked up. A state dir that
 * vanished is logged, not fatal: watch keeps going and sweeps nothing until it is back.
 */
async function currentStores(options: WatchOptions, io: CliIo, logger: CliLogger) {
  try {
    return (await resolveStoreTargets(options, io)).stores;
  } catch (error) {
    if (!isUsageError(error)) throw error;
    logger.warn({ problem: error.message }, "no stores to sweep this time");
    return [];
  }
}

/**
 * `session-reaper watch`: validates first (UsageError → exit 2), sweeps at once and then every
 * `--interval` after the previous sweep ends. On SIGINT/SIGTERM it lets the running sweep finish
 * and resolves to 0. Failed stores are logged and retried on the next round.
 */
export async function runWatch(options: WatchOptions, io: CliIo): Promise<number> {
  const resolved = await resolvePolicy(options, io.cwd);
  const first: StoreSelection = await resolveStoreTargets(options, io);
  const intervalMs = options.interval ?? DEFAULT_INTERVAL_MS;
  const level = options.logLevel ?? "info";
  const logger = await createCliLogger(level, io);
  // The interval is the throttle: each round sweeps, except stores unchanged since the last
  // round with nothing due (core skips those with a stat only), so short intervals stay cheap.
  const reaper = createReaper({
    cronConfig: resolved.cronConfig,
    hooksConfig: resolved.hooksConfig,
    backend: createFileBackend(
      options.lockTimeout === undefined ? {} : { timeoutMs: options.lockTimeout },
    ),
    // At info, watch logs one line per store itself; the reaper's own info lines would repeat
    // them, so it only speaks up for warnings (or everything at debug/trace).
    logger: logger.child({ component: "reaper" }, { level: level === "info" ? "warn" : level }),
    minIntervalMs: 0,
  });

  const signals = io.signals ?? process;
  let stopping = false;
  let wake: (() => void) | null = null;
  const onSignal = (signal: NodeJS.Signals) => () => {
    stopping = true;
    // Only the first signal is ours; a second Ctrl-C gets Node's default (immediate exit).
    for (const [name, listener] of listeners) signals.removeListener(name, listener);
    logger.info({ signal }, "stopping after the current sweep");
    wake?.();
  };
  const listeners = STOP_SIGNALS.map((name) => [name, onSignal(name)] as const);
  for (const [name, listener] of listeners) signals.once(name, listener);

  logger.info(
    {
      stateDir: first.stateDir,
      stores: first.stores.length,
      intervalMs,
      policy: toPolicyReport(resolved),
    },
    "watching session stores",
  );
  try {
    for (let sweep = 1; !stopping; sweep += 1) {
      const stores = sweep === 1 ? first.stores : await currentStores(options, io, logger);
      const results = await reaper.sweepAll(
        stores.map((s) => s.storePath),
        { dryRun: options.dryRun === true, nowMs: Date.now() },
      );
      for (const result of results) logResult(logger, sweep, result);
      logger.info(
        {
          sweep,
          stores: results.length,
          removed: results.reduce((n, r) => n + r.pruned, 0),
          failed: results.filter((r) => r.error).length,
        },
        "sweep finished",
      );
      if (stopping) break;
      await new Promise<void>((resolve) => {
        // setTimeout fires at once for delays above MAX_TIMER_MS (about 24.8 days), so a longer
        // interval is waited out in steps.
        const due = Date.now() + intervalMs;
        let timer: NodeJS.Timeout | undefined;
        const arm = () => {
          const left = due - Date.now();
          if (left <= 0) resolve();
          else timer = setTimeout(arm, Math.min(left, MAX_TIMER_MS));
        };
        wake = () => {
          clearTimeout(timer);
          resolve();
        };
        arm();
      });
      wake = null;
    }
  } finally {
    for (const [name, listener] of listeners) signals.removeListener(name, listener);
  }
  logger.info("stopped");
  return 0;
}
