import { classifySessionKey, parseCronRunSessionKey } from "@session-reaper/session-key";
import type { AgeCutoffs, EntryView, OldestKept } from "@session-reaper/store";
import { DEFAULT_CRON_RETENTION_MS } from "./constants";
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

function earlier(current: number | null, candidate: number): number {
  return current === null || candidate < current ? candidate : current;
}

/** What the planner keeps per entry: its key is classified once, when it is added. */
interface PlannedEntry {
  view: EntryView;
  /** Store position: breaks recency ties between runs (later in the file = newer). */
  position: number;
  isCronRun: boolean;
  /** Set by the age rules when added, or by the per-job cap when planned. */
  reason: RemovalReason | null;
  /** When an age rule will remove the entry, if it is kept for now; null if none covers it. */
  expiresAt: number | null;
}

/**
 * Builds a {@link SweepPlan} one entry at a time, so that the removal pass decides each entry's
 * age rule as it goes and the plan needs no second look at the keys. Each key must be added once;
 * `plan()` is called once, after the last `add`.
 */
export class SweepPlanner {
  /**
   * Keeps this class's object shape alive between sweeps, as StoreLayout.shapeKeeper in the
   * store package does for its own. Its fields hold values of the same kinds as a sweep's (a
   * retention in ms, null, a clock reading that is no small integer): V8 gives an object whose
   * numeric field holds a double rather than a small integer another shape.
   */
  static readonly shapeKeeper = new SweepPlanner(
    { cronRetentionMs: DEFAULT_CRON_RETENTION_MS, hookRetentionMs: null },
    Date.now(),
  );
  /** Kept only for the per-job cap, which compares entries; age rules alone stream. */
  private readonly entries: PlannedEntry[] = [];
  private readonly remove = new Map<string, RemovalReason>();
  private nextExpiryAt: number | null = null;
  private added = 0;
  private readonly cronRetentionMs: number | null;
  private readonly hookRetentionMs: number | null;
  private readonly limit: number | undefined;

  constructor(
    policy: SweepPolicy,
    private readonly nowMs: number,
  ) {
    this.cronRetentionMs = policy.cronRetentionMs;
    this.hookRetentionMs = policy.hookRetentionMs;
    this.limit = maxRunsLimit(policy);
  }

  /** Records an entry and returns the age rule's verdict on it (the per-job cap comes later). */
  add(view: EntryView, position = this.added): RemovalReason | null {
    let isCronRun = false;
    let retention: number | null = null;
    // A key is classified only when some rule could care what kind it is.
    if (
      this.cronRetentionMs !== null ||
      this.hookRetentionMs !== null ||
      this.limit !== undefined
    ) {
      const kind = classifySessionKey(view.key);
      isCronRun = kind === "cron-run";
      retention = isCronRun ? this.cronRetentionMs : kind === "hook" ? this.hookRetentionMs : null;
    }
    let reason: RemovalReason | null = null;
    let expiresAt: number | null = null;
    if (retention !== null) {
      const base = expiryBase(view);
      if (base < this.nowMs - retention) reason = "expired";
      else expiresAt = base + retention;
    }
    this.added++;
    if (this.limit !== undefined) {
      this.entries.push({ view, position, isCronRun, reason, expiresAt });
    } else if (reason !== null) {
      this.remove.set(view.key, reason);
    } else if (expiresAt !== null) {
      this.nextExpiryAt = earlier(this.nextExpiryAt, expiresAt);
    }
    return reason;
  }

  /** The plan over everything added: age verdicts, then the per-job cap, in store order. */
  plan(): SweepPlan {
    if (this.limit !== undefined) {
      this.applyRunLimit(this.limit);
      for (const entry of this.entries.splice(0)) {
        if (entry.reason !== null) this.remove.set(entry.view.key, entry.reason);
        else if (entry.expiresAt !== null) {
          this.nextExpiryAt = earlier(this.nextExpiryAt, entry.expiresAt);
        }
      }
    }
    const { remove, nextExpiryAt } = this;
    return { remove, kept: this.added - remove.size, nextExpiryAt };
  }

  /** Marks all but the newest `limit` runs of every (agent, job) as over the limit. */
  private applyRunLimit(limit: number): void {
    const jobs = new Map<string, Map<string, RunGroup>>();
    for (const entry of this.entries) {
      if (!entry.isCronRun) continue; // only run keys are parsed
      const parsed = parseCronRunSessionKey(entry.view.key);
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
        run.entries.push(entry);
        run.recency = Math.max(run.recency, recency(entry.view));
        run.position = Math.max(run.position, entry.position);
      } else {
        runs.set(parsed.runId, {
          entries: [entry],
          recency: recency(entry.view),
          position: entry.position,
        });
      }
    }
    for (const runs of jobs.values()) {
      if (runs.size <= limit) continue;
      const ranked = [...runs.values()].sort(
        (a, b) => b.recency - a.recency || b.position - a.position,
      );
      for (const run of ranked.slice(limit)) {
        for (const entry of run.entries) entry.reason ??= "over-limit";
      }
    }
  }
}

interface RunGroup {
  entries: PlannedEntry[];
  recency: number;
  position: number;
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
  // First occurrence fixes the order, the last one the view and the position (as JSON.parse).
  const views = new Map<string, { view: EntryView; position: number }>();
  let position = 0;
  for (const view of entries) views.set(view.key, { view, position: position++ });
  const planner = new SweepPlanner(policy, nowMs);
  for (const { view, position: at } of views.values()) planner.add(view, at);
  return planner.plan();
}

/**
 * The next expiry of a store after a removal by age (see SessionStoreBackend.removeByAge) under
 * `policy`'s age rules, as planSweep gives it for the same store: from the oldest stamp kept per
 * kind (every entry removed expired).
 */
export function nextExpiryAfterAgeRemoval(
  oldestKept: OldestKept,
  policy: SweepPolicy,
): number | null {
  let nextExpiryAt: number | null = null;
  // min(base) + retention = min(base + retention): adding a constant keeps the order.
  if (oldestKept.cronRun !== null && policy.cronRetentionMs !== null) {
    nextExpiryAt = earlier(nextExpiryAt, oldestKept.cronRun + policy.cronRetentionMs);
  }
  if (oldestKept.hook !== null && policy.hookRetentionMs !== null) {
    nextExpiryAt = earlier(nextExpiryAt, oldestKept.hook + policy.hookRetentionMs);
  }
  return nextExpiryAt;
}

/** The cutoffs of `policy`'s age rules at `nowMs`: entries stamped before them have expired. */
export function ageCutoffs(policy: SweepPolicy, nowMs: number): AgeCutoffs {
  const { cronRetentionMs, hookRetentionMs } = policy;
  return {
    cronRunsBefore: cronRetentionMs === null ? null : nowMs - cronRetentionMs,
    hooksBefore: hookRetentionMs === null ? null : nowMs - hookRetentionMs,
  };
}
