/** Stable codes of errors raised by the core itself (store failures keep the store's codes). */
export type SweepErrorCode = "STORE_BUSY" | "SWEEP_FAILED";

/** A sweep step failed for a reason the core detected; `path` names the store. */
export class SweepError extends Error {
  override name = "SweepError";
  readonly code: SweepErrorCode;
  readonly path: string;

  constructor(code: SweepErrorCode, path: string, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.code = code;
    this.path = path;
  }
}
