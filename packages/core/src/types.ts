/** The `cron` section of a host config that the reaper reads. */
export interface CronConfig {
  /** Duration string (bare numbers are hours), or `false` to keep cron run sessions forever. */
  sessionRetention?: string | false;
  /** Keep only the newest N runs of each (agent, job); a positive integer. */
  maxRunsPerJob?: number;
}

/** The `hooks` section of a host config that the reaper reads. */
export interface HooksConfig {
  /** Duration string (bare numbers are hours), or `false`; hook sessions are kept when absent. */
  sessionRetention?: string | false;
}

/** A resolved policy; `null` disables a rule. Build it with `resolveSweepPolicy` to validate it. */
export interface SweepPolicy {
  cronRetentionMs: number | null;
  hookRetentionMs: number | null;
  /** Ignored unless a positive safe integer. */
  maxRunsPerJob?: number;
}

/** Why an entry is removed: too old (`expired`) or beyond the newest `maxRunsPerJob` runs. */
export type RemovalReason = "expired" | "over-limit";

/** The outcome of {@link planSweep}. */
export interface SweepPlan {
  /** Keys to remove, with the reason (in store order). */
  remove: Map<string, RemovalReason>;
  /** Number of distinct keys that stay. */
  kept: number;
  /** Earliest `updatedAt + retention` over the kept entries an age rule covers; null if none. */
  nextExpiryAt: number | null;
}

/** One removed (or, in a dry run, removable) entry. */
export interface RemovedEntry {
  key: string;
  reason: RemovalReason;
  updatedAt?: number;
  sessionId?: string;
}

/** What one sweep of one store did (OpenClaw's fields first). Never thrown, always returned. */
export interface ReaperResult {
  /** True when the store was actually scanned (false when skipped or failed). */
  swept: boolean;
  pruned: number;
  archived: number;
  archivesRemoved: number;
  dryRun: boolean;
  prunedKeys: string[];
  skipped?: "throttled" | "disabled" | "unchanged";
  /** Set when a step failed; with `swept: true` the entries were removed but a transcript step failed. */
  error?: { code: string; message: string };
  storePath: string;
  removed: RemovedEntry[];
  /** Transcripts archived (dry run: that would be), by their original paths. */
  archivedPaths: string[];
  /** Old archives deleted (dry run: that would be). */
  archivesRemovedPaths: string[];
  entriesBefore?: number;
  entriesAfter?: number;
  bytesBefore?: number;
  bytesAfter?: number;
  /** Wall time the call took (monotonic clock). */
  durationMs: number;
  nextExpiryAt?: number | null;
}

/** Per-call options of a sweep. */
export interface SweepOptions {
  /** Bypass the throttle (and the unchanged-store skip). */
  force?: boolean;
  /** Plan and report, change nothing on disk, leave the throttle alone. */
  dryRun?: boolean;
  /** The clock for this sweep (expiry, archive stamps, archive cleanup, throttle). */
  nowMs?: number;
}
