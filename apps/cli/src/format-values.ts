const COUNT = new Intl.NumberFormat("en-US");
const BYTE_UNITS = ["kB", "MB", "GB", "TB"] as const;
const AGE_UNITS: [string, number][] = [
  ["d", 86_400_000],
  ["h", 3_600_000],
  ["m", 60_000],
  ["s", 1000],
];

/** `12345` → `"12,345"` (fixed locale so output is the same everywhere). */
export function formatCount(value: number): string {
  return COUNT.format(value);
}

/** Decimal byte sizes: `"512 B"`, `"13.2 kB"`, `"105.0 MB"`. */
export function formatBytes(bytes: number): string {
  if (bytes < 1000) return `${bytes} B`;
  let value = bytes;
  let unit: string = "B";
  for (const next of BYTE_UNITS) {
    if (value < 1000) break;
    value /= 1000;
    unit = next;
  }
  return `${value.toFixed(1)} ${unit}`;
}

/**
 * An age cut to its two largest units, for listings: `"3d2h"`, `"5h12m"`, `"42s"`.
 * Missing → `"unknown age"`; a time in the future → `"0s"`.
 */
export function formatAge(ageMs: number | null): string {
  if (ageMs === null) return "unknown age";
  let rest = Math.max(0, Math.floor(ageMs / 1000) * 1000);
  const first = AGE_UNITS.findIndex(([, size]) => rest >= size);
  if (first === -1) return "0s";
  return AGE_UNITS.slice(first, first + 2)
    .map(([unit, size]) => {
      const amount = Math.floor(rest / size);
      rest -= amount * size;
      return amount > 0 ? `${amount}${unit}` : "";
    })
    .join("");
}

/** A run time for output lines: `"35ms"` below a second, else `"1.2s"`. */
export function formatElapsed(ms: number): string {
  return ms < 1000 ? `${Math.round(ms)}ms` : `${(ms / 1000).toFixed(1)}s`;
}

/** `"1 store"`, `"2,000 stores"`: a count with its noun, plural unless exactly one. */
export function formatCountOf(count: number, noun: string): string {
  return `${formatCount(count)} ${count === 1 ? noun : `${noun}s`}`;
}
