import ms from "ms";
import { DurationError, describeInput } from "./duration-error";
import { COMPACT_UNITS, type DurationUnit, isDurationUnit, UNIT_MS } from "./duration-units";

/** Options of `parseDurationMs`. */
export interface ParseDurationOptions {
  /** Unit of a bare number such as `"24"`. Default `"ms"`. */
  defaultUnit?: DurationUnit;
}

/** Result of `tryParseDurationMs`: the milliseconds, or the error `parseDurationMs` would throw. */
export type DurationParseResult = { ok: true; ms: number } | { ok: false; error: DurationError };

/** One `<number><unit>` part, kept as an exact decimal: value = digits / 10^scale * unitMs. */
interface Quantity {
  digits: bigint;
  scale: number;
  unitMs: number;
}

// ms gives up above 100 characters too; the cap also bounds the BigInt arithmetic below.
const MAX_INPUT_LENGTH = 100;
const MAX_SAFE = BigInt(Number.MAX_SAFE_INTEGER);
const NON_ASCII = /[^\x20-\x7e]/;
const NUMBER = String.raw`(\d+(?:\.\d+)?|\.\d+)`;
// Sticky: matches one compact part at `lastIndex`. "ms" is tried before "m" so `1ms` is 1 ms.
const COMPACT_PART = new RegExp(`${NUMBER}(ms|[smhdw])?`, "y");
const LONG_FORM = new RegExp(`^${NUMBER} *([a-z]+)$`);
const UNIT_RANK: Readonly<Record<string, number>> = Object.fromEntries(
  COMPACT_UNITS.map((unit, index) => [unit, index]),
);
const HINT =
  'use a number with a unit (ms, s, m, h, d, w), gap-free parts from largest to smallest like "1h30m", or a long form like "2 days"';

/**
 * Parses a duration such as `"24h"`, `"1h30m"`, `"1.5h"` or `"2 days"` into whole milliseconds.
 * Throws `DurationError` (`DURATION_EMPTY` | `DURATION_INVALID` | `DURATION_OUT_OF_RANGE`).
 */
export function parseDurationMs(raw: string, options?: ParseDurationOptions): number {
  const result = tryParseDurationMs(raw, options);
  if (!result.ok) throw result.error;
  return result.ms;
}

/**
 * Like `parseDurationMs`, but returns `{ ok: false, error }` instead of throwing. Never throws.
 */
export function tryParseDurationMs(
  raw: string,
  options?: ParseDurationOptions,
): DurationParseResult {
  const fail = (code: DurationError["code"], reason: string): DurationParseResult => ({
    ok: false,
    error: new DurationError(code, `Invalid duration ${describeInput(raw)}: ${reason}.`, {
      input: raw,
    }),
  });

  const defaultUnit: unknown = options?.defaultUnit ?? "ms";
  if (!isDurationUnit(defaultUnit)) {
    return fail("DURATION_INVALID", `defaultUnit must be one of ${COMPACT_UNITS.join(", ")}`);
  }
  if (typeof raw !== "string") return fail("DURATION_INVALID", `expected a string; ${HINT}`);
  const trimmed = raw.trim();
  if (trimmed === "") return fail("DURATION_EMPTY", `it is empty; ${HINT}`);
  // Checked before lower-casing: toLowerCase maps a few non-ASCII letters (the Kelvin sign)
  // onto ASCII ones, which would let look-alike text through.
  if (NON_ASCII.test(trimmed)) {
    return fail("DURATION_INVALID", `it contains characters other than plain ASCII; ${HINT}`);
  }
  const text = trimmed.toLowerCase();
  if (text.length > MAX_INPUT_LENGTH) {
    return fail("DURATION_INVALID", `it is longer than ${MAX_INPUT_LENGTH} characters`);
  }
  if (text[0] === "-" || text[0] === "+") {
    return fail(
      "DURATION_INVALID",
      `signs are not allowed (durations are never negative); ${HINT}`,
    );
  }

  // A single "<number> <word>" goes to ms ("2 days", "2days", "5 m"); everything else must be
  // the compact grammar. Single compact parts like "24h" fit both and ms agrees on their value.
  const longForm = LONG_FORM.exec(text);
  const parsed = longForm
    ? parseLongForm(longForm[1] ?? "", longForm[2] ?? "")
    : (parseCompact(text, UNIT_MS[defaultUnit]) ?? `not a duration; ${HINT}`);
  if (typeof parsed === "string") return fail("DURATION_INVALID", parsed);
  return toMilliseconds(parsed, fail);
}

