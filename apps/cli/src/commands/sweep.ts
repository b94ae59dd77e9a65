import { createFileBackend, createReaper } from "@session-reaper/core";
import type { CliIo } from "../cli-io";
import type { SweepOptions } from "../command-options";
import { createCliLogger } from "../create-cli-logger";
import { toPolicyReport } from "../policy-report";
import { renderSweepReport } from "../render-sweep-report";
import { describePolicy, resolvePolicy } from "../resolve-policy";
import { noStoresMessage, resolveStoreTargets } from "../resolve-store-targets";
import { buildSweepReport } from "../sweep-report";

/**
 * `session-reaper sweep`: validates everything first (UsageError → exit 2, nothing touched),
 * then sweeps every selected store once, forced. Resolves to 0, or 1 if any store failed.
 */
export async function runSweep(options: SweepOptions, io: CliIo): Promise<number> {
  const started = performance.now();
  const resolved = await resolvePolicy(options, io.cwd);
  const selection = await resolveStoreTargets(options, io);
  const logger = await createCliLogger(options.logLevel ?? "warn", io);
  const dryRun = options.dryRun === true;

  if (selection.stores.length === 0 && !options.json) {
    io.stdout.write(noStoresMessage(selection.stateDir));
    return 0;
  }

  const nowMs = Date.now();
  const reaper = createReaper({
    cronConfig: resolved.cronConfig,
    hooksConfig: resolved.hooksConfig,
    backend: createFileBackend(
      options.lockTimeout === undefined ? {} : { timeoutMs: options.lockTimeout },
    ),
    logger,
  });
  const results = await reaper.sweepAll(
    selection.stores.map((s) => s.storePath),
    { force: true, dryRun, nowMs },
  );
  const report = buildSweepReport({
    results,
    targets: selection.stores,
    stateDir: selection.stateDir,
    policy: toPolicyReport(resolved),
    dryRun,
    nowMs,
    durationMs: performance.now() - started,
  });

  io.stdout.write(
    options.json
      ? `${JSON.stringify(report, null, 2)}\n`
      : renderSweepReport(report, describePolicy(resolved.policy)),
  );
  const failed = report.stores.filter((s) => s.error);
  if (failed.length > 0) {
    const names = failed.map((s) => `${s.storePath} (${s.error?.code})`).join(", ");
    io.stderr.write(
      `session-reaper: ${failed.length} of ${report.stores.length} stores could not be swept: ${names}\n`,
    );
    return 1;
  }
  return 0;
}
