import { classifySessionKey, parseCronRunSessionKey } from "@session-reaper/session-key";
import type { EntryView } from "@session-reaper/store";
import type { RemovalReason, SweepPlan, SweepPolicy } from "./types";

/** The per-job cap of a policy, or undefined when it is not a positive safe integer. */
export function maxRunsLimit(policy: SweepPolicy): number | undefined {
  const limit = policy.maxRunsPerJob;
  return limit !== undefined && Number.isSafeInteger(limit) && limit >= 1 ? limit : undefined;
}

/** True when the policy has at least one rule that can remove something. */
export function isPolicyEnabled(policy: SweepPolicy): boolean {
  return (
    policy.cronRetentionMs !== null ||
    policy.hookRetentionMs !== null ||
    maxRunsLimit(policy) !== undefined
  );
}

/** Time an entry's age is measured from; a missing stamp counts as epoch 0 (OpenClaw's rule). */
function expiryBase(view: EntryView): number {
  const at = view.updatedAt;
  return typeof at === "number" && Number.isFinite(at) ? at : 0;
}

/** Recency used to rank runs of a job; a missing stamp ranks below every real one. */
function recency(view: EntryView): number {
  const at = view.updatedAt;
  return typeof at === "number" && Number.isFinite(at) ? at : Number.NEGATIVE_INFINITY;
}

/**
 * The age rules alone, decided per entry: what the streaming sweep path uses when the policy
 * has no per-job cap. Gives the same answer as {@link planSweep} for such policies.
 */
export function createAgeRule(
  policy: SweepPolicy,
  nowMs: number,
): (view: EntryView) => RemovalReason | null {
  const cronCutoff = policy.cronRetentionMs === null ? null : nowMs - policy.cronRetentionMs;
  const hookCutoff = policy.hookRetentionMs === null ? null : nowMs - policy.hookRetentionMs;
  return (view) => {
    if (cronCutoff === null && hookCutoff === null) return null;
    const kind = classifySessionKey(view.key);
    if (kind === "cron-run") {
      return cronCutoff !== null && expiryBase(view) < cronCutoff ? "expired" : null;
    }
    if (kind === "hook") {
      return hookCutoff !== null && expiryBase(view) < hookCutoff ? "expired" : null;
    }
    return null;
  };
}

interface RunGroup {
  keys: string[];
  recency: number;
  /** Store position of the run's last entry: breaks recency ties (later in the file = newer). */
  position: number;
}

/** Marks the keys of all but the newest `limit` runs of every (agent, job) as over the limit. */
function applyRunLimit(
  views: Map<string, { view: EntryView; position: number }>,
  limit: number,
  remove: Map<string, RemovalReason>,
): void {
  const jobs = new Map<string, Map<string, RunGroup>>();
  for (const [key, { view, position }] of views) {
    const parsed = parseCronRunSessionKey(key);
    if (!parsed) continue;
    // Segments never contain ":", so this job key is unambiguous.
    const jobKey = `${parsed.agentId}:${parsed.jobId}`;
    let runs = jobs.get(jobKey);
    if (!runs) {
      runs = new Map();
      jobs.set(jobKey, runs);
    }
    const run = runs.get(parsed.runId);
    if (run) {
      run.keys.push(key);
      run.recency = Math.max(run.recency, recency(view));
      run.position = Math.max(run.position, position);
    } else {
      runs.set(parsed.runId, { keys: [key], recency: recency(view), position });
    }
  }
  for (const runs of jobs.values()) {
    if (runs.size <= limit) continue;
    const ranked = [...runs.values()].sort(
      (a, b) => b.recency - a.recency || b.position - a.position,
    );
    for (const run of ranked.slice(limit)) {
      for (const key of run.keys) if (!remove.has(key)) remove.set(key, "over-limit");
    }
  }
}

/**
 * Decides, without I/O, which entries a sweep removes. Cron run entries go when
 * `(updatedAt ?? 0) < nowMs - cronRetentionMs` (`expired`) or when their run is not among the
 * newest `maxRunsPerJob` runs of its (agent, job) (`over-limit`; ties: the run appearing later in
 * the store is newer); hook entries go by `hookRetentionMs`; every other key stays. A duplicated
 * key counts once, with its last view (as `JSON.parse` does). Never throws.
 */
export function planSweep(
  entries: Iterable<EntryView>,
  policy: SweepPolicy,
  nowMs: number,
): SweepPlan {
  const views = new Map<string, { view: EntryView; position: number }>();
  let position = 0;
  for (const view of entries) views.set(view.key, { view, position: position++ });

  const ageRule = createAgeRule(policy, nowMs);
  const found = new Map<string, RemovalReason>();
  for (const [key, { view }] of views) {
    if (ageRule(view)) found.set(key, "expired");
  }
  const limit = maxRunsLimit(policy);
  if (limit !== undefined) applyRunLimit(views, limit, found);

  // Rebuild in store order, and find when the next kept entry falls under an age rule.
  const remove = new Map<string, RemovalReason>();
  let nextExpiryAt: number | null = null;
  for (const [key, { view }] of views) {
    const reason = found.get(key);
    if (reason) {
      remove.set(key, reason);
      continue;
    }
    const kind = classifySessionKey(key);
    const retention =
      kind === "cron-run"
        ? policy.cronRetentionMs
        : kind === "hook"
          ? policy.hookRetentionMs
          : null;
    if (retention === null) continue;
    const expiresAt = expiryBase(view) + retention;
    if (nextExpiryAt === null || expiresAt < nextExpiryAt) nextExpiryAt = expiresAt;
  }
  return { remove, kept: views.size - remove.size, nextExpiryAt };
}
