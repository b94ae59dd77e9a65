import { resolve } from "node:path";
import { MIN_SWEEP_INTERVAL_MS } from "./constants";
import { createFileBackend } from "./create-file-backend";
import { type Logger, toSafeLogger } from "./logger";
import { type ResolveOptions, resolveSweepPolicy } from "./resolve-sweep-policy";
import { createSweepState, runSweep } from "./run-sweep";
import type { SessionStoreBackend } from "./session-store-backend";
import type { CronConfig, HooksConfig, ReaperResult, SweepOptions, SweepPolicy } from "./types";

/** Options of {@link createReaper}. */
export interface ReaperOptions {
  cronConfig?: CronConfig | null;
  hooksConfig?: HooksConfig | null;
  /** pino-style logger; silent by default. */
  logger?: Partial<Logger>;
  /** Clock used when a sweep gets no `nowMs` (default `Date.now`). */
  now?: () => number;
  /** Store access (default: the file backend). */
  backend?: SessionStoreBackend;
  /** Throttle interval per store path (default 5 min). */
  minIntervalMs?: number;
  /** Also told about invalid settings (they are always warn-logged). */
  onInvalid?: ResolveOptions["onInvalid"];
}

/** A reaper instance with its own throttle and unchanged-store memory. */
export interface Reaper {
  /** The validated policy this reaper applies. */
  readonly policy: SweepPolicy;
  /** Sweeps one store. Never throws: failures come back in `error`. */
  sweep(storePath: string, options?: SweepOptions): Promise<ReaperResult>;
  /** Sweeps each distinct (resolved) path once, one after another. Never throws. */
  sweepAll(storePaths: Iterable<string>, options?: SweepOptions): Promise<ReaperResult[]>;
}

/**
 * Creates a reaper: the policy is resolved once (invalid settings are warn-logged and passed
 * to `onInvalid`), then each sweep runs throttle → plan → one locked removal → archiving.
 */
export function createReaper(options: ReaperOptions = {}): Reaper {
  const log = toSafeLogger(options.logger);
  const now = options.now ?? Date.now;
  const backend = options.backend ?? createFileBackend();
  const minIntervalMs = options.minIntervalMs ?? MIN_SWEEP_INTERVAL_MS;
  const policy = resolveSweepPolicy(options.cronConfig, options.hooksConfig, {
    log,
    ...(options.onInvalid ? { onInvalid: options.onInvalid } : {}),
  });
  const state = createSweepState();

  const sweep = (storePath: string, sweepOptions: SweepOptions = {}) =>
    runSweep({
      state,
      storePath,
      backend,
      log,
      resolvePolicy: () => policy,
      nowMs: sweepOptions.nowMs ?? now(),
      force: sweepOptions.force === true,
      dryRun: sweepOptions.dryRun === true,
      minIntervalMs,
    });

  return {
    policy,
    sweep,
    async sweepAll(storePaths, sweepOptions) {
      const seen = new Set<string>();
      const results: ReaperResult[] = [];
      for (const storePath of storePaths) {
        const key = resolve(storePath);
        if (seen.has(key)) continue;
        seen.add(key);
        // Sequential on purpose: sweeps are I/O bound and stores are independent.
        results.push(await sweep(storePath, sweepOptions));
      }
      return results;
    },
  };
}
