/**
 * A problem with what the user typed or pointed at (bad flag value, missing store, bad config).
 * The CLI prints its message as one line and exits with code 2; nothing has been touched yet.
 */
export class UsageError extends Error {
  override name = "UsageError";
  readonly code = "USAGE";

  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
  }
}

/** True for a {@link UsageError}, also across duplicated module copies (chunks). */
export function isUsageError(value: unknown): value is UsageError {
  return (
    value instanceof UsageError ||
    (value instanceof Error && (value as { code?: unknown }).code === "USAGE")
  );
}
