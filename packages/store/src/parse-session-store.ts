import { StoreCorruptError } from "./errors";
import { scanStoreLayout } from "./scan-store-bytes";
import type { SessionStore } from "./types";

/**
 * Parses store bytes with `JSON.parse` and requires a top-level object. Throws
 * StoreCorruptError with the byte offset of the problem for anything else.
 */
export function parseSessionStore(buf: Buffer, path: string): SessionStore {
  let value: unknown;
  try {
    value = JSON.parse(buf.toString("utf8"));
  } catch (error) {
    throw corruptErrorFor(buf, path, error);
  }
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    const kind = value === null ? "null" : Array.isArray(value) ? "an array" : typeof value;
    throw new StoreCorruptError(
      path,
      firstNonWhitespace(buf),
      `the top-level value is ${kind}, not an object`,
    );
  }
  return value as SessionStore;
}

/**
 * JSON.parse messages do not always carry a position, so the byte scanner (which accepts exactly
 * what JSON.parse accepts) is asked for the exact offset; its error is used when it has one.
 */
function corruptErrorFor(buf: Buffer, path: string, parseError: unknown): StoreCorruptError {
  try {
    scanStoreLayout(buf, path);
  } catch (scanError) {
    if (scanError instanceof StoreCorruptError) return scanError;
  }
  const message = parseError instanceof Error ? parseError.message : String(parseError);
  const position = /at position (\d+)/.exec(message)?.[1];
  const offset =
    position === undefined
      ? 0
      : Buffer.byteLength(buf.toString("utf8").slice(0, Number(position)), "utf8");
  return new StoreCorruptError(path, offset, `invalid JSON (${message})`, { cause: parseError });
}

function firstNonWhitespace(buf: Buffer): number {
  let i = 0;
  while (
    i < buf.length &&
    (buf[i] === 0x20 || buf[i] === 0x09 || buf[i] === 0x0a || buf[i] === 0x0d)
  )
    i++;
  return i;
}
