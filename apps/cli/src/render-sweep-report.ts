import { formatAge, formatBytes, formatCount, formatCountOf, formatElapsed } from "./format-values";
import type { SweepReport, SweepStoreReport } from "./sweep-report";

const SKIP_REASONS: Record<string, string> = {
  disabled: "every rule is off",
  throttled: "swept recently",
  unchanged: "unchanged since the last sweep",
};

function change(before: number | null, after: number | null, format: (n: number) => string) {
  if (before === null) return "?";
  return `${format(before)} → ${format(after ?? before)}`;
}

/** The counts a store line and the total line share (both report shapes have them). */
type Figures = Pick<
  SweepStoreReport,
  | "entriesBefore"
  | "entriesAfter"
  | "removed"
  | "transcriptsArchived"
  | "archivesDeleted"
  | "bytesBefore"
  | "bytesAfter"
>;

function figures(s: Figures, dryRun: boolean, elapsed: number) {
  const verbs = dryRun
    ? ["would remove", "would archive", "would delete"]
    : ["removed", "archived", "deleted"];
  return [
    `${change(s.entriesBefore, s.entriesAfter, formatCount)} entries`,
    `${verbs[0]} ${formatCount(s.removed)}`,
    `${verbs[1]} ${formatCountOf(s.transcriptsArchived, "transcript")}`,
    `${verbs[2]} ${formatCountOf(s.archivesDeleted, "archive")}`,
    change(s.bytesBefore, s.bytesAfter, formatBytes),
    formatElapsed(elapsed),
  ].join(", ");
}

function storeLine(store: SweepStoreReport, dryRun: boolean): string {
  if (store.error) {
    // A failure after removal still shows what was done before it.
    const done = store.removed > 0 ? ` (after: ${figures(store, dryRun, store.durationMs)})` : "";
    return `${store.storePath}: FAILED ${store.error.code}: ${store.error.message}${done}`;
  }
  if (store.status === "skipped") {
    return `${store.storePath}: skipped (${SKIP_REASONS[store.skipped ?? ""] ?? store.skipped})`;
  }
  return `${store.storePath}: ${figures(store, dryRun, store.durationMs)}`;
}

/** The dry-run listing under a store line: keys with age and reason, then files. */
function dryRunDetails(store: SweepStoreReport): string[] {
  const lines: string[] = [];
  const width = Math.min(80, Math.max(0, ...store.removedEntries.map((e) => e.key.length)));
  for (const entry of store.removedEntries) {
    lines.push(
      `  remove   ${entry.key.padEnd(width)}  ${formatAge(entry.ageMs).padEnd(8)}  ${entry.reason}`,
    );
  }
  for (const path of store.archivedTranscripts) lines.push(`  archive  ${path}`);
  for (const path of store.deletedArchives) lines.push(`  delete   ${path}`);
  return lines;
}

/** Renders the human form of `sweep`: a policy line, one line per store (plus dry-run detail), a total. */
export function renderSweepReport(report: SweepReport, policyLine: string): string {
  const lines = [
    report.dryRun ? `Dry run: nothing is changed. Policy: ${policyLine}` : `Policy: ${policyLine}`,
  ];
  for (const store of report.stores) {
    lines.push(storeLine(store, report.dryRun));
    if (report.dryRun) lines.push(...dryRunDetails(store));
  }
  const t = report.totals;
  const failed = t.failed > 0 ? `, ${t.failed} FAILED` : "";
  lines.push(
    `total: ${formatCountOf(t.stores, "store")}${failed}, ${figures(t, report.dryRun, t.durationMs)}`,
  );
  return `${lines.join("\n")}\n`;
}
