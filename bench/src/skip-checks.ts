import { stat } from "node:fs/promises";
import {
  createFileBackend,
  createReaper,
  type SessionStoreBackend,
  silentLogger,
  sweepCronRunSessions,
} from "@session-reaper/core";
import type { Fixture, FixtureCache } from "./fixture-cache";
import { ms } from "./format-table";

/** Outcome of one behavioural check of SPEC §5. */
export interface CheckResult {
  name: string;
  pass: boolean;
  detail: string;
}

const CRON = { sessionRetention: "24h" } as const;

/**
 * "No write when nothing expired": sweeps a fresh copy twice at the same time; the second sweep
 * must remove nothing and leave the file's inode, size, mtime and ctime as they were.
 */
export async function checkNoWriteWhenNothingExpired(
  cache: FixtureCache,
  fixture: Fixture,
  nowMs: number,
): Promise<CheckResult> {
  const name = "no write when nothing expired";
  const copy = await cache.copy(fixture);
  try {
    const sweep = () =>
      sweepCronRunSessions({
        cronConfig: CRON,
        sessionStorePath: copy.storePath,
        nowMs,
        log: silentLogger,
        force: true,
      });
    const first = await sweep();
    const before = await stat(copy.storePath, { bigint: true });
    const start = performance.now();
    const second = await sweep();
    const elapsed = performance.now() - start;
    const after = await stat(copy.storePath, { bigint: true });
    const same =
      before.ino === after.ino &&
      before.size === after.size &&
      before.mtimeNs === after.mtimeNs &&
      before.ctimeNs === after.ctimeNs;
    const pass = first.pruned > 0 && second.pruned === 0 && !second.error && same;
    return {
      name,
      pass,
      detail:
        `1st sweep pruned ${first.pruned}; 2nd pruned ${second.pruned} in ${ms(elapsed)} ms, ` +
        `inode ${before.ino}→${after.ino}, mtime ${same ? "unchanged" : "CHANGED"}` +
        (second.error ? `, error ${second.error.code}` : ""),
    };
  } finally {
    await copy.remove();
  }
}

/**
 * "No read of an unchanged store before nextExpiryAt": a createReaper instance (file backend
 * wrapped to count its removal passes, i.e. store reads) first sweeps a copy to its steady state
 * (removes the expired runs), then sweeps the unchanged store twice before the next kept entry
 * expires — the last of these must be skipped "unchanged" without a read — and once more after
 * that moment, which must read and prune (proving the skip is not unconditional).
 */
export async function checkNoReadWhenUnchanged(
  cache: FixtureCache,
  fixture: Fixture,
  nowMs: number,
): Promise<CheckResult> {
  const name = "no read of an unchanged store before nextExpiryAt";
  const nextExpiryAt = fixture.nextExpiryAt;
  if (nextExpiryAt === null) return { name, pass: false, detail: "fixture keeps no runs" };
  const copy = await cache.copy(fixture);
  try {
    const file = createFileBackend();
    let reads = 0;
    const backend: SessionStoreBackend = {
      name: "file (counting)",
      removeEntries: (storePath, select, options) => {
        reads++;
        return file.removeEntries(storePath, select, options);
      },
    };
    const { removeSelected, removeByAge, identify } = file;
    if (removeSelected) {
      backend.removeSelected = (storePath, selectAll, options) => {
        reads++;
        return removeSelected.call(file, storePath, selectAll, options);
      };
    }
    // The path the sweep takes with age rules only, as in the timed variant 4.
    if (removeByAge) {
      backend.removeByAge = (storePath, cutoffs, options) => {
        reads++;
        return removeByAge.call(file, storePath, cutoffs, options);
      };
    }
    if (identify) backend.identify = identify.bind(file);
    // The throttle window is 0 so "after the throttle window" can still be before nextExpiryAt:
    // with 10^4 runs spread over 48 h, the next kept run expires within seconds.
    const span = nextExpiryAt - nowMs;
    const times = [nowMs, nowMs + Math.floor(span / 3), nowMs + Math.floor((2 * span) / 3)];
    times.push(nextExpiryAt + 1_000);
    let clock = nowMs;
    const reaper = createReaper({
      cronConfig: CRON,
      logger: silentLogger,
      now: () => clock,
      backend,
      minIntervalMs: 0,
    });
    const sweeps: { reads: number; ms: number; pruned: number; skipped: string | null }[] = [];
    let reported: number | null | undefined;
    for (const time of times) {
      clock = time;
      const readsBefore = reads;
      const start = performance.now();
      const result = await reaper.sweep(copy.storePath);
      sweeps.push({
        reads: reads - readsBefore,
        ms: performance.now() - start,
        pruned: result.pruned,
        skipped: result.skipped ?? null,
      });
      reported ??= result.nextExpiryAt;
    }
    const [prune, steady, quiet, expired] = sweeps as [
      (typeof sweeps)[0],
      (typeof sweeps)[0],
      (typeof sweeps)[0],
      (typeof sweeps)[0],
    ];
    const pass =
      reported === nextExpiryAt &&
      prune.pruned > 0 &&
      steady.pruned === 0 &&
      quiet.skipped === "unchanged" &&
      quiet.reads === 0 &&
      expired.reads === 1 &&
      expired.pruned > 0;
    const expiry =
      reported === nextExpiryAt
        ? `nextExpiryAt = now + ${(span / 1000).toFixed(1)} s`
        : `reported nextExpiryAt ${reported}, expected ${nextExpiryAt}`;
    const describe = (s: (typeof sweeps)[0]) =>
      `${s.skipped ? `skipped "${s.skipped}"` : `pruned ${s.pruned}`}, ${s.reads} read(s), ${ms(s.ms)} ms`;
    return {
      name,
      pass,
      detail:
        `${expiry}; sweeps: ${describe(prune)} → ${describe(steady)} → ${describe(quiet)}; ` +
        `after nextExpiryAt: ${describe(expired)}`,
    };
  } finally {
    await copy.remove();
  }
}
