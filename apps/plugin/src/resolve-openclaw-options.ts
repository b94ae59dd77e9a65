import type { CronConfig, HooksConfig } from "@session-reaper/core";
import { tryParseDurationMs } from "@session-reaper/duration";

/** The plugin's config block, `plugins.entries.session-reaper.config` (see openclaw.plugin.json). */
export interface OpenClawReaperConfig {
  retention?: string | false;
  hookRetention?: string | false;
  maxRunsPerJob?: number;
  interval?: string;
  dryRun?: boolean;
}

/** Where a retention setting came from, for the start-up log line. */
export type SettingSource = "plugin" | "host" | "default";

/** What the OpenClaw service runs with, after defaults and the host fallbacks. */
export interface ResolvedOpenClawOptions {
  cronConfig: CronConfig;
  hooksConfig: HooksConfig;
  intervalMs: number;
  dryRun: boolean;
  retentionSource: SettingSource;
  hookRetentionSource: SettingSource;
}

/** Default sweep interval of the OpenClaw service: 5 minutes. */
export const DEFAULT_INTERVAL_MS = 5 * 60_000;
/** Shortest interval accepted; shorter values are raised to it (with a warning). */
export const MIN_INTERVAL_MS = 1_000;
/** Longest interval accepted (the longest timer delay, about 24.8 days); longer values are lowered to it (with a warning). */
export const MAX_INTERVAL_MS = 2 ** 31 - 1;

/**
 * Merges the plugin's config with the host's `cron.sessionRetention` / `hooks.sessionRetention`
 * (used when the plugin sets no usable retention of its own). Values of the wrong type and
 * retention strings that are not durations are ignored and reported through `onInvalid`; never
 * throws. The host's retention strings are checked later by the core.
 */
export function resolveOpenClawOptions(
  pluginConfig: unknown,
  hostConfig: unknown,
  onInvalid: (message: string, fields: Record<string, unknown>) => void = () => {},
): ResolvedOpenClawOptions {
  const config = asRecord(pluginConfig);
  const host = asRecord(hostConfig);

  const retention = pickRetention(config.retention, asRecord(host.cron).sessionRetention);
  const hookRetention = pickRetention(config.hookRetention, asRecord(host.hooks).sessionRetention);
  for (const [key, picked] of [
    ["retention", retention],
    ["hookRetention", hookRetention],
  ] as const) {
    if (picked.invalid === "type") {
      onInvalid(`ignoring ${key}: expected a duration string or false`, { value: config[key] });
    } else if (picked.invalid === "duration") {
      onInvalid(`ignoring ${key}: not a valid duration`, { value: config[key] });
    }
  }

  const cronConfig: CronConfig = {};
  if (retention.value !== undefined) cronConfig.sessionRetention = retention.value;
  const maxRuns = config.maxRunsPerJob;
  if (typeof maxRuns === "number" && Number.isSafeInteger(maxRuns) && maxRuns >= 1) {
    cronConfig.maxRunsPerJob = maxRuns;
  } else if (maxRuns !== undefined) {
    onInvalid("ignoring maxRunsPerJob: expected an integer of at least 1", { value: maxRuns });
  }

  const hooksConfig: HooksConfig = {};
  if (hookRetention.value !== undefined) hooksConfig.sessionRetention = hookRetention.value;

  let dryRun = false;
  if (typeof config.dryRun === "boolean") dryRun = config.dryRun;
  else if (config.dryRun !== undefined) {
    onInvalid("ignoring dryRun: expected true or false", { value: config.dryRun });
  }

  return {
    cronConfig,
    hooksConfig,
    intervalMs: resolveInterval(config.interval, onInvalid),
    dryRun,
    retentionSource: retention.source,
    hookRetentionSource: hookRetention.source,
  };
}

interface PickedRetention {
  value: string | false | undefined;
  source: SettingSource;
  /** Why the plugin's own value was ignored, if it was. */
  invalid: "type" | "duration" | null;
}

/**
 * The plugin's own retention when it is usable, else the host's (whose bad values the core
 * reports under the host's key), else none. A blank string counts as unset, as in the core.
 */
function pickRetention(own: unknown, fromHost: unknown): PickedRetention {
  let invalid: PickedRetention["invalid"] = null;
  if (own === false) return { value: own, source: "plugin", invalid };
  if (typeof own === "string") {
    if (own.trim() !== "") {
      if (tryParseDurationMs(own, { defaultUnit: "h" }).ok) {
        return { value: own, source: "plugin", invalid };
      }
      invalid = "duration";
    }
  } else if (own !== undefined) {
    invalid = "type";
  }
  if (isRetention(fromHost)) return { value: fromHost, source: "host", invalid };
  return { value: undefined, source: "default", invalid };
}

function isRetention(value: unknown): value is string | false {
  return typeof value === "string" || value === false;
}

function resolveInterval(
  raw: unknown,
  onInvalid: (message: string, fields: Record<string, unknown>) => void,
): number {
  if (raw === undefined) return DEFAULT_INTERVAL_MS;
  if (typeof raw !== "string") {
    onInvalid("ignoring interval: expected a duration string such as 5m", { value: raw });
    return DEFAULT_INTERVAL_MS;
  }
  // A bare number is minutes: the unit people think of for a sweep interval.
  const parsed = tryParseDurationMs(raw, { defaultUnit: "m" });
  if (!parsed.ok) {
    onInvalid("ignoring interval: not a valid duration", {
      value: raw,
      err: parsed.error,
    });
    return DEFAULT_INTERVAL_MS;
  }
  if (parsed.ms < MIN_INTERVAL_MS) {
    onInvalid("interval is too short; using 1s", { value: raw });
    return MIN_INTERVAL_MS;
  }
  if (parsed.ms > MAX_INTERVAL_MS) {
    onInvalid(`interval is too long; using ${MAX_INTERVAL_MS} ms (about 24.8 days)`, {
      value: raw,
    });
    return MAX_INTERVAL_MS;
  }
  return parsed.ms;
}

function asRecord(value: unknown): Record<string, unknown> {
  return value !== null && typeof value === "object" && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : {};
}
