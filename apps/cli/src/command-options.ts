import type { LogLevel } from "./log-levels";
import type { Retention } from "./parse-flags";

/** Which stores to work on (`--store` | `--state-dir` / `--agent` / `--all-agents`). */
export interface StoreSelectionOptions {
  store?: string[];
  stateDir?: string;
  agent?: string[];
  allAgents?: boolean;
}

/** The retention policy flags; values are already validated by the option parsers. */
export interface PolicyOptions {
  retention?: Retention;
  hookRetention?: Retention;
  maxRunsPerJob?: number | false;
  config?: string;
}

/** Options of `session-reaper sweep`. */
export interface SweepOptions extends StoreSelectionOptions, PolicyOptions {
  dryRun?: boolean;
  /** How long to wait for a store's lock, in ms. */
  lockTimeout?: number;
  json?: boolean;
  logLevel?: LogLevel;
}

/** Options of `session-reaper stats`. */
export interface StatsOptions extends StoreSelectionOptions, PolicyOptions {
  json?: boolean;
  logLevel?: LogLevel;
}

/** Options of `session-reaper watch`; `interval` is in milliseconds. */
export interface WatchOptions extends StoreSelectionOptions, PolicyOptions {
  interval?: number;
  lockTimeout?: number;
  dryRun?: boolean;
  logLevel?: LogLevel;
}
