import type { EntryView } from "@session-reaper/store";
import type { Logger } from "./logger";
import { createAgeRule, maxRunsLimit, planSweep } from "./plan-sweep";
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
 * Age rules decide per entry (streaming `removeEntries`); a per-job cap needs every view first,
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
  const ageRule = createAgeRule(agePolicy, nowMs);
  const views: EntryView[] = [];
  const outcome = await backend.removeEntries(
    storePath,
    (view) => {
      views.push(view);
      return ageRule(view) !== null;
    },
    { dryRun },
  );
  // Same rules over the same views, so the plan names exactly what `select` chose.
  const plan = planSweep(views, agePolicy, nowMs);
  return { plan, outcome, entriesBefore: outcome.entriesBefore ?? views.length };
}
