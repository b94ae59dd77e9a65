import type { ResolvedPolicy } from "./resolve-policy";

/** The policy as printed in `--json` documents (`null` = rule off). */
export interface PolicyReport {
  cronRetentionMs: number | null;
  hookRetentionMs: number | null;
  maxRunsPerJob: number | null;
  /** The `--config` file that was read, if any. */
  configPath: string | null;
}

/** Flattens a resolved policy into its JSON form. */
export function toPolicyReport(resolved: ResolvedPolicy): PolicyReport {
  return {
    cronRetentionMs: resolved.policy.cronRetentionMs,
    hookRetentionMs: resolved.policy.hookRetentionMs,
    maxRunsPerJob: resolved.policy.maxRunsPerJob ?? null,
    configPath: resolved.configPath,
  };
}
