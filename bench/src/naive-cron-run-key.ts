// The straightforward classifier the library is compared with: it allocates a trimmed copy, a
// lower-cased copy, a segment array, a filtered array and a joined string, then runs a regex,
// on every call.
const CRON_RUN_REST = /^cron:[^:]+:run:[^:]+(?::.+)?$/;

/** SPEC §1.3 cron-run test, written the obvious way (trim, lower-case, split, filter, join, regex). */
export function naiveIsCronRunSessionKey(key: string | null | undefined): boolean {
  if (typeof key !== "string") return false;
  const parts = key.trim().toLowerCase().split(":").filter(Boolean);
  if (parts.length < 3 || parts[0] !== "agent") return false;
  return CRON_RUN_REST.test(parts.slice(2).join(":"));
}
