import type { ArchiveReason } from "./types";

const STAMP = /^\d{4}-\d{2}-\d{2}T\d{2}-\d{2}-\d{2}\.\d{3}Z$/;
/** Every ArchiveReason, as it appears between dots in an archive name. */
const REASONS: readonly ArchiveReason[] = ["deleted", "reset"];
const REASON_MARKS = REASONS.map((reason) => `.${reason}.`);
/** `<original>.<reason>.<stamp>`, optionally `.<n>` when that name was already taken. */
const ARCHIVE_NAME = new RegExp(
  `^(.+)\\.(${REASONS.join("|")})\\.(${STAMP.source.slice(1, -1)})(?:\\.([1-9]\\d{0,8}))?$`,
);

/** The parts of an archive file name. */
export interface ArchiveFileName {
  /** Name of the transcript before it was archived. */
  originalName: string;
  reason: ArchiveReason;
  /** The archive time, from the name's stamp. */
  archivedAtMs: number;
  /** Collision counter: 0 for the plain name, n for the `.<n>` suffix. */
  counter: number;
}

/**
 * Formats `nowMs` as an archive stamp: ISO-8601 UTC with `:` replaced by `-`
 * (`2026-02-14T10-30-00.123Z`). Throws RangeError for a time outside years 0000–9999.
 */
export function formatArchiveStamp(nowMs: number): string {
  const iso = new Date(nowMs).toISOString(); // throws RangeError for NaN / out-of-range times
  if (iso.length !== 24) throw new RangeError(`Cannot stamp an archive with time ${nowMs}`);
  return iso.replaceAll(":", "-");
}

/** Parses an archive stamp back to epoch ms; null if it is not exactly a valid stamp. */
export function parseArchiveStamp(stamp: string): number | null {
  if (!STAMP.test(stamp)) return null;
  // Back to the ISO form: `YYYY-MM-DDTHH:mm:ss.sssZ` (the date part keeps its dashes).
  const ms = Date.parse(`${stamp.slice(0, 13)}:${stamp.slice(14, 16)}:${stamp.slice(17)}`);
  // Date.parse may roll over (Feb 30 → Mar 2); a real stamp formats back to itself.
  return Number.isFinite(ms) && formatArchiveStamp(ms) === stamp ? ms : null;
}

/** Splits `<original>.<reason>.<stamp>[.<n>]`; null for any other name or an invalid stamp. */
export function parseArchiveFileName(fileName: string): ArchiveFileName | null {
  // Directories hold mostly other names: a substring check is much cheaper than the pattern.
  if (!REASON_MARKS.some((mark) => fileName.includes(mark))) return null;
  const match = ARCHIVE_NAME.exec(fileName);
  if (!match) return null;
  const [, originalName, reason, stamp, counter] = match;
  const archivedAtMs = parseArchiveStamp(stamp ?? "");
  if (archivedAtMs === null || originalName === undefined) return null;
  return {
    originalName,
    reason: reason as ArchiveReason,
    archivedAtMs,
    counter: counter === undefined ? 0 : Number(counter),
  };
}
