import { dirname, resolve } from "node:path";
import { performance } from "node:perf_hooks";
import { cleanupArchivedTranscripts } from "@session-reaper/store";
import { type ArchiveOutcome, archiveRemovedTranscripts } from "./archive-removed-transcripts";
import { DEFAULT_CRON_RETENTION_MS } from "./constants";
import type { Logger } from "./logger";
import { isPolicyEnabled } from "./plan-sweep";
import { emptyReaperResult, reaperErrorInfo } from "./reaper-result";
import { removeByPlan } from "./remove-by-plan";
import type {
  BackendRemoveResult,
  BackendSelection,
  SessionStoreBackend,
} from "./session-store-backend";
import type { ReaperResult, RemovedEntry, SweepPolicy } from "./types";

/** What the reaper remembers about a store whose last sweep found nothing to remove. */
interface QuietStore {
  identity: string;
  policyKey: string;
  backend: string;
  nextExpiryAt: number | null;
  /** Until when a sweep of the unchanged store may be skipped (null: until it changes). */
  validUntil: number | null;
}

/** Per-reaper memory: the throttle and the unchanged-store skip, keyed by resolved store path. */
export interface SweepState {
  lastSweepAt: Map<string, number>;
  quiet: Map<string, QuietStore>;
}

/** A fresh, empty sweep state. */
export function createSweepState(): SweepState {
  return { lastSweepAt: new Map(), quiet: new Map() };
}

/** Everything one sweep needs; `resolvePolicy` runs only once the throttle lets the sweep in. */
export interface RunSweepParams {
  state: SweepState;
  storePath: string;
  backend: SessionStoreBackend;
  log: Logger;
  resolvePolicy: () => SweepPolicy;
  nowMs: number;
  force: boolean;
  dryRun: boolean;
  minIntervalMs: number;
}

/** Archives are kept as long as the longest enabled retention (24 h when none is enabled). */
function archiveRetentionMs(policy: SweepPolicy): number {
  const enabled = [policy.cronRetentionMs, policy.hookRetentionMs].filter(
    (ms): ms is number => ms !== null,
  );
  return enabled.length > 0 ? Math.max(...enabled) : DEFAULT_CRON_RETENTION_MS;
}

async function identifySafely(p: RunSweepParams): Promise<string | null> {
  if (!p.backend.identify) return null;
  try {
    return await p.backend.identify(p.storePath);
  } catch (error) {
    p.log.debug({ storePath: p.storePath, err: error }, "session store identify failed");
    return null;
  }
}

/**
 * The fingerprint of the store as the pass left it: the backend's own, taken under its lock,
 * or — for backends that do not report one — the pre-pass fingerprint if nothing was removed
 * and the file is still that one. Null when unknown.
 */
async function identityLeftBehind(
  p: RunSweepParams,
  outcome: BackendRemoveResult,
  identityBefore: string | null,
): Promise<string | null> {
  if (outcome.identityAfter !== undefined) return outcome.identityAfter;
  if (outcome.removed.length > 0 || identityBefore === null) return null;
  return (await identifySafely(p)) === identityBefore ? identityBefore : null;
}

/**
 * One sweep of one store: throttle → policy → unchanged-store skip → one locked removal →
 * transcript archiving → archive cleanup. Never throws; failures come back in `error` (a bad
 * store path as `INVALID_STORE_PATH`; anything unexpected, e.g. a backend breaking its
 * contract, under its own code or `SWEEP_FAILED`).
 */
