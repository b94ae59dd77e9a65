import { type DurationError, tryParseDurationMs } from "@session-reaper/duration";

/** A retention as the CLI understands it: milliseconds, or `false` for "off". */
export type Retention = number | false;

/** Result of a value check: the parsed value, or a sentence saying what is wrong. */
export type FlagCheck<T> = { ok: true; value: T } | { ok: false; problem: string };

const RETENTION_HINT = "use a duration like 24h, 7d or 1h30m (a bare number means hours), or off";
/** A number without a unit: `30`, `1.5`, `.5`, `5.`. */
const BARE_NUMBER = /^(\d+\.?\d*|\.\d+)$/;
const WHOLE_NUMBER = /^\d+$/;

/** Explains a DurationError in words that fit after "… is invalid:". */
function describeDurationError(error: DurationError): string {
  switch (error.code) {
    case "DURATION_EMPTY":
      return "it is empty";
    case "DURATION_OUT_OF_RANGE":
      return "it is out of range";
    default:
      return "it is not a duration";
  }
}

/** Checks a retention (`--retention`, `--hook-retention`, config): duration (bare = hours) or off. */
export function checkRetention(raw: string): FlagCheck<Retention> {
  if (raw.trim().toLowerCase() === "off") return { ok: true, value: false };
  const parsed = tryParseDurationMs(raw, { defaultUnit: "h" });
  if (parsed.ok) return { ok: true, value: parsed.ms };
  return { ok: false, problem: `${describeDurationError(parsed.error)}; ${RETENTION_HINT}` };
}

/** Checks `--max-runs-per-job`: a whole number ≥ 1, or off. */
export function checkMaxRuns(raw: string): FlagCheck<number | false> {
  const text = raw.trim().toLowerCase();
  if (text === "off") return { ok: true, value: false };
  const value = Number(text);
  if (!WHOLE_NUMBER.test(text) || !Number.isSafeInteger(value) || value < 1) {
    return { ok: false, problem: "use a whole number of runs to keep per job (1 or more), or off" };
  }
  return { ok: true, value };
}

/** Smallest accepted `--interval`: anything shorter would just spin on the stores. */
export const MIN_WATCH_INTERVAL_MS = 1000;

/** A duration that must carry its unit (a bare 0 is fine), at least `minMs`. */
function checkUnitDuration(raw: string, minMs: number, tooShort: string): FlagCheck<number> {
  const text = raw.trim();
  // A bare number is ambiguous here (seconds? minutes?), so ask for the unit.
  if (BARE_NUMBER.test(text) && Number(text) !== 0) {
    return { ok: false, problem: "add a unit, e.g. 30s, 5m or 1h" };
  }
  const parsed = tryParseDurationMs(text, { defaultUnit: "s" });
  if (!parsed.ok) {
    return { ok: false, problem: `${describeDurationError(parsed.error)}; use e.g. 30s, 5m or 1h` };
  }
  if (parsed.ms < minMs) return { ok: false, problem: tooShort };
  return { ok: true, value: parsed.ms };
}

/** Checks `--interval`: a duration with a unit, at least {@link MIN_WATCH_INTERVAL_MS}. */
export function checkInterval(raw: string): FlagCheck<number> {
  return checkUnitDuration(raw, MIN_WATCH_INTERVAL_MS, "the interval must be at least 1s");
}

/** Checks `--lock-timeout`: a duration with a unit, or 0 (one attempt, no waiting). */
export function checkLockTimeout(raw: string): FlagCheck<number> {
  return checkUnitDuration(raw, 0, "the timeout cannot be negative");
}
