import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { formatDurationMs } from "./format-duration-ms";
import { parseDurationMs } from "./parse-duration-ms";

const MAX = Number.MAX_SAFE_INTEGER;

describe("formatDurationMs", () => {
  it.each([
    [0, "0ms"],
    [250, "250ms"],
    [1000, "1s"],
    [90_000, "1m30s"],
    [5_400_000, "1h30m"],
    [93_600_000, "1d2h"],
    [86_400_001, "1d1ms"],
    [14 * 86_400_000, "14d"], // days are the largest unit
    [MAX, "104249991d8h59m991ms"],
    [-0, "0ms"],
  ])("%d → %s", (ms, expected) => {
    expect(formatDurationMs(ms)).toBe(expected);
  });

  it.each<[unknown, string]>([
    [-1, "DURATION_OUT_OF_RANGE"],
    [MAX + 1, "DURATION_OUT_OF_RANGE"],
    [2 ** 60, "DURATION_OUT_OF_RANGE"],
    [Number.POSITIVE_INFINITY, "DURATION_OUT_OF_RANGE"],
    [Number.NEGATIVE_INFINITY, "DURATION_OUT_OF_RANGE"],
    [1.5, "DURATION_INVALID"],
    [Number.NaN, "DURATION_INVALID"],
    ["1000", "DURATION_INVALID"],
    [null, "DURATION_INVALID"],
    [10n, "DURATION_INVALID"],
  ])("rejects %s with %s", (input, code) => {
    expect(() => formatDurationMs(input as number)).toThrow(
      expect.objectContaining({ name: "DurationError", code, input }),
    );
  });

  it("round-trips exactly through parseDurationMs for every non-negative safe integer", () => {
    const anySafe = fc.oneof(
      fc.integer({ min: 0, max: MAX }),
      fc.integer({ min: MAX - 100_000, max: MAX }),
      fc.integer({ min: 0, max: 10 * 86_400_000 }),
      // Exact multiples (and their neighbours) of a day near 2^53 are where a float division
      // would round to the wrong whole number of days.
      fc
        .integer({ min: 0, max: Math.floor(MAX / 86_400_000) })
        .chain((days) => fc.constantFrom(days * 86_400_000 - 1, days * 86_400_000))
        .filter((ms) => ms >= 0),
    );
    fc.assert(
      fc.property(anySafe, (ms) => {
        const text = formatDurationMs(ms);
        expect(text).toMatch(/^(?:0ms|(?:\d+d)?(?:\d+h)?(?:\d+m)?(?:\d+s)?(?:\d+ms)?)$/);
        expect(parseDurationMs(text)).toBe(ms);
      }),
      { numRuns: 5000 },
    );
  });

  it("writes each part in its canonical range (h < 24, m < 60, s < 60, ms < 1000)", () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: MAX }), (ms) => {
        const limits: Record<string, number> = { h: 24, m: 60, s: 60, ms: 1000 };
        for (const [, count, unit] of formatDurationMs(ms).matchAll(/(\d+)(ms|[dhms])/g)) {
          expect(Number(count)).toBeGreaterThan(0);
          if (unit !== "d") expect(Number(count)).toBeLessThan(limits[unit ?? ""] ?? 0);
        }
      }),
    );
  });
});
