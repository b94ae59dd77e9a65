import type { SessionKeyKind } from "./classify-session-key";

const COLON = 0x3a;
const SPACE = 0x20;

// The keywords as lower-case ASCII bytes; a byte matches when it lower-cases to them.
const AGENT = [0x61, 0x67, 0x65, 0x6e, 0x74];
const CRON = [0x63, 0x72, 0x6f, 0x6e];
const HOOK = [0x68, 0x6f, 0x6f, 0x6b];
const RUN = [0x72, 0x75, 0x6e];

/** ASCII bytes that `String.prototype.trim` strips: tab to carriage return, and space. */
function isSpace(byte: number): boolean {
  return byte === SPACE || (byte >= 9 && byte <= 13);
}

function skipColons(bytes: Uint8Array, i: number, end: number): number {
  let at = i;
  while (at < end && bytes[at] === COLON) at++;
  return at;
}

function segmentEnd(bytes: Uint8Array, start: number, end: number): number {
  let at = start;
  while (at < end && bytes[at] !== COLON) at++;
  return at;
}

function nextSegment(bytes: Uint8Array, start: number, end: number): number {
  return skipColons(bytes, segmentEnd(bytes, start, end), end);
}

function segmentIs(bytes: Uint8Array, start: number, stop: number, word: number[]): boolean {
  if (stop - start !== word.length) return false;
  for (let k = 0; k < word.length; k++) {
    let byte = bytes[start + k] as number;
    if (byte >= 0x41 && byte <= 0x5a) byte += 0x20;
    if (byte !== word[k]) return false;
  }
  return true;
}

/**
 * Classifies the session key spelled by the bytes [start, end) of `bytes` without decoding it:
 * the same kind as `classifySessionKey` gives for the key whose characters are those bytes, or
 * null when a byte is not ASCII (the key must then be decoded and classified as a string: UTF-8
 * and escapes can spell spaces that trimming removes, or letters such as the Kelvin sign that
 * lower-case to ASCII). Meant for keys read straight from a file; never throws.
 */
export function classifySessionKeyBytes(
  bytes: Uint8Array,
  start: number,
  end: number,
): SessionKeyKind | null {
  for (let i = start; i < end; i++) if ((bytes[i] as number) >= 0x80) return null;
  let from = start;
  let to = end;
  while (from < to && isSpace(bytes[from] as number)) from++;
  while (to > from && isSpace(bytes[to - 1] as number)) to--;

  let at = skipColons(bytes, from, to);
  if (!segmentIs(bytes, at, segmentEnd(bytes, at, to), AGENT)) return "invalid";
  at = nextSegment(bytes, at, to); // agent id
  if (at >= to) return "invalid";
  at = nextSegment(bytes, at, to); // first segment of the rest
  if (at >= to) return "invalid";

  const headEnd = segmentEnd(bytes, at, to);
  const isCron = segmentIs(bytes, at, headEnd, CRON);
  if (!isCron && !segmentIs(bytes, at, headEnd, HOOK)) return "other";
  at = skipColons(bytes, headEnd, to); // job id or hook id
  if (at >= to) return "other";
  at = nextSegment(bytes, at, to);
  // A hook key has exactly one segment after "hook"; anything more is some other key.
  if (!isCron) return at >= to ? "hook" : "other";
  if (at >= to || !segmentIs(bytes, at, segmentEnd(bytes, at, to), RUN)) return "cron";
  at = nextSegment(bytes, at, to); // run id; whatever follows it is an allowed suffix
  return at >= to ? "cron" : "cron-run";
}
