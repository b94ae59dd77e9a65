import { resolve } from "node:path";
import {
  type CronConfig,
  createReaper,
  emptyReaperResult,
  type HooksConfig,
  type LogFn,
  type Logger,
  type ReaperResult,
  reaperErrorInfo,
  type SessionStoreBackend,
  silentLogger,
} from "@session-reaper/core";

/** Options of {@link createReaperPlugin}. Give `stores`, `resolveStores`, or both. */
export interface ReaperPluginOptions {
  /** Store files swept on every tick. */
  stores?: readonly string[];
  /** Called on every tick to find the stores (agents come and go); added to `stores`. */
  resolveStores?: () => readonly string[] | Promise<readonly string[]>;
  cronConfig?: CronConfig;
  hooksConfig?: HooksConfig;
  /** pino-shaped logger; silent when absent. */
  logger?: Logger;
  /** Timer period of {@link ReaperPlugin.start}; default 5 minutes. */
  intervalMs?: number;
  /**
   * Per-store throttle forwarded to the core; default half of `intervalMs`, so a timer that
   * fires a little early (by the wall clock) never makes a tick skip a store.
   */
  minIntervalMs?: number;
  /** Store backend; default: the file store with its cross-process lock. */
  backend?: SessionStoreBackend;
  /** Report what would be removed without changing any file. */
  dryRun?: boolean;
  /** Clock used when `onTick` gets no time; default `Date.now`. */
  now?: () => number;
}

/** What {@link createReaperPlugin} returns. */
export interface ReaperPlugin {
  /**
   * Sweeps every store (each one throttled by the core). Resolves to the per-store results, or
   * to `null` when the previous tick is still running and this one was skipped. Never rejects.
   */
  onTick(nowMs?: number): Promise<ReaperResult[] | null>;
  /** Ticks now and then every `intervalMs` on an unref'd timer; a second call does nothing. */
  start(): void;
  /** Clears the timer and waits for a running sweep to finish its current store. */
  stop(): Promise<void>;
}

/** The longest delay setInterval honours; longer ones fire every millisecond. */
const MAX_TIMER_MS = 2 ** 31 - 1;

/** Default timer period of {@link ReaperPlugin.start}. */
export const DEFAULT_PLUGIN_INTERVAL_MS = 5 * 60_000;

/**
 * Creates the host-agnostic adapter: call `onTick` from a host's timer (outside the host's own
 * locks), or `start()` it on its own timer. Throws only for an invalid `intervalMs`.
 */
export function createReaperPlugin(options: ReaperPluginOptions): ReaperPlugin {
  const intervalMs = options.intervalMs ?? DEFAULT_PLUGIN_INTERVAL_MS;
  if (!Number.isFinite(intervalMs) || intervalMs <= 0 || intervalMs > MAX_TIMER_MS) {
    throw new RangeError(
      `intervalMs must be a positive number of milliseconds up to ${MAX_TIMER_MS} (the longest ` +
        `timer delay), got ${intervalMs}`,
    );
  }
  const logger = guardLogger(options.logger ?? silentLogger);
  const now = options.now ?? Date.now;
  const reaper = createReaper({
    logger,
    now,
    ...(options.cronConfig ? { cronConfig: options.cronConfig } : {}),
    ...(options.hooksConfig ? { hooksConfig: options.hooksConfig } : {}),
    ...(options.backend ? { backend: options.backend } : {}),
    minIntervalMs: options.minIntervalMs ?? Math.floor(intervalMs / 2),
  });
  const dryRun = options.dryRun === true;

  let running: Promise<ReaperResult[]> | null = null;
  let stopping = false;
  let timer: NodeJS.Timeout | null = null;
  let firstTick: NodeJS.Timeout | null = null;

  async function listStores(): Promise<string[]> {
    const listed = [...(options.stores ?? [])];
    if (options.resolveStores) {
      try {
        listed.push(...(await options.resolveStores()));
      } catch (err) {
        logger.warn({ err }, "could not list the session stores; sweeping the fixed ones only");
      }
    }
    // One sweep per file, however it was spelled.
    return [...new Set(listed.map((storePath) => resolve(storePath)))];
  }

  async function sweepStores(nowMs: number): Promise<ReaperResult[]> {
    const started = now();
    const results: ReaperResult[] = [];
    for (const storePath of await listStores()) {
      // stop() waits for the store in hand, not for the whole list.
      if (stopping) break;
      results.push(await sweepOne(storePath, nowMs));
    }
    logTick(results, now() - started);
    return results;
  }

  async function sweepOne(storePath: string, nowMs: number): Promise<ReaperResult> {
    try {
      return await reaper.sweep(storePath, { nowMs, dryRun });
    } catch (err) {
      // The core reports failures in the result; this only guards against a bug in it, so one
      // store can never stop the others.
      logger.error({ err, storePath }, "session sweep threw unexpectedly");
      return { ...emptyReaperResult(storePath, dryRun), error: reaperErrorInfo(err) };
    }
  }

  // The core logs each store's outcome; this adds one line per tick with the totals.
  function logTick(results: ReaperResult[], durationMs: number): void {
    const totals = {
      stores: results.length,
      pruned: 0,
      archived: 0,
      archivesRemoved: 0,
      failed: 0,
    };
    for (const result of results) {
      totals.pruned += result.pruned;
      totals.archived += result.archived;
      totals.archivesRemoved += result.archivesRemoved;
      if (result.error) totals.failed += 1;
    }
    logger.debug({ ...totals, dryRun, durationMs }, "session sweep tick finished");
  }

  const onTick = async (nowMs?: number): Promise<ReaperResult[] | null> => {
    if (running) {
      logger.debug({}, "previous session sweep still running; tick skipped");
      return null;
    }
    const tick = sweepStores(nowMs ?? now()).catch((err: unknown) => {
      logger.error({ err }, "session sweep failed");
      return [] as ReaperResult[];
    });
    running = tick;
    try {
      return await tick;
    } finally {
      running = null;
    }
  };

  return {
    onTick,
    start() {
      if (timer) return;
      stopping = false;
      firstTick = setTimeout(() => void onTick(), 0);
      firstTick.unref();
      timer = setInterval(() => void onTick(), intervalMs);
      timer.unref();
    },
    async stop() {
      if (firstTick) clearTimeout(firstTick);
      if (timer) clearInterval(timer);
      firstTick = null;
      timer = null;
      stopping = true;
      try {
        await running;
      } finally {
        stopping = false;
      }
    },
  };
}

// onTick promises never to reject, so a logger that throws is contained here.
function guardLogger(logger: Logger): Logger {
  const guard =
    (write: LogFn): LogFn =>
    (fields, message) => {
      try {
        write.call(logger, fields, message);
      } catch {
        // Logging is best effort; the sweep result still reaches the caller.
      }
    };
  return {
    debug: guard(logger.debug),
    info: guard(logger.info),
    warn: guard(logger.warn),
    error: guard(logger.error),
  };
}