export async function runSweep(p: RunSweepParams): Promise<ReaperResult> {
  const started = performance.now();
  const { storePath, dryRun } = p;
  try {
    if (typeof storePath !== "string" || storePath.trim() === "") {
      const error = Object.assign(
        new TypeError(
          `The session store path must be a non-empty string, got ${JSON.stringify(storePath) ?? String(storePath)}`,
        ),
        { code: "INVALID_STORE_PATH" },
      );
      throw error;
    }
    return await sweepStore(p, started);
  } catch (error) {
    const result = emptyReaperResult(
      typeof storePath === "string" ? storePath : String(storePath),
      dryRun === true,
    );
    result.error = reaperErrorInfo(error);
    result.durationMs = performance.now() - started;
    p.log.warn(
      { storePath, backend: p.backend?.name, code: result.error.code, err: error },
      "session sweep failed",
    );
    return result;
  }
}

async function sweepStore(p: RunSweepParams, started: number): Promise<ReaperResult> {
  const { state, storePath, backend, log, nowMs, dryRun } = p;
  const pathKey = resolve(storePath);
  const result = emptyReaperResult(storePath, dryRun);
  const finish = (): ReaperResult => {
    result.durationMs = performance.now() - started;
    return result;
  };
  const skip = (skipped: NonNullable<ReaperResult["skipped"]>): ReaperResult => {
    result.skipped = skipped;
    log.debug({ storePath, skipped }, "session sweep skipped");
    return finish();
  };
  // A dry run changes nothing, reaper state included: it never delays the next real sweep.
  const advanceThrottle = () => {
    if (!dryRun) state.lastSweepAt.set(pathKey, nowMs);
  };

  const last = state.lastSweepAt.get(pathKey);
  if (!p.force && last !== undefined && nowMs - last < p.minIntervalMs) return skip("throttled");

  const policy = p.resolvePolicy();
  if (!isPolicyEnabled(policy)) {
    advanceThrottle();
    return skip("disabled");
  }
  const policyKey = JSON.stringify([
    policy.cronRetentionMs,
    policy.hookRetentionMs,
    policy.maxRunsPerJob,
  ]);
  const identity = await identifySafely(p);
  const quiet = state.quiet.get(pathKey);
  if (
    !p.force &&
    identity !== null &&
    quiet?.identity === identity &&
    quiet.policyKey === policyKey &&
    quiet.backend === backend.name &&
    (quiet.validUntil === null || nowMs < quiet.validUntil)
  ) {
    advanceThrottle();
    result.nextExpiryAt = quiet.nextExpiryAt;
    return skip("unchanged");
  }
  state.quiet.delete(pathKey);

  const archiveOf = (selection: BackendSelection, renameAfter?: Promise<boolean>) =>
    archiveRemovedTranscripts(
      selection.removed,
      { sessionIds: selection.remainingSessionIds, sessionFiles: selection.remainingSessionFiles },
      { storePath, nowMs, dryRun, log, renameAfter },
    );
  // A backend that reports its selection before writing gets the transcripts checked while the
  // write is in flight; they are renamed only once the pass resolved with that same selection.
  const early: EarlyArchive[] = [];
  const onSelected = (selection: BackendSelection) => {
    // A backend that decides again (a retry) replaces its earlier selection.
    for (const previous of early) previous.go(false);
    // A malformed selection starts nothing; the pass's result is checked on its own.
    if (!Array.isArray(selection?.removed)) return;
    let go: (renames: boolean) => void = () => undefined;
    const gate = new Promise<boolean>((resolve) => {
      go = resolve;
    });
    // Never rejects: it may not be awaited before the pass is over.
    const archive = archiveOf(selection, gate).catch((error: unknown) => ({ paths: [], error }));
    early.push({ selection, removedCount: selection.removed.length, go, archive });
  };
  // Whatever happens, no early archive is left waiting: those not used archive nothing.
  const settleEarly = async (used?: EarlyArchive) => {
    for (const item of early) if (item !== used) item.go(false);
    await Promise.all(early.map((item) => item.archive));
  };

  let removal: Awaited<ReturnType<typeof removeByPlan>>;
  try {
    removal = await removeByPlan({ backend, storePath, policy, nowMs, dryRun, log, onSelected });
    checkBackendOutcome(removal.outcome, backend.name);
  } catch (error) {
    await settleEarly();
    result.error = reaperErrorInfo(error);
    log.warn(
      { storePath, backend: backend.name, code: result.error.code, err: error },
      "session sweep failed",
    );
    return finish();
  }
  const { reasonOf, planned, nextExpiryAt, outcome, entriesBefore } = removal;
  result.swept = true;
  result.nextExpiryAt = nextExpiryAt;
  result.removed = outcome.removed.map((view): RemovedEntry => {
    const reason = reasonOf(view.key);
    if (!reason) {
      log.warn({ storePath, key: view.key }, "session store backend removed an unplanned entry");
    }
    const entry: RemovedEntry = { key: view.key, reason: reason ?? "expired" };
    if (view.updatedAt !== undefined) entry.updatedAt = view.updatedAt;
    if (view.sessionId !== undefined) entry.sessionId = view.sessionId;
    return entry;
  });
  result.prunedKeys = result.removed.map((entry) => entry.key);
  result.pruned = result.removed.length;
  result.entriesBefore = entriesBefore;
  result.entriesAfter = entriesBefore - result.pruned;
  if (outcome.bytesBefore !== undefined) result.bytesBefore = outcome.bytesBefore;
  if (outcome.bytesAfter !== undefined) result.bytesAfter = outcome.bytesAfter;

  // Archiving and cleanup run side by side: cleanup only deletes archives stamped before
  // `nowMs - keepArchivesMs`, and every archive made now is stamped `nowMs`, so neither touches
  // what the other works on.
  const keepArchivesMs = archiveRetentionMs(policy);
  const latest = early.at(-1);
  const used = latest !== undefined && isSelectionOf(latest, outcome) ? latest : undefined;
  used?.go(true);
  const [archive, cleanup] = await Promise.all([
    used === undefined ? archiveOf(outcome) : used.archive,
    cleanupOldArchives(storePath, dirname(pathKey), keepArchivesMs, nowMs, dryRun, log),
    settleEarly(used),
  ]);
  result.archivedPaths = archive.paths;
  result.archived = archive.paths.length;
  result.archivesRemovedPaths = cleanup.paths;
  result.archivesRemoved = cleanup.paths.length;
  const stepError = archive.error ?? cleanup.error;
  // The entries are gone either way, so the throttle advances; a transcript error is still reported.
  if (stepError !== undefined) result.error = reaperErrorInfo(stepError);
  advanceThrottle();

  // Remember the store as this sweep left it; until it changes or an entry is due, the next
  // sweep need not read it. A dry run that found work (entries or archives to remove) left that
  // work undone, so it must not make the next real sweep skip the store.
  const leftIdentity = await identityLeftBehind(p, outcome, identity);
  const workLeft = dryRun && (planned > 0 || cleanup.paths.length > 0);
  if (leftIdentity !== null && !workLeft) {
    const nextExpiry = nextExpiryAt;
    // Re-sweep when the oldest archive left in place becomes deletable, and at least once per
    // archive retention (for archives made meanwhile), so archive cleanup is never starved.
    const archiveDue =
      cleanup.oldestRemainingMs === null
        ? nowMs + keepArchivesMs
        : Math.min(nowMs + keepArchivesMs, cleanup.oldestRemainingMs + keepArchivesMs + 1);
    state.quiet.set(pathKey, {
      identity: leftIdentity,
      policyKey,
      backend: backend.name,
      nextExpiryAt: nextExpiry,
      validUntil: nextExpiry === null ? archiveDue : Math.min(nextExpiry, archiveDue),
    });
  }
  finish();
  logOutcome(log, result, backend.name);
  return result;
}

