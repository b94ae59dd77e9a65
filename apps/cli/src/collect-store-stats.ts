import { planSweep, type SweepPolicy } from "@session-reaper/core";
import { classifySessionKey } from "@session-reaper/session-key";
import { isStoreError, readSessionEntryViews } from "@session-reaper/store";
import type { StoreTarget } from "./resolve-store-targets";
import { scanStoreDir } from "./scan-store-dir";
import { addAge, emptyAgeBuckets, emptyKinds, type StoreStats } from "./stats-report";

const KIND_FIELD = {
  "cron-run": "cronRun",
  cron: "cron",
  hook: "hook",
  other: "other",
  invalid: "invalid",
} as const;

/** The stats of a store that could not be read: zero counts and the error. */
function failedStats(target: StoreTarget, error: unknown): StoreStats {
  const code = isStoreError(error)
    ? error.code
    : ((error as NodeJS.ErrnoException).code ?? "STORE_IO");
  return {
    ...target,
    error: { code, message: error instanceof Error ? error.message : String(error) },
    bytes: 0,
    entries: emptyKinds(),
    wouldRemove: { total: 0, expired: 0, overLimit: 0 },
    nextExpiryAt: null,
    transcripts: { count: 0, bytes: 0 },
    archives: { count: 0, bytes: 0 },
    cronRunAges: emptyAgeBuckets(),
  };
}

/**
 * Reads one store without locking or writing: entries by kind, what `policy` would remove at
 * `nowMs` (the same plan a sweep uses), cron-run ages, and the transcript/archive files beside
 * it. Never throws: a corrupt or unreadable store comes back with `error` set.
 */
export async function collectStoreStats(
  target: StoreTarget,
  policy: SweepPolicy,
  nowMs: number,
): Promise<StoreStats> {
  try {
    const { entries, bytes } = await readSessionEntryViews(target.storePath);
    const kinds = emptyKinds();
    const ages = emptyAgeBuckets();
    for (const entry of entries) {
      const kind = classifySessionKey(entry.key);
      kinds[KIND_FIELD[kind]] += 1;
      // Same convention as the plan: an entry without updatedAt is as old as it gets.
      if (kind === "cron-run") addAge(ages, nowMs - (entry.updatedAt ?? 0));
    }
    kinds.total = entries.length;
    const plan = planSweep(entries, policy, nowMs);
    let expired = 0;
    for (const reason of plan.remove.values()) if (reason === "expired") expired += 1;
    const files = await scanStoreDir(target.storePath);
    return {
      ...target,
      error: null,
      bytes,
      entries: kinds,
      wouldRemove: { total: plan.remove.size, expired, overLimit: plan.remove.size - expired },
      nextExpiryAt: plan.nextExpiryAt,
      ...files,
      cronRunAges: ages,
    };
  } catch (error) {
    return failedStats(target, error);
  }
}
