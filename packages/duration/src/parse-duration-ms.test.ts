import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { isDurationError } from "./duration-error";
import {
  type ParseDurationOptions,
  parseDurationMs,
  tryParseDurationMs,
} from "./parse-duration-ms";

const S = 1000;
const M = 60 * S;
const H = 60 * M;
const D = 24 * H;
const W = 7 * D;
const MAX = Number.MAX_SAFE_INTEGER;

/** Runs the parser and returns the error it throws (failing the test if it does not throw). */
function thrown(input: unknown, options?: ParseDurationOptions) {
  try {
    parseDurationMs(input as string, options);
  } catch (error) {
    return error;
  }
  throw new Error(`expected ${JSON.stringify(input)} to be rejected`);
}

describe("parseDurationMs accepts", () => {
  it.each<[string, number, ParseDurationOptions?]>([
    ["24h", 24 * H],
    ["7d", 7 * D],
    ["30m", 30 * M],
    ["1.5h", 1.5 * H],
    ["24", 24 * H, { defaultUnit: "h" }],
    ["24", 24],
    ["1.5", 2], // bare ms are rounded half up
    ["1.5", 90 * S, { defaultUnit: "m" }],
    ["24m", 24 * M, { defaultUnit: "h" }], // an explicit unit wins over defaultUnit
    ["1h30m", 90 * M],
    ["2d12h", 60 * H],
    ["1m30s500ms", 90_500],
    ["1w1d1h1m1s1ms", W + D + H + M + S + 1],
    [" 2H ", 2 * H],
    ["\t1H30M\n", 90 * M],
    ["2 days", 2 * D],
    ["2days", 2 * D],
    ["2   days", 2 * D],
    ["1.5 hours", 1.5 * H],
    ["30 minutes", 30 * M],
    ["1 week", W],
    ["1 Year", 365.25 * D], // ms's year: 365.25 days
    ["5 m", 5 * M],
    ["100 msecs", 100],
    ["0", 0],
    ["0h", 0],
    ["0.0h", 0],
    [".5h", 30 * M],
    ["007s", 7 * S],
    ["0.5ms", 1],
    ["0.1h", 6 * M], // exact decimal arithmetic: no 360000.00000000006
    ["0.1 hours", 6 * M],
    ["1.5h30m", 2 * H],
    ["9007199254740991ms", MAX],
    ["9007199254740991", MAX],
    ["104249991d8h59m991ms", MAX],
  ])("%j → %d ms", (input, expected, options) => {
    expect(parseDurationMs(input, options)).toBe(expected);
    expect(tryParseDurationMs(input, options)).toEqual({ ok: true, ms: expected });
  });
});

describe("parseDurationMs rejects", () => {
  it.each<[unknown, string, ParseDurationOptions?]>([
    ["", "DURATION_EMPTY"],
    ["  ", "DURATION_EMPTY"],
    ["\n\t", "DURATION_EMPTY"],
    ["-1h", "DURATION_INVALID"],
    ["+1h", "DURATION_INVALID"],
    ["-0", "DURATION_INVALID"],
    ["1e3", "DURATION_INVALID"],
    ["1E3ms", "DURATION_INVALID"],
    ["NaN", "DURATION_INVALID"],
    ["Infinity", "DURATION_INVALID"],
    ["1h 30m", "DURATION_INVALID"],
    ["1h30", "DURATION_INVALID"],
    ["h", "DURATION_INVALID"],
    [".5.5h", "DURATION_INVALID"],
    ["1.2.3h", "DURATION_INVALID"],
    ["1.h", "DURATION_INVALID"],
    ["abc", "DURATION_INVALID"],
    ["1x", "DURATION_INVALID"],
    ["1hours30m", "DURATION_INVALID"],
    ["1 hour 30 minutes", "DURATION_INVALID"],
    ["1\thour", "DURATION_INVALID"], // ms only allows spaces between number and word
    ["1h1h", "DURATION_INVALID"], // repeated unit
    ["30m1h", "DURATION_INVALID"], // ascending order
    ["1s1m", "DURATION_INVALID"],
    ["1ms1s", "DURATION_INVALID"],
    ["1_000ms", "DURATION_INVALID"],
    ["1,5h", "DURATION_INVALID"],
    ["１h", "DURATION_INVALID"], // full-width digit
    ["1 wee\u212As", "DURATION_INVALID"], // Kelvin sign lower-cases to "k"; still not accepted
    [`${"0".repeat(100)}1ms`, "DURATION_INVALID"], // longer than 100 characters
    ["0.0000001ms", "DURATION_OUT_OF_RANGE"],
    ["0.4ms", "DURATION_OUT_OF_RANGE"],
    ["0.0001s", "DURATION_OUT_OF_RANGE"],
    ["9007199254740992ms", "DURATION_OUT_OF_RANGE"],
    ["9007199254740991.4ms", "DURATION_OUT_OF_RANGE"],
    ["104249991375d", "DURATION_OUT_OF_RANGE"],
    ["300000 years", "DURATION_OUT_OF_RANGE"], // ms itself would happily return 9.4e15
    ["99999999999999999999999w", "DURATION_OUT_OF_RANGE"],
    [24, "DURATION_INVALID"],
    [null, "DURATION_INVALID"],
    [undefined, "DURATION_INVALID"],
    [{}, "DURATION_INVALID"],
    [["1h"], "DURATION_INVALID"],
    [new String("1h"), "DURATION_INVALID"],
    ["1h", "DURATION_INVALID", { defaultUnit: "x" as "h" }],
    ["1h", "DURATION_INVALID", { defaultUnit: "H" as "h" }],
  ])("%j → %s", (input, code, options) => {
    const error = thrown(input, options);
    expect(isDurationError(error)).toBe(true);
    expect(error).toMatchObject({ name: "DurationError", code, input });
    const result = tryParseDurationMs(input as string, options);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.error.code).toBe(code);
  });

  it("explains what went wrong and what to write instead", () => {
    expect(thrown("1h 30m")).toHaveProperty("message", expect.stringMatching(/"1h30m"/));
    expect(thrown("1h30")).toHaveProperty("message", expect.stringMatching(/"30" has no unit/));
    expect(thrown("30m1h")).toHaveProperty("message", expect.stringMatching(/largest first/));
    expect(thrown("1x")).toHaveProperty("message", expect.stringMatching(/unknown unit "x"/));
    expect(thrown("-1h")).toHaveProperty("message", expect.stringMatching(/never negative/));
  });
});