/** An archive batch started on a backend's selection; its renames wait for `go(true)`. */
interface EarlyArchive {
  selection: BackendSelection;
  /** The length of `selection.removed` when it was handed over. */
  removedCount: number;
  go: (renames: boolean) => void;
  archive: Promise<ArchiveOutcome>;
}

/** True when the pass resolved with exactly the selection the early archive checked. */
function isSelectionOf(early: EarlyArchive, outcome: BackendRemoveResult): boolean {
  const { selection } = early;
  return (
    selection.removed === outcome.removed &&
    early.removedCount === outcome.removed.length &&
    selection.remainingSessionIds === outcome.remainingSessionIds &&
    selection.remainingSessionFiles === outcome.remainingSessionFiles
  );
}

/**
 * Throws a TypeError when a backend's removal result lacks what the rest of the sweep relies on:
 * the removed views, and the remaining references that keep transcripts from being archived.
 */
function checkBackendOutcome(outcome: BackendRemoveResult, backend: string): void {
  let problem: string | null = null;
  if (!Array.isArray(outcome?.removed)) problem = "no `removed` array";
  else if (!isStringSet(outcome.remainingSessionIds)) problem = "no `remainingSessionIds` set";
  else if (
    outcome.remainingSessionFiles !== undefined &&
    !isStringSet(outcome.remainingSessionFiles)
  ) {
    problem = "a `remainingSessionFiles` that is not a set (leave it out, or give a set)";
  }
  if (problem !== null) {
    throw new TypeError(
      `Session store backend "${backend}" broke its contract: its removal result has ${problem}`,
    );
  }
}

