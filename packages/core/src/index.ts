/** The age cutoffs and oldest-kept report of SessionStoreBackend.removeByAge, from the store. */
export type { AgeCutoffs, OldestKept } from "@session-reaper/store";
export { DEFAULT_CRON_RETENTION_MS, MIN_SWEEP_INTERVAL_MS } from "./constants";
export { createFileBackend } from "./create-file-backend";
export { createReaper, type Reaper, type ReaperOptions } from "./create-reaper";
export { type LogFn, type Logger, silentLogger } from "./logger";
export { planSweep } from "./plan-sweep";
export { emptyReaperResult, reaperErrorInfo } from "./reaper-result";
export {
  type InvalidSettingReport,
  type ResolveOptions,
  resolveHookRetentionMs,
  resolveMaxRunsPerJob,
  resolveRetentionMs,
  resolveSweepPolicy,
} from "./resolve-sweep-policy";
export type {
  BackendAgeRemoveResult,
  BackendRemoveOptions,
  BackendRemoveResult,
  BackendSelection,
  SessionStoreBackend,
} from "./session-store-backend";
export {
  resetReaperThrottle,
  type SweepCronRunSessionsParams,
  sweepCronRunSessions,
} from "./sweep-cron-run-sessions";
export type {
  CronConfig,
  HooksConfig,
  ReaperResult,
  RemovalReason,
  RemovedEntry,
  SweepOptions,
  SweepPlan,
  SweepPolicy,
} from "./types";
