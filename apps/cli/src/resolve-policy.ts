import { resolve } from "node:path";
import {
  type CronConfig,
  DEFAULT_CRON_RETENTION_MS,
  type HooksConfig,
  type SweepPolicy,
} from "@session-reaper/core";
import { formatDurationMs } from "@session-reaper/duration";
import type { PolicyOptions } from "./command-options";
import { loadPolicyConfig } from "./load-policy-config";

/** The policy a command runs with, in the shapes core needs. */
export interface ResolvedPolicy {
  /** For `planSweep` (stats). */
  policy: SweepPolicy;
  /** For `createReaper` (sweep, watch): the same values, written as unambiguous strings. */
  cronConfig: CronConfig;
  hooksConfig: HooksConfig;
  /** Absolute path of `--config`, if one was read. */
  configPath: string | null;
}

function toSetting(ms: number | null): string | false {
  // formatDurationMs always writes a unit, so core's "bare number = hours" rule cannot bite.
  return ms === null ? false : formatDurationMs(ms);
}

/**
 * Merges the policy flags over `--config` over the defaults (cron runs 24 h, hooks off, no
 * per-job cap). Throws UsageError for an unreadable or invalid config file.
 */
export async function resolvePolicy(options: PolicyOptions, cwd: string): Promise<ResolvedPolicy> {
  const configPath = options.config === undefined ? null : resolve(cwd, options.config);
  const file = configPath === null ? {} : await loadPolicyConfig(configPath);

  const retention = options.retention ?? file.retention ?? DEFAULT_CRON_RETENTION_MS;
  const hookRetention = options.hookRetention ?? file.hookRetention ?? false;
  const maxRuns = options.maxRunsPerJob ?? file.maxRunsPerJob ?? false;

  const policy: SweepPolicy = {
    cronRetentionMs: retention === false ? null : retention,
    hookRetentionMs: hookRetention === false ? null : hookRetention,
  };
  const cronConfig: CronConfig = { sessionRetention: toSetting(policy.cronRetentionMs) };
  if (maxRuns !== false) {
    policy.maxRunsPerJob = maxRuns;
    cronConfig.maxRunsPerJob = maxRuns;
  }
  const hooksConfig: HooksConfig = { sessionRetention: toSetting(policy.hookRetentionMs) };
  return { policy, cronConfig, hooksConfig, configPath };
}

/** One-line description of a policy for human output, e.g. "cron runs 24h · hooks off · per job off". */
export function describePolicy(policy: SweepPolicy): string {
  const age = (ms: number | null) => (ms === null ? "off" : `older than ${formatDurationMs(ms)}`);
  const cap = policy.maxRunsPerJob === undefined ? "no cap" : `newest ${policy.maxRunsPerJob}`;
  return `cron runs: ${age(policy.cronRetentionMs)} · hooks: ${age(policy.hookRetentionMs)} · runs per job: ${cap}`;
}
