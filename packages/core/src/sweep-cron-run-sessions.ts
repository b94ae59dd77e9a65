import { MIN_SWEEP_INTERVAL_MS } from "./constants";
import { createFileBackend } from "./create-file-backend";
import { type Logger, toSafeLogger } from "./logger";
import { resolveSweepPolicy } from "./resolve-sweep-policy";
import { createSweepState, runSweep } from "./run-sweep";
import type { SessionStoreBackend } from "./session-store-backend";
import type { CronConfig, HooksConfig, ReaperResult } from "./types";

/** Parameters of {@link sweepCronRunSessions}, shaped like OpenClaw's own reaper call. */
export interface SweepCronRunSessionsParams {
  cronConfig?: CronConfig | null;
  hooksConfig?: HooksConfig | null;
  sessionStorePath: string;
  /** Clock for this sweep (default `Date.now()`). */
  nowMs?: number;
  log: Partial<Logger>;
  /** Bypass the 5-minute throttle. */
  force?: boolean;
  /** Plan and report without changing anything. */
  dryRun?: boolean;
  /** Store access (default: the shared file backend). */
  backend?: SessionStoreBackend;
}

// Module-level state, like the original: one throttle per store path for the whole process.
let state = createSweepState();
let defaultBackend: SessionStoreBackend | undefined;

/**
 * Drop-in for OpenClaw's `sweepCronRunSessions`, meant for a host's timer tick: throttled to one
 * sweep per store path per 5 min (unless `force`), policy read from the config sections on each
 * sweep. Never throws: failures are warn-logged and reported in `error`.
 */
export function sweepCronRunSessions(params: SweepCronRunSessionsParams): Promise<ReaperResult> {
  // Callers from plain JavaScript may pass nothing at all; that is reported, not thrown.
  params ??= {} as SweepCronRunSessionsParams;
  const log = toSafeLogger(params.log);
  defaultBackend ??= createFileBackend();
  return runSweep({
    state,
    storePath: params.sessionStorePath,
    backend: params.backend ?? defaultBackend,
    log,
    resolvePolicy: () => resolveSweepPolicy(params.cronConfig, params.hooksConfig, { log }),
    nowMs: params.nowMs ?? Date.now(),
    force: params.force === true,
    dryRun: params.dryRun === true,
    minIntervalMs: MIN_SWEEP_INTERVAL_MS,
  });
}

/** Clears the module-level throttle (and unchanged-store memory) of {@link sweepCronRunSessions}. */
export function resetReaperThrottle(): void {
  state = createSweepState();
}