describe("parseDurationMs properties", () => {
  const units: [string, number][] = [
    ["ms", 1],
    ["s", S],
    ["m", M],
    ["h", H],
    ["d", D],
    ["w", W],
    [" milliseconds", 1],
    [" seconds", S],
    ["min", M],
    [" hours", H],
    [" days", D],
    ["day", D],
    [" weeks", W],
    [" years", 365.25 * D],
  ];
  const integerWithUnit = fc
    .constantFrom(...units)
    .chain(([unit, unitMs]) =>
      fc.tuple(fc.constant(unit), fc.constant(unitMs), fc.nat({ max: Math.floor(MAX / unitMs) })),
    );

  it("reads <n><unit> as exactly n × unit for every n in range", () => {
    fc.assert(
      fc.property(integerWithUnit, ([unit, unitMs, n]) => {
        expect(parseDurationMs(`${n}${unit}`)).toBe(n * unitMs);
        expect(parseDurationMs(`${n}${unit.trim().toUpperCase()}`)).toBe(n * unitMs);
      }),
      { numRuns: 2000 },
    );
  });

  it("rejects one unit past the safe range", () => {
    fc.assert(
      fc.property(fc.constantFrom(...units), ([unit, unitMs]) => {
        const n = Math.floor(MAX / unitMs) + 1;
        expect(tryParseDurationMs(`${n}${unit}`)).toMatchObject({
          ok: false,
          error: { code: "DURATION_OUT_OF_RANGE" },
        });
      }),
    );
  });

  it("reads decimal seconds exactly", () => {
    const fraction = fc.stringMatching(/^\d{1,3}$/);
    fc.assert(
      fc.property(fc.nat({ max: 1e12 }), fraction, (whole, digits) => {
        const expected = whole * 1000 + Number(digits.padEnd(3, "0"));
        expect(parseDurationMs(`${whole}.${digits}s`)).toBe(expected);
      }),
    );
  });

  it("accepts a compound exactly when its units are distinct and descending", () => {
    const part = fc.tuple(fc.nat({ max: 999 }), fc.constantFrom(...units.slice(0, 6)));
    fc.assert(
      fc.property(fc.array(part, { minLength: 2, maxLength: 6 }), (parts) => {
        const text = parts.map(([n, [unit]]) => `${n}${unit}`).join("");
        const values = parts.map(([, [, unitMs]]) => unitMs);
        const descending = values.every((v, i) => i === 0 || v < (values[i - 1] ?? 0));
        const sum = parts.reduce((total, [n, [, unitMs]]) => total + n * unitMs, 0);
        const result = tryParseDurationMs(text);
        expect(result).toEqual(
          descending ? { ok: true, ms: sum } : expect.objectContaining({ ok: false }),
        );
      }),
    );
  });

  it("never throws anything but DurationError, and returns safe non-negative integers", () => {
    const durationish = fc.string({
      unit: fc.constantFrom(..."0123456789.:+-e hmsdwyHMSDWY ".split(""), "ms", "days", "\u212A"),
      maxLength: 24,
    });
    const input = fc.oneof(fc.string(), durationish, fc.anything());
    const options = fc.oneof(
      fc.constant(undefined),
      fc.record({ defaultUnit: fc.constantFrom("ms", "s", "m", "h", "d", "w") }),
      fc.anything(),
    );
    fc.assert(
      fc.property(input, options, (raw, opts) => {
        let value: number;
        try {
          value = parseDurationMs(raw as string, opts as ParseDurationOptions);
        } catch (error) {
          expect(isDurationError(error)).toBe(true);
          return;
        }
        expect(Number.isSafeInteger(value)).toBe(true);
        expect(value).toBeGreaterThanOrEqual(0);
      }),
      { numRuns: 3000 },
    );
  });
});
