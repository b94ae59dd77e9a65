// Index-based helpers for walking a session key's ':'-separated segments without allocating.
// They see the key the way `key.trim().toLowerCase().split(":").filter(Boolean)` would.

const COLON = 58;
const LOWER_K = 107;
const KELVIN_SIGN = 0x212a;

/** True for exactly the UTF-16 code units that `String.prototype.trim` strips. */
export function isTrimmedSpace(code: number): boolean {
  if (code > 32 && code < 0xa0) return false; // fast path: printable ASCII
  return (
    code === 32 ||
    (code >= 9 && code <= 13) ||
    code === 0xa0 ||
    code === 0x1680 ||
    (code >= 0x2000 && code <= 0x200a) ||
    code === 0x2028 ||
    code === 0x2029 ||
    code === 0x202f ||
    code === 0x205f ||
    code === 0x3000 ||
    code === 0xfeff
  );
}

/** Index of the first non-space code unit at or after `start`. */
export function trimStart(key: string, start: number, end: number): number {
  let i = start;
  while (i < end && isTrimmedSpace(key.charCodeAt(i))) i++;
  return i;
}

/** Index just past the last non-space code unit before `end`. */
export function trimEnd(key: string, start: number, end: number): number {
  let i = end;
  while (i > start && isTrimmedSpace(key.charCodeAt(i - 1))) i--;
  return i;
}

/** Index of the first non-':' at or after `i`, i.e. where the next non-empty segment starts. */
export function skipColons(key: string, i: number, end: number): number {
  let at = i;
  while (at < end && key.charCodeAt(at) === COLON) at++;
  return at;
}

/** Index of the ':' ending the segment that starts at `start` (or `end`). */
export function segmentEnd(key: string, start: number, end: number): number {
  const colon = key.indexOf(":", start);
  return colon === -1 || colon > end ? end : colon;
}

/** Start of the non-empty segment after the one starting at `start` (`end` if there is none). */
export function nextSegment(key: string, start: number, end: number): number {
  return skipColons(key, segmentEnd(key, start, end), end);
}

/**
 * True when `key[start, stop)` lower-cases to `word` (lower-case ASCII). Compares code unit by
 * code unit: the only BMP characters that lower-case to a lone ASCII letter are A–Z and the
 * Kelvin sign (→ "k"), and no context-dependent lower-casing produces ASCII.
 */
export function segmentIs(key: string, start: number, stop: number, word: string): boolean {
  if (stop - start !== word.length) return false;
  for (let k = 0; k < word.length; k++) {
    let code = key.charCodeAt(start + k);
    if (code >= 65 && code <= 90) code += 32;
    else if (code === KELVIN_SIGN) code = LOWER_K;
    if (code !== word.charCodeAt(k)) return false;
  }
  return true;
}
