export type { CliIo, SignalSource } from "./cli-io";
export type {
  PolicyOptions,
  StatsOptions,
  StoreSelectionOptions,
  SweepOptions,
  WatchOptions,
} from "./command-options";
export type { LogLevel } from "./log-levels";
export type { PolicyReport } from "./policy-report";
export { EXIT_OK, EXIT_STORE_FAILED, EXIT_USAGE, runCli } from "./run-cli";
export type { FileTally } from "./scan-store-dir";
export type {
  AgeBucket,
  EntryKinds,
  StatsReport,
  StoreStats,
  WouldRemove,
} from "./stats-report";
export type {
  RemovedEntryReport,
  SweepReport,
  SweepStoreReport,
  SweepTotals,
} from "./sweep-report";
export { isUsageError, UsageError } from "./usage-error";
