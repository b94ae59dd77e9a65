import { DurationError } from "./duration-error";
import { type DurationUnit, UNIT_MS } from "./duration-units";

// Weeks are left out on purpose: "14d" reads better in logs than "2w".
const FORMAT_UNITS: readonly DurationUnit[] = ["d", "h", "m", "s", "ms"];

/**
 * Formats whole milliseconds as a compact gap-free string (`"1d2h"`, `"1h30m"`, `"250ms"`, `"0ms"`)
 * that `parseDurationMs` reads back exactly. Days are the largest unit (`"14d"`, not `"2w"`).
 * Throws `DurationError`: `DURATION_INVALID` for a non-number, NaN or a fraction,
 * `DURATION_OUT_OF_RANGE` for a negative number or one above `Number.MAX_SAFE_INTEGER`.
 */
export function formatDurationMs(ms: number): string {
  if (typeof ms !== "number" || Number.isNaN(ms)) {
    throw new DurationError(
      "DURATION_INVALID",
      `Cannot format ${typeof ms === "number" ? "NaN" : typeof ms} as a duration: pass a whole number of milliseconds.`,
      { input: ms },
    );
  }
  if (ms < 0 || ms > Number.MAX_SAFE_INTEGER) {
    throw new DurationError(
      "DURATION_OUT_OF_RANGE",
      `Cannot format ${ms} as a duration: it must be between 0 and ${Number.MAX_SAFE_INTEGER} ms.`,
      { input: ms },
    );
  }
  if (!Number.isInteger(ms)) {
    throw new DurationError(
      "DURATION_INVALID",
      `Cannot format ${ms} as a duration: pass a whole number of milliseconds (round it first).`,
      { input: ms },
    );
  }
  if (ms === 0) return "0ms";

  let out = "";
  let remaining = ms;
  for (const unit of FORMAT_UNITS) {
    // Exact for every safe integer: `%` on doubles never rounds, and dividing the exact
    // multiple `remaining - rest` by the unit yields a whole number with nothing to round.
    const rest = remaining % UNIT_MS[unit];
    const count = (remaining - rest) / UNIT_MS[unit];
    if (count > 0) out += `${count}${unit}`;
    remaining = rest;
  }
  return out;
}
