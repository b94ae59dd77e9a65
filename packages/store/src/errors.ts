/** Stable error codes of the store package. */
export type StoreErrorCode =
  | "STORE_CORRUPT"
  | "STORE_LOCK_TIMEOUT"
  | "STORE_LOCK_COMPROMISED"
  | "STORE_IO";

/** Base class of every error the store package throws; `code` is stable, `path` names the file. */
export class StoreError extends Error {
  override name = "StoreError";
  readonly code: StoreErrorCode;
  readonly path: string;

  constructor(code: StoreErrorCode, path: string, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.code = code;
    this.path = path;
  }
}

/** The store file is not a JSON object (invalid JSON, or a top-level value that is not an object). */
export class StoreCorruptError extends StoreError {
  override name = "StoreCorruptError";
  /** Byte offset in the file where parsing failed (0 when the whole value is wrong). */
  readonly offset: number;

  constructor(path: string, offset: number, detail: string, options?: { cause?: unknown }) {
    super(
      "STORE_CORRUPT",
      path,
      `Session store ${path} is corrupt at byte ${offset}: ${detail}. It was left unchanged; ` +
        "restore it from a sessions.json.bak.* file or fix it by hand.",
      options,
    );
    this.offset = offset;
  }
}

/** The store lock could not be taken in time, or was lost while held. */
export class StoreLockError extends StoreError {
  override name = "StoreLockError";
  /** For STORE_LOCK_TIMEOUT: how long the caller waited, in milliseconds. */
  readonly waitedMs: number | undefined;

  constructor(
    code: "STORE_LOCK_TIMEOUT" | "STORE_LOCK_COMPROMISED",
    path: string,
    message: string,
    options?: { cause?: unknown; waitedMs?: number },
  ) {
    super(code, path, message, options);
    this.waitedMs = options?.waitedMs;
  }
}

/** True for any error thrown by this package (works across duplicated package copies). */
export function isStoreError(value: unknown): value is StoreError {
  if (value instanceof StoreError) return true;
  if (typeof value !== "object" || value === null) return false;
  const { code, path } = value as { code?: unknown; path?: unknown };
  return (
    typeof path === "string" &&
    typeof code === "string" &&
    (code === "STORE_CORRUPT" ||
      code === "STORE_LOCK_TIMEOUT" ||
      code === "STORE_LOCK_COMPROMISED" ||
      code === "STORE_IO")
  );
}

/** The errno-style `code` of a Node.js fs error, if any. */
export function errnoCode(error: unknown): string | undefined {
  if (typeof error !== "object" || error === null) return undefined;
  const { code } = error as { code?: unknown };
  return typeof code === "string" ? code : undefined;
}

/** Wraps an unexpected fs failure as a STORE_IO error that names the operation and the path. */
export function storeIoError(path: string, operation: string, cause: unknown): StoreError {
  const code = errnoCode(cause);
  const detail = cause instanceof Error ? cause.message : String(cause);
  return new StoreError(
    "STORE_IO",
    path,
    `Could not ${operation} ${path}${code ? ` (${code})` : ""}: ${detail}. ` +
      "Check that the path exists and that this user may read and write it.",
    { cause },
  );
}