function isStringSet(value: unknown): boolean {
  const set = value as Partial<ReadonlySet<string>> | null | undefined;
  return typeof set?.has === "function" && typeof set[Symbol.iterator] === "function";
}

/** Deletes the store dir's archives older than the retention; failures are logged and returned. */
async function cleanupOldArchives(
  storePath: string,
  storeDir: string,
  olderThanMs: number,
  nowMs: number,
  dryRun: boolean,
  log: Logger,
): Promise<{ paths: string[]; oldestRemainingMs: number | null; error?: unknown }> {
  try {
    const cleanup = await cleanupArchivedTranscripts({
      directories: [storeDir],
      olderThanMs,
      reason: "deleted",
      nowMs,
      dryRun,
    });
    // Per-file failures do not stop the cleanup; the first is reported.
    for (const error of cleanup.errors) {
      log.warn({ storePath, err: error }, "session sweep could not remove an archived transcript");
    }
    const [first] = cleanup.errors;
    const outcome = { paths: cleanup.removedPaths, oldestRemainingMs: cleanup.oldestRemainingMs };
    return first === undefined ? outcome : { ...outcome, error: first };
  } catch (error) {
    log.warn({ storePath, err: error }, "session sweep could not clean up archived transcripts");
    // Unknown: let the next sweep look again rather than skip the store.
    return { paths: [], oldestRemainingMs: nowMs - olderThanMs, error };
  }
}

function logOutcome(log: Logger, result: ReaperResult, backend: string): void {
  const overLimit = result.removed.filter((entry) => entry.reason === "over-limit").length;
  const fields = {
    storePath: result.storePath,
    backend,
    dryRun: result.dryRun,
    pruned: result.pruned,
    expired: result.pruned - overLimit,
    overLimit,
    archived: result.archived,
    archivesRemoved: result.archivesRemoved,
    entriesBefore: result.entriesBefore,
    entriesAfter: result.entriesAfter,
    bytesBefore: result.bytesBefore,
    bytesAfter: result.bytesAfter,
    durationMs: Math.round(result.durationMs),
  };
  if (result.dryRun && (result.pruned > 0 || result.archivesRemoved > 0)) {
    log.info(fields, "session sweep dry run found entries to remove");
  } else if (result.pruned > 0) {
    log.info(fields, "session sweep removed entries");
  } else if (result.archivesRemoved > 0) {
    log.info(fields, "session sweep removed old transcript archives");
  } else {
    log.debug(fields, "session sweep found nothing to remove");
  }
}
