/**
 * Parses a non-negative integer command-line value (underscores allowed: `20_000`); `fallback`
 * when absent. Throws an Error naming the flag for anything else.
 */
export function intFlag(name: string, raw: string | undefined, fallback: number): number {
  if (raw === undefined) return fallback;
  const value = Number(raw.replaceAll("_", ""));
  if (!/^\d[\d_]*$/.test(raw) || !Number.isSafeInteger(value)) {
    throw new Error(`--${name} must be a non-negative integer, got ${JSON.stringify(raw)}`);
  }
  return value;
}
