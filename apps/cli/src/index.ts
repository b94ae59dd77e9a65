export type { CliIo, SignalSource } from "./cli-io";
export type {
  StatsOptions,
  StoreSelectionOptions,
  SweepOptions,
  WatchOptions,
} from "./command-options";
export { EXIT_OK, EXIT_STORE_FAILED, EXIT_USAGE, runCli } from "./run-cli";
export { isUsageError, UsageError } from "./usage-error";
