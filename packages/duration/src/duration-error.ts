/** Stable machine-readable reasons a duration was rejected. */
export type DurationErrorCode = "DURATION_EMPTY" | "DURATION_INVALID" | "DURATION_OUT_OF_RANGE";

/**
 * Thrown (or returned by `tryParseDurationMs`) when a duration cannot be parsed or formatted.
 * `code` is stable; `input` is the raw value exactly as the caller passed it.
 */
export class DurationError extends Error {
  override readonly name = "DurationError";
  readonly code: DurationErrorCode;
  readonly input: unknown;

  constructor(
    code: DurationErrorCode,
    message: string,
    options: { input: unknown; cause?: unknown },
  ) {
    super(message, "cause" in options ? { cause: options.cause } : undefined);
    this.code = code;
    this.input = options.input;
  }
}

/** True when `value` is a `DurationError`; also works across duplicated copies of this package. */
export function isDurationError(value: unknown): value is DurationError {
  if (value instanceof DurationError) return true;
  if (typeof value !== "object" || value === null) return false;
  const { name, code } = value as { name?: unknown; code?: unknown };
  return (
    name === "DurationError" &&
    (code === "DURATION_EMPTY" || code === "DURATION_INVALID" || code === "DURATION_OUT_OF_RANGE")
  );
}

/** Renders a raw input for an error message: quoted and shortened strings, the type otherwise. */
export function describeInput(input: unknown): string {
  if (typeof input !== "string") return input === null ? "null" : typeof input;
  const shown = input.length > 60 ? `${input.slice(0, 57)}...` : input;
  return JSON.stringify(shown);
}
