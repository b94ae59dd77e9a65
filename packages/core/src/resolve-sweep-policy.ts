import { tryParseDurationMs } from "@session-reaper/duration";
import { DEFAULT_CRON_RETENTION_MS } from "./constants";
import type { Logger } from "./logger";
import type { CronConfig, HooksConfig, SweepPolicy } from "./types";

/** A config value the reaper could not use, and what it uses instead. */
export interface InvalidSettingReport {
  setting: "cron.sessionRetention" | "hooks.sessionRetention" | "cron.maxRunsPerJob";
  value: unknown;
  /** What is wrong and what is used instead. */
  message: string;
  /** The value used instead (`null`: the rule is off). */
  fallback: number | null;
  /** The parser's error, when there was one (a DurationError). */
  cause?: unknown;
}

/** How invalid settings are reported: a callback and/or a `warn` log line. */
export interface ResolveOptions {
  onInvalid?: (report: InvalidSettingReport) => void;
  log?: Pick<Logger, "warn">;
}

function report(options: ResolveOptions | undefined, invalid: InvalidSettingReport): void {
  options?.onInvalid?.(invalid);
  options?.log?.warn(
    { setting: invalid.setting, value: invalid.value, fallback: invalid.fallback },
    "invalid session reaper setting ignored",
  );
}

function describe(value: unknown): string {
  return typeof value === "string" ? JSON.stringify(value) : String(value);
}

/** Shared rule: false → off, blank/absent → fallback silently, a parsable string → ms, else report. */
function resolveRetention(
  raw: unknown,
  setting: InvalidSettingReport["setting"],
  fallback: number | null,
  options: ResolveOptions | undefined,
): number | null {
  if (raw === false) return null;
  if (raw === undefined || raw === null) return fallback;
  if (typeof raw === "string") {
    if (raw.trim() === "") return fallback;
    const parsed = tryParseDurationMs(raw, { defaultUnit: "h" });
    if (parsed.ok) return parsed.ms;
    report(options, {
      setting,
      value: raw,
      fallback,
      cause: parsed.error,
      message: `${setting} ${describe(raw)} is not a duration (${parsed.error.message}); using ${fallback === null ? "off" : `${fallback} ms`}.`,
    });
    return fallback;
  }
  report(options, {
    setting,
    value: raw,
    fallback,
    message: `${setting} must be a duration string or false, got ${describe(raw)}; using ${fallback === null ? "off" : `${fallback} ms`}.`,
  });
  return fallback;
}

/**
 * Cron run retention in ms: `false` → null (off); a non-blank string is parsed (bare numbers are
 * hours); absent or invalid → 24 h, invalid values reported via `onInvalid`/`log`. Never throws.
 */
export function resolveRetentionMs(
  cron?: CronConfig | null,
  options?: ResolveOptions,
): number | null {
  return resolveRetention(
    cron?.sessionRetention,
    "cron.sessionRetention",
    DEFAULT_CRON_RETENTION_MS,
    options,
  );
}

/**
 * Hook session retention in ms: like {@link resolveRetentionMs}, but absent or invalid → null
 * (hook sessions are kept by default). Never throws.
 */
export function resolveHookRetentionMs(
  hooks?: HooksConfig | null,
  options?: ResolveOptions,
): number | null {
  return resolveRetention(hooks?.sessionRetention, "hooks.sessionRetention", null, options);
}

/**
 * `cron.maxRunsPerJob` as a positive safe integer, or undefined when absent; any other value is
 * reported via `onInvalid`/`log` and ignored. Never throws.
 */
export function resolveMaxRunsPerJob(
  cron?: CronConfig | null,
  options?: ResolveOptions,
): number | undefined {
  const raw: unknown = cron?.maxRunsPerJob;
  if (raw === undefined || raw === null) return undefined;
  if (typeof raw === "number" && Number.isSafeInteger(raw) && raw >= 1) return raw;
  report(options, {
    setting: "cron.maxRunsPerJob",
    value: raw,
    fallback: null,
    message: `cron.maxRunsPerJob must be a positive integer, got ${describe(raw)}; no per-job limit is applied.`,
  });
  return undefined;
}

/** Resolves and validates the whole policy from host config sections. Never throws. */
export function resolveSweepPolicy(
  cron?: CronConfig | null,
  hooks?: HooksConfig | null,
  options?: ResolveOptions,
): SweepPolicy {
  const policy: SweepPolicy = {
    cronRetentionMs: resolveRetentionMs(cron, options),
    hookRetentionMs: resolveHookRetentionMs(hooks, options),
  };
  const maxRunsPerJob = resolveMaxRunsPerJob(cron, options);
  if (maxRunsPerJob !== undefined) policy.maxRunsPerJob = maxRunsPerJob;
  return policy;
}
