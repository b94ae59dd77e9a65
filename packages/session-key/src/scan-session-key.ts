import { nextSegment, segmentEnd, segmentIs, skipColons, trimEnd, trimStart } from "./key-segments";

/** Internal kind codes; numbers so the hot path compares integers and allocates nothing. */
export const KIND_INVALID = 0;
export const KIND_OTHER = 1;
export const KIND_CRON = 2;
export const KIND_CRON_RUN = 3;
export const KIND_HOOK = 4;
export type KindCode = 0 | 1 | 2 | 3 | 4;

/**
 * Classifies a key in one left-to-right pass over the original string (SPEC §1.3): trimmed,
 * case-insensitive, empty segments skipped, `agent:<id>:<rest>` required. Never throws.
 */
export function scanSessionKey(key: unknown): KindCode {
  if (typeof key !== "string") return KIND_INVALID;
  const start = trimStart(key, 0, key.length);
  const end = trimEnd(key, start, key.length);

  let at = skipColons(key, start, end);
  if (!segmentIs(key, at, segmentEnd(key, at, end), "agent")) return KIND_INVALID;
  at = nextSegment(key, at, end); // agent id
  if (at >= end) return KIND_INVALID;
  at = nextSegment(key, at, end); // first segment of the rest
  if (at >= end) return KIND_INVALID;

  const headEnd = segmentEnd(key, at, end);
  const isCron = segmentIs(key, at, headEnd, "cron");
  if (!isCron && !segmentIs(key, at, headEnd, "hook")) return KIND_OTHER;
  at = skipColons(key, headEnd, end); // job id or hook id
  if (at >= end) return KIND_OTHER;
  at = nextSegment(key, at, end);
  // A hook key has exactly one segment after "hook"; anything more is some other key.
  if (!isCron) return at >= end ? KIND_HOOK : KIND_OTHER;
  if (at >= end || !segmentIs(key, at, segmentEnd(key, at, end), "run")) return KIND_CRON;
  at = nextSegment(key, at, end); // run id; whatever follows it is an allowed suffix
  return at >= end ? KIND_CRON : KIND_CRON_RUN;
}
