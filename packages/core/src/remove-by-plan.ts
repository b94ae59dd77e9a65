import type { Logger } from "./logger";
import {
  ageCutoffs,
  maxRunsLimit,
  nextExpiryAfterAgeRemoval,
  planSweep,
  SweepPlanner,
} from "./plan-sweep";
import type {
  BackendAgeRemoveResult,
  BackendRemoveOptions,
  BackendRemoveResult,
  SessionStoreBackend,
} from "./session-store-backend";
import type { RemovalReason, SweepPlan, SweepPolicy } from "./types";

/** The plan a removal pass followed, computed from the views of that same locked pass. */
export interface PlannedRemoval {
  /**
   * Why the plan removes `key`; undefined for a key it keeps. Asked about the keys of
   * `outcome.removed` only.
   */
  reasonOf: (key: string) => RemovalReason | undefined;
  /** How many keys the plan removes. */
  planned: number;
  /** See SweepPlan.nextExpiryAt. */
  nextExpiryAt: number | null;
  outcome: BackendRemoveResult;
  entriesBefore: number;
}

/** A PlannedRemoval of a plan computed from views. */
function followed(
  plan: SweepPlan,
  outcome: BackendRemoveResult,
  entriesBefore: number,
): PlannedRemoval {
  const { remove } = plan;
  return {
    reasonOf: (key: string) => remove.get(key),
    planned: remove.size,
    nextExpiryAt: plan.nextExpiryAt,
    outcome,
    entriesBefore,
  };
}

/** Every entry a removal by age removed has expired: the plan removes exactly those. */
const EXPIRED = (): RemovalReason => "expired";

/**
 * Runs ONE backend removal pass whose selection is `planSweep` over the views of that pass.
 * Age rules go to the backend's `removeByAge` when it has one, or else decide per entry as the
 * pass streams them (`removeEntries`, planned on the fly by a {@link SweepPlanner}); a per-job
 * cap needs every view first,
 * so it goes through `removeSelected`, or is skipped with a warning when the backend lacks it.
 * Throws what the backend throws.
 */
export async function removeByPlan(params: {
  backend: SessionStoreBackend;
  storePath: string;
  policy: SweepPolicy;
  nowMs: number;
  dryRun: boolean;
  log: Logger;
  /** Passed to the backend: see BackendRemoveOptions.onSelected. */
  onSelected?: BackendRemoveOptions["onSelected"] | undefined;
}): Promise<PlannedRemoval> {
  const { backend, storePath, policy, nowMs, dryRun, log } = params;
  const options: BackendRemoveOptions = { dryRun, onSelected: params.onSelected };
  const limit = maxRunsLimit(policy);

  if (limit !== undefined && backend.removeSelected) {
    // A backend may retry internally; the plan of its last call is the one it applied.
    let plan = planSweep([], policy, nowMs);
    let entriesBefore = 0;
    const outcome = await backend.removeSelected(
      storePath,
      (views) => {
        plan = planSweep(views, policy, nowMs);
        entriesBefore = views.length;
        return new Set(plan.remove.keys());
      },
      options,
    );
    return followed(plan, outcome, outcome.entriesBefore ?? entriesBefore);
  }

  let agePolicy = policy;
  if (limit !== undefined) {
    log.warn(
      { storePath, backend: backend.name, maxRunsPerJob: limit },
      "session store backend cannot apply maxRunsPerJob; only retention rules used",
    );
    agePolicy = {
      cronRetentionMs: policy.cronRetentionMs,
      hookRetentionMs: policy.hookRetentionMs,
    };
  }
  if (backend.removeByAge) {
    const outcome = await backend.removeByAge(storePath, ageCutoffs(agePolicy, nowMs), options);
    checkAgeOutcome(outcome, backend.name);
    const { removed, entriesBefore, oldestKept } = outcome;
    // The plan planSweep gives for the same store removes exactly the entries removed; its next
    // expiry follows from the oldest stamp kept per kind.
    return {
      reasonOf: EXPIRED,
      planned: removed.length,
      nextExpiryAt: nextExpiryAfterAgeRemoval(oldestKept, agePolicy),
      outcome,
      entriesBefore,
    };
  }
  // Each view is classified and judged once, as the pass hands it over; the plan of the pass is
  // then complete without a second look at the keys.
  const planner = new SweepPlanner(agePolicy, nowMs);
  let entriesSeen = 0;
  const outcome = await backend.removeEntries(
    storePath,
    (view) => {
      entriesSeen += 1;
      return planner.add(view) !== null;
    },
    options,
  );
  return followed(planner.plan(), outcome, outcome.entriesBefore ?? entriesSeen);
}

/**
 * Throws a TypeError when a removal by age lacks what its plan is built from (the rest of the
 * result is checked for every pass by the sweep).
 */
function checkAgeOutcome(outcome: BackendAgeRemoveResult, backend: string): void {
  let problem: string | null = null;
  const count = outcome?.entriesBefore;
  const removed = Array.isArray(outcome?.removed) ? outcome.removed.length : 0;
  if (!Number.isSafeInteger(count) || count < removed) {
    problem = "no `entriesBefore` count of at least the removed entries";
  } else if (!isStamp(outcome.oldestKept?.cronRun) || !isStamp(outcome.oldestKept?.hook)) {
    problem = "no `oldestKept` with a number or null per kind";
  }
  if (problem !== null) {
    throw new TypeError(
      `Session store backend "${backend}" broke its contract: its removal by age has ${problem}`,
    );
  }
}

function isStamp(value: unknown): boolean {
  return value === null || (typeof value === "number" && !Number.isNaN(value));
}
