import { formatAge, formatBytes, formatCount, formatCountOf } from "./format-values";
import type { AgeBucket, StatsReport, StoreStats } from "./stats-report";

const BAR_WIDTH = 30;

/** Text bars scaled to the largest bucket; a non-empty bucket always gets at least one block. */
export function renderAgeBars(buckets: AgeBucket[]): string[] {
  const max = Math.max(0, ...buckets.map((b) => b.count));
  const labelWidth = Math.max(...buckets.map((b) => b.label.length));
  return buckets.map((b) => {
    const length = b.count === 0 ? 0 : Math.max(1, Math.round((b.count / max) * BAR_WIDTH));
    return `    ${b.label.padEnd(labelWidth)}  ${"█".repeat(length).padEnd(BAR_WIDTH)}  ${formatCount(b.count)}`;
  });
}

function files(tally: { count: number; bytes: number }): string {
  return `${formatCountOf(tally.count, "file")}, ${formatBytes(tally.bytes)}`;
}

function storeBlock(s: StoreStats, nowMs: number): string[] {
  const title = s.agentId === null ? s.storePath : `${s.storePath} (agent ${s.agentId})`;
  if (s.error) return [`${title}: FAILED ${s.error.code}: ${s.error.message}`];
  const e = s.entries;
  const next =
    s.nextExpiryAt === null ? "" : `; next expiry in ${formatAge(s.nextExpiryAt - nowMs)}`;
  return [
    title,
    `  entries       ${formatCount(e.total)}  (cron-run ${formatCount(e.cronRun)} · cron ${formatCount(e.cron)} · hook ${formatCount(e.hook)} · other ${formatCount(e.other)} · invalid ${formatCount(e.invalid)})`,
    `  would remove  ${formatCount(s.wouldRemove.total)}  (expired ${formatCount(s.wouldRemove.expired)} · over-limit ${formatCount(s.wouldRemove.overLimit)}${next})`,
    `  store         ${formatBytes(s.bytes)}`,
    `  transcripts   ${files(s.transcripts)}`,
    `  archives      ${files(s.archives)}`,
    "  cron run ages",
    ...renderAgeBars(s.cronRunAges),
  ];
}

/** Renders the human form of `stats`: the policy, one block per store, and a total line. */
export function renderStatsReport(report: StatsReport, policyLine: string): string {
  const lines = [`Policy: ${policyLine}`, ""];
  for (const store of report.stores) lines.push(...storeBlock(store, report.nowMs), "");
  const t = report.totals;
  const failed = t.failed > 0 ? `, ${t.failed} FAILED` : "";
  lines.push(
    `total: ${formatCountOf(t.stores, "store")}${failed}, ${formatCount(t.entries.total)} entries, ` +
      `would remove ${formatCount(t.wouldRemove.total)}, ${formatBytes(t.bytes)}, ` +
      `transcripts ${files(t.transcripts)}, archives ${files(t.archives)}`,
  );
  return `${lines.join("\n")}\n`;
}
