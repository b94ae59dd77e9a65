import type { PolicyReport } from "./policy-report";
import type { FileTally } from "./scan-store-dir";

/** Entry counts by key kind (`classifySessionKey`); `total` is the number of distinct keys. */
export interface EntryKinds {
  total: number;
  cronRun: number;
  cron: number;
  hook: number;
  other: number;
  invalid: number;
}

/** What the policy would remove now, by reason. */
export interface WouldRemove {
  total: number;
  expired: number;
  overLimit: number;
}

/** One bar of the cron-run age histogram: ages in `[minMs, maxMs)` (`maxMs` null = no bound). */
export interface AgeBucket {
  label: string;
  minMs: number;
  maxMs: number | null;
  count: number;
}

/** `stats` for one store (`--json` → `stores[]`). Counts are 0 when the store failed. */
export interface StoreStats {
  storePath: string;
  agentId: string | null;
  error: { code: string; message: string } | null;
  bytes: number;
  entries: EntryKinds;
  wouldRemove: WouldRemove;
  /** When the next kept entry expires under the policy (epoch ms), if any. */
  nextExpiryAt: number | null;
  transcripts: FileTally;
  archives: FileTally;
  cronRunAges: AgeBucket[];
}

/** The one document `stats --json` prints. */
export interface StatsReport {
  command: "stats";
  ok: boolean;
  nowMs: number;
  now: string;
  stateDir: string | null;
  policy: PolicyReport;
  stores: StoreStats[];
  totals: {
    stores: number;
    failed: number;
    bytes: number;
    entries: EntryKinds;
    wouldRemove: WouldRemove;
    transcripts: FileTally;
    archives: FileTally;
  };
}

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const BUCKETS: [string, number, number | null][] = [
  ["<1h", 0, HOUR],
  ["1–6h", HOUR, 6 * HOUR],
  ["6–24h", 6 * HOUR, DAY],
  ["1–7d", DAY, 7 * DAY],
  [">7d", 7 * DAY, null],
];

/** Empty histogram buckets (<1h, 1–6h, 6–24h, 1–7d, >7d). */
export function emptyAgeBuckets(): AgeBucket[] {
  return BUCKETS.map(([label, minMs, maxMs]) => ({ label, minMs, maxMs, count: 0 }));
}

/** Counts an age into its bucket; ages in the future count as <1h. */
export function addAge(buckets: AgeBucket[], ageMs: number): void {
  const bucket = buckets.find((b) => b.maxMs === null || ageMs < b.maxMs);
  if (bucket) bucket.count += 1;
}

/** A zeroed {@link EntryKinds}. */
export function emptyKinds(): EntryKinds {
  return { total: 0, cronRun: 0, cron: 0, hook: 0, other: 0, invalid: 0 };
}

/** Sums per-store stats into the document's totals. */
export function buildStatsReport(params: {
  stores: StoreStats[];
  stateDir: string | null;
  policy: PolicyReport;
  nowMs: number;
}): StatsReport {
  const totals: StatsReport["totals"] = {
    stores: params.stores.length,
    failed: params.stores.filter((s) => s.error).length,
    bytes: 0,
    entries: emptyKinds(),
    wouldRemove: { total: 0, expired: 0, overLimit: 0 },
    transcripts: { count: 0, bytes: 0 },
    archives: { count: 0, bytes: 0 },
  };
  for (const s of params.stores) {
    totals.bytes += s.bytes;
    for (const kind of Object.keys(totals.entries) as (keyof EntryKinds)[]) {
      totals.entries[kind] += s.entries[kind];
    }
    for (const reason of Object.keys(totals.wouldRemove) as (keyof WouldRemove)[]) {
      totals.wouldRemove[reason] += s.wouldRemove[reason];
    }
    totals.transcripts.count += s.transcripts.count;
    totals.transcripts.bytes += s.transcripts.bytes;
    totals.archives.count += s.archives.count;
    totals.archives.bytes += s.archives.bytes;
  }
  return {
    command: "stats",
    ok: totals.failed === 0,
    nowMs: params.nowMs,
    now: new Date(params.nowMs).toISOString(),
    stateDir: params.stateDir,
    policy: params.policy,
    stores: params.stores,
    totals,
  };
}
