import type { ReaperResult, RemovalReason } from "@session-reaper/core";
import type { PolicyReport } from "./policy-report";
import type { StoreTarget } from "./resolve-store-targets";

/** One entry a sweep removed (or, in a dry run, would remove). */
export interface RemovedEntryReport {
  key: string;
  reason: RemovalReason;
  updatedAt: number | null;
  /** `nowMs - updatedAt`; null when the entry has no `updatedAt`. */
  ageMs: number | null;
  sessionId: string | null;
}

/** What `sweep` did to one store (`--json` → `stores[]`). Counts are 0 when nothing happened. */
export interface SweepStoreReport {
  storePath: string;
  agentId: string | null;
  /** `failed` when any step reported an error (entries may still have been removed). */
  status: "swept" | "skipped" | "failed";
  skipped: "throttled" | "disabled" | "unchanged" | null;
  error: { code: string; message: string } | null;
  entriesBefore: number | null;
  entriesAfter: number | null;
  removed: number;
  transcriptsArchived: number;
  archivesDeleted: number;
  bytesBefore: number | null;
  bytesAfter: number | null;
  durationMs: number;
  removedEntries: RemovedEntryReport[];
  archivedTranscripts: string[];
  deletedArchives: string[];
}

/** Sums over every store (`--json` → `totals`); before/after sums skip stores without a value. */
export interface SweepTotals {
  stores: number;
  failed: number;
  entriesBefore: number;
  entriesAfter: number;
  removed: number;
  transcriptsArchived: number;
  archivesDeleted: number;
  bytesBefore: number;
  bytesAfter: number;
  durationMs: number;
}

/** The one document `sweep --json` prints. */
export interface SweepReport {
  command: "sweep";
  ok: boolean;
  dryRun: boolean;
  nowMs: number;
  now: string;
  stateDir: string | null;
  policy: PolicyReport;
  stores: SweepStoreReport[];
  totals: SweepTotals;
}

function storeReport(result: ReaperResult, agentId: string | null, nowMs: number) {
  const status: SweepStoreReport["status"] = result.error
    ? "failed"
    : result.swept
      ? "swept"
      : "skipped";
  return {
    storePath: result.storePath,
    agentId,
    status,
    skipped: result.skipped ?? null,
    error: result.error ? { code: result.error.code, message: result.error.message } : null,
    entriesBefore: result.entriesBefore ?? null,
    entriesAfter: result.entriesAfter ?? null,
    removed: result.pruned,
    transcriptsArchived: result.archived,
    archivesDeleted: result.archivesRemoved,
    bytesBefore: result.bytesBefore ?? null,
    bytesAfter: result.bytesAfter ?? null,
    durationMs: Math.round(result.durationMs),
    removedEntries: result.removed.map((entry) => ({
      key: entry.key,
      reason: entry.reason,
      updatedAt: entry.updatedAt ?? null,
      ageMs: entry.updatedAt === undefined ? null : nowMs - entry.updatedAt,
      sessionId: entry.sessionId ?? null,
    })),
    archivedTranscripts: [...result.archivedPaths],
    deletedArchives: [...result.archivesRemovedPaths],
  } satisfies SweepStoreReport;
}

/** Builds the sweep document from core's per-store results (in the order they were swept). */
export function buildSweepReport(params: {
  results: ReaperResult[];
  targets: StoreTarget[];
  stateDir: string | null;
  policy: PolicyReport;
  dryRun: boolean;
  nowMs: number;
  durationMs: number;
}): SweepReport {
  const agents = new Map(params.targets.map((t) => [t.storePath, t.agentId]));
  const stores = params.results.map((r) =>
    storeReport(r, agents.get(r.storePath) ?? null, params.nowMs),
  );
  const sum = (pick: (s: SweepStoreReport) => number | null) =>
    stores.reduce((total, s) => total + (pick(s) ?? 0), 0);
  const failed = stores.filter((s) => s.status === "failed").length;
  return {
    command: "sweep",
    ok: failed === 0,
    dryRun: params.dryRun,
    nowMs: params.nowMs,
    now: new Date(params.nowMs).toISOString(),
    stateDir: params.stateDir,
    policy: params.policy,
    stores,
    totals: {
      stores: stores.length,
      failed,
      entriesBefore: sum((s) => s.entriesBefore),
      entriesAfter: sum((s) => s.entriesAfter),
      removed: sum((s) => s.removed),
      transcriptsArchived: sum((s) => s.transcriptsArchived),
      archivesDeleted: sum((s) => s.archivesDeleted),
      bytesBefore: sum((s) => s.bytesBefore),
      bytesAfter: sum((s) => s.bytesAfter),
      durationMs: Math.round(params.durationMs),
    },
  };
}
