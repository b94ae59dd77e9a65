import { describe, expect, it } from "vitest";
import {
  DEFAULT_INTERVAL_MS,
  MAX_INTERVAL_MS,
  MIN_INTERVAL_MS,
  resolveOpenClawOptions,
} from "./resolve-openclaw-options";

function resolveWithWarnings(pluginConfig: unknown, hostConfig?: unknown) {
  const warnings: string[] = [];
  const options = resolveOpenClawOptions(pluginConfig, hostConfig, (message) => {
    warnings.push(message);
  });
  return { options, warnings };
}

describe("resolveOpenClawOptions", () => {
  it("uses the defaults for an empty config: 24h via the core, hooks off, 5m, no dry run", () => {
    const { options, warnings } = resolveWithWarnings(undefined, {});
    expect(options).toEqual({
      cronConfig: {},
      hooksConfig: {},
      intervalMs: DEFAULT_INTERVAL_MS,
      dryRun: false,
      retentionSource: "default",
      hookRetentionSource: "default",
    });
    expect(warnings).toEqual([]);
  });

  it("takes every documented key from the plugin config", () => {
    const { options, warnings } = resolveWithWarnings(
      { retention: "7d", hookRetention: "12h", maxRunsPerJob: 20, interval: "30s", dryRun: true },
      { cron: { sessionRetention: "1h" }, hooks: { sessionRetention: "1h" } },
    );
    expect(options).toEqual({
      cronConfig: { sessionRetention: "7d", maxRunsPerJob: 20 },
      hooksConfig: { sessionRetention: "12h" },
      intervalMs: 30_000,
      dryRun: true,
      retentionSource: "plugin",
      hookRetentionSource: "plugin",
    });
    expect(warnings).toEqual([]);
  });

  it("falls back to the host's cron and hooks retention when the plugin sets none", () => {
    const { options } = resolveWithWarnings(
      { interval: "2s" },
      { cron: { sessionRetention: "12h" }, hooks: { sessionRetention: false } },
    );
    expect(options.cronConfig).toEqual({ sessionRetention: "12h" });
    expect(options.hooksConfig).toEqual({ sessionRetention: false });
    expect(options.retentionSource).toBe("host");
    expect(options.hookRetentionSource).toBe("host");
  });

  it("lets `false` in the plugin config switch the reaper off even when the host sets a value", () => {
    const { options } = resolveWithWarnings(
      { retention: false },
      { cron: { sessionRetention: "12h" } },
    );
    expect(options.cronConfig).toEqual({ sessionRetention: false });
    expect(options.retentionSource).toBe("plugin");
  });

  it("reads a bare interval number as minutes and raises tiny intervals to 1s", () => {
    expect(resolveWithWarnings({ interval: "10" }).options.intervalMs).toBe(10 * 60_000);
    const tiny = resolveWithWarnings({ interval: "100ms" });
    expect(tiny.options.intervalMs).toBe(MIN_INTERVAL_MS);
    expect(tiny.warnings).toEqual(["interval is too short; using 1s"]);
    // setTimeout cannot wait longer than 2^31-1 ms; 30 days would fire at once.
    const huge = resolveWithWarnings({ interval: "30d" });
    expect(huge.options.intervalMs).toBe(MAX_INTERVAL_MS);
    expect(MAX_INTERVAL_MS).toBe(2_147_483_647);
    expect(huge.warnings).toEqual(["interval is too long; using 2147483647 ms (about 24.8 days)"]);
    expect(resolveWithWarnings({ interval: "24d" }).options.intervalMs).toBe(24 * 86_400_000);
  });

  it("reports and ignores values of the wrong type instead of throwing", () => {
    const { options, warnings } = resolveWithWarnings(
      { retention: 24, hookRetention: true, maxRunsPerJob: 0, interval: "soon", dryRun: "yes" },
      { cron: { sessionRetention: "6h" } },
    );
    expect(options).toEqual({
      cronConfig: { sessionRetention: "6h" },
      hooksConfig: {},
      intervalMs: DEFAULT_INTERVAL_MS,
      dryRun: false,
      retentionSource: "host",
      hookRetentionSource: "default",
    });
    expect(warnings).toEqual([
      "ignoring retention: expected a duration string or false",
      "ignoring hookRetention: expected a duration string or false",
      "ignoring maxRunsPerJob: expected an integer of at least 1",
      "ignoring dryRun: expected true or false",
      "ignoring interval: not a valid duration",
    ]);
  });

  it("ignores a plugin retention that is not a duration, names the plugin's key, and uses the host's", () => {
    const { options, warnings } = resolveWithWarnings(
      { retention: "a fortnight", hookRetention: "1x" },
      { cron: { sessionRetention: "6h" }, hooks: { sessionRetention: "2h" } },
    );
    expect(options.cronConfig).toEqual({ sessionRetention: "6h" });
    expect(options.hooksConfig).toEqual({ sessionRetention: "2h" });
    expect([options.retentionSource, options.hookRetentionSource]).toEqual(["host", "host"]);
    expect(warnings).toEqual([
      "ignoring retention: not a valid duration",
      "ignoring hookRetention: not a valid duration",
    ]);
    // Without a host value the default applies; a blank plugin value counts as unset.
    const alone = resolveWithWarnings({ retention: "soon", hookRetention: " " }, {});
    expect(alone.options.cronConfig).toEqual({});
    expect(alone.options.retentionSource).toBe("default");
    expect(alone.options.hookRetentionSource).toBe("default");
    expect(alone.warnings).toEqual(["ignoring retention: not a valid duration"]);
    // Bare numbers are hours, as in OpenClaw's own setting.
    expect(resolveWithWarnings({ retention: "36" }).options.cronConfig).toEqual({
      sessionRetention: "36",
    });
  });
});