/**
 * The compact grammar: a bare number, or gap-free `<number><unit>` parts whose units go strictly
 * from largest to smallest. Returns the parts, null when the text does not start like a duration,
 * or a reason string when it is compact-looking but wrong.
 */
function parseCompact(text: string, defaultUnitMs: number): Quantity[] | string | null {
  const parts: Quantity[] = [];
  let previousRank = -1;
  let position = 0;
  while (position < text.length) {
    COMPACT_PART.lastIndex = position;
    const match = COMPACT_PART.exec(text);
    if (match === null) {
      if (parts.length === 0) return null;
      const found = JSON.stringify(text.slice(position, position + 10));
      return `unexpected ${found} at position ${position}; ${HINT}`;
    }
    const [whole, number = "", unit] = match;
    position += whole.length;
    if (unit === undefined) {
      // A unit-less number is only a bare number when it is the whole input ("24", not "1h30").
      if (parts.length === 0 && position === text.length)
        return [toQuantity(number, defaultUnitMs)];
      return parts.length === 0 ? null : `"${number}" has no unit; ${HINT}`;
    }
    // Repeated or ascending units ("1h1h", "30m1h") are rejected: they are almost always typos,
    // and a single canonical order keeps formatDurationMs's output the only spelling.
    const rank = UNIT_RANK[unit] ?? 0;
    if (rank <= previousRank) {
      return `units must appear at most once each, largest first (like "1d2h30m"), but "${unit}" comes too late`;
    }
    previousRank = rank;
    parts.push(toQuantity(number, UNIT_MS[unit as DurationUnit]));
  }
  return parts;
}

/**
 * One quantity with a unit word that `ms` understands (`2 days`, `1.5 hours`, `1 week`). `ms`
 * decides which words are units and what they are worth; the arithmetic stays exact here, because
 * `ms` multiplies floats and accepts values far beyond the safe-integer range.
 */
function parseLongForm(number: string, word: string): Quantity[] | string {
  const unitMs = (ms as (value: string) => number | undefined)(`1 ${word}`);
  if (unitMs === undefined) return `unknown unit "${word}"; ${HINT}`;
  return [toQuantity(number, unitMs)];
}

function toQuantity(number: string, unitMs: number): Quantity {
  const dot = number.indexOf(".");
  if (dot === -1) return { digits: BigInt(number), scale: 0, unitMs };
  const digits = BigInt(number.slice(0, dot) + number.slice(dot + 1));
  return { digits, scale: number.length - dot - 1, unitMs };
}

/** Sums the parts exactly over a common power of ten, checks the range, rounds half up. */
function toMilliseconds(
  parts: Quantity[],
  fail: (code: DurationError["code"], reason: string) => DurationParseResult,
): DurationParseResult {
  const scale = Math.max(...parts.map((part) => part.scale));
  const denominator = 10n ** BigInt(scale);
  let numerator = 0n;
  for (const part of parts) {
    numerator += part.digits * BigInt(part.unitMs) * 10n ** BigInt(scale - part.scale);
  }
  if (numerator > MAX_SAFE * denominator) {
    return fail(
      "DURATION_OUT_OF_RANGE",
      `it is larger than ${Number.MAX_SAFE_INTEGER} ms (about 285,000 years); use a smaller value`,
    );
  }
  const rounded = (2n * numerator + denominator) / (2n * denominator);
  if (numerator > 0n && rounded === 0n) {
    return fail(
      "DURATION_OUT_OF_RANGE",
      "it is shorter than half a millisecond; use 0 or at least 1ms",
    );
  }
  return { ok: true, ms: Number(rounded) };
}
