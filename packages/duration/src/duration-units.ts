/** Units of the compact form, largest first: the only order a compound may use. */
export const COMPACT_UNITS = ["w", "d", "h", "m", "s", "ms"] as const;

/** A unit of the compact form; also the accepted values of `defaultUnit`. */
export type DurationUnit = (typeof COMPACT_UNITS)[number];

/** Milliseconds per compact unit. */
export const UNIT_MS: Readonly<Record<DurationUnit, number>> = {
  w: 604_800_000,
  d: 86_400_000,
  h: 3_600_000,
  m: 60_000,
  s: 1_000,
  ms: 1,
};

/** True when `value` names a compact unit (`ms s m h d w`). */
export function isDurationUnit(value: unknown): value is DurationUnit {
  return typeof value === "string" && Object.hasOwn(UNIT_MS, value);
}
