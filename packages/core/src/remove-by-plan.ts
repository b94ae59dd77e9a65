import type { Logger } from "./logger";
import { maxRunsLimit, planSweep, SweepPlanner } from "./plan-sweep";
import type { BackendRemoveResult, SessionStoreBackend } from "./session-store-backend";
import type { SweepPlan, SweepPolicy } from "./types";

/** The plan a removal pass followed, computed from the views of that same locked pass. */
export interface PlannedRemoval {
  plan: SweepPlan;
  outcome: BackendRemoveResult;
  entriesBefore: number;
}

/**
 * Runs ONE backend removal pass whose selection is `planSweep` over the views of that pass.
 * Age rules decide per entry as the pass streams them (`removeEntries`, planned on the fly by a
 * {@link SweepPlanner}); a per-job cap needs every view first,
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
}): Promise<PlannedRemoval> {
  const { backend, storePath, policy, nowMs, dryRun, log } = params;
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
      { dryRun },
    );
    return { plan, outcome, entriesBefore: outcome.entriesBefore ?? entriesBefore };
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
    { dryRun },
  );
  return { plan: planner.plan(), outcome, entriesBefore: outcome.entriesBefore ?? entriesSeen };
}
