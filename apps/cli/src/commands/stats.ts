import type { CliIo } from "../cli-io";
import { collectStoreStats } from "../collect-store-stats";
import type { StatsOptions } from "../command-options";
import { createCliLogger } from "../create-cli-logger";
import { toPolicyReport } from "../policy-report";
import { renderStatsReport } from "../render-stats-report";
import { describePolicy, resolvePolicy } from "../resolve-policy";
import { noStoresMessage, resolveStoreTargets } from "../resolve-store-targets";
import { buildStatsReport, type StoreStats } from "../stats-report";

/**
 * `session-reaper stats`: read-only. Validates first (UsageError → exit 2), then reads each
 * store once. Resolves to 0, or 1 if any store could not be read (e.g. corrupt).
 */
export async function runStats(options: StatsOptions, io: CliIo): Promise<number> {
  const resolved = await resolvePolicy(options, io.cwd);
  const selection = await resolveStoreTargets(options, io);
  const logger = await createCliLogger(options.logLevel ?? "warn", io);
  const nowMs = Date.now();

  const stores: StoreStats[] = [];
  for (const target of selection.stores) {
    const stats = await collectStoreStats(target, resolved.policy, nowMs);
    if (stats.error)
      logger.warn({ storePath: target.storePath, err: stats.error }, "store could not be read");
    else logger.debug({ storePath: target.storePath, entries: stats.entries.total }, "store read");
    stores.push(stats);
  }
  const report = buildStatsReport({
    stores,
    stateDir: selection.stateDir,
    policy: toPolicyReport(resolved),
    nowMs,
  });

  if (options.json) io.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
  else if (stores.length === 0) {
    io.stdout.write(noStoresMessage(selection.stateDir));
  } else io.stdout.write(renderStatsReport(report, describePolicy(resolved.policy)));
  return report.ok ? 0 : 1;
}
