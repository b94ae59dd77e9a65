import { describe, expect, it } from "vitest";
import { DEFAULT_CRON_RETENTION_MS } from "./constants";
import {
  type InvalidSettingReport,
  resolveHookRetentionMs,
  resolveMaxRunsPerJob,
  resolveRetentionMs,
  resolveSweepPolicy,
} from "./resolve-sweep-policy";

const HOUR = 3_600_000;

function collect() {
  const reports: InvalidSettingReport[] = [];
  const warnings: Array<{ obj: Record<string, unknown>; msg?: string | undefined }> = [];
  return {
    reports,
    warnings,
    options: {
      onInvalid: (report: InvalidSettingReport) => reports.push(report),
      log: { warn: (obj: Record<string, unknown>, msg?: string) => warnings.push({ obj, msg }) },
    },
  };
}

describe("resolveRetentionMs", () => {
  it("defaults to 24 h when absent", () => {
    expect(resolveRetentionMs()).toBe(DEFAULT_CRON_RETENTION_MS);
    expect(resolveRetentionMs({})).toBe(24 * HOUR);
    expect(resolveRetentionMs(null)).toBe(24 * HOUR);
  });

  it("treats false as disabled", () => {
    expect(resolveRetentionMs({ sessionRetention: false })).toBeNull();
  });

  it("parses bare numbers as hours and units as given", () => {
    expect(resolveRetentionMs({ sessionRetention: "2" })).toBe(2 * HOUR);
    expect(resolveRetentionMs({ sessionRetention: " 1h30m " })).toBe(1.5 * HOUR);
    expect(resolveRetentionMs({ sessionRetention: "7d" })).toBe(7 * 24 * HOUR);
    expect(resolveRetentionMs({ sessionRetention: "45m" })).toBe(45 * 60_000);
  });

  it("treats a blank string as absent, without a report", () => {
    const { reports, options } = collect();
    expect(resolveRetentionMs({ sessionRetention: "   " }, options)).toBe(24 * HOUR);
    expect(reports).toEqual([]);
  });

  it("falls back to 24 h for invalid strings and reports them", () => {
    const { reports, warnings, options } = collect();
    expect(resolveRetentionMs({ sessionRetention: "soon" }, options)).toBe(24 * HOUR);
    expect(reports).toHaveLength(1);
    expect(reports[0]).toMatchObject({
      setting: "cron.sessionRetention",
      value: "soon",
      fallback: 24 * HOUR,
    });
    expect(reports[0]?.message).toContain('"soon"');
    expect(reports[0]?.cause).toMatchObject({ code: "DURATION_INVALID", input: "soon" });
    expect(warnings).toEqual([
      {
        obj: { setting: "cron.sessionRetention", value: "soon", fallback: 24 * HOUR },
        msg: "invalid session reaper setting ignored",
      },
    ]);
  });

  it("reports values of the wrong type", () => {
    const { reports, options } = collect();
    const config = { sessionRetention: 12 } as unknown as { sessionRetention: string };
    expect(resolveRetentionMs(config, options)).toBe(24 * HOUR);
    expect(reports.map((r) => r.value)).toEqual([12]);
  });
});

describe("resolveHookRetentionMs", () => {
  it("is off when absent, blank or false", () => {
    expect(resolveHookRetentionMs()).toBeNull();
    expect(resolveHookRetentionMs({})).toBeNull();
    expect(resolveHookRetentionMs({ sessionRetention: "" })).toBeNull();
    expect(resolveHookRetentionMs({ sessionRetention: false })).toBeNull();
  });

  it("parses a retention", () => {
    expect(resolveHookRetentionMs({ sessionRetention: "1h" })).toBe(HOUR);
    expect(resolveHookRetentionMs({ sessionRetention: "3" })).toBe(3 * HOUR);
  });

  it("stays off for invalid strings and reports them", () => {
    const { reports, options } = collect();
    expect(resolveHookRetentionMs({ sessionRetention: "-1h" }, options)).toBeNull();
    expect(reports).toMatchObject([
      { setting: "hooks.sessionRetention", value: "-1h", fallback: null },
    ]);
  });
});

describe("resolveMaxRunsPerJob", () => {
  it("accepts positive integers and ignores absence", () => {
    expect(resolveMaxRunsPerJob()).toBeUndefined();
    expect(resolveMaxRunsPerJob({})).toBeUndefined();
    expect(resolveMaxRunsPerJob({ maxRunsPerJob: 1 })).toBe(1);
    expect(resolveMaxRunsPerJob({ maxRunsPerJob: 50 })).toBe(50);
  });

  it.each([0, -3, 1.5, Number.NaN, Number.POSITIVE_INFINITY, "5"])(
    "reports and ignores %s",
    (value) => {
      const { reports, options } = collect();
      const config = { maxRunsPerJob: value } as unknown as { maxRunsPerJob: number };
      expect(resolveMaxRunsPerJob(config, options)).toBeUndefined();
      expect(reports).toHaveLength(1);
      expect(reports[0]?.setting).toBe("cron.maxRunsPerJob");
      expect(reports[0]?.value).toBe(value);
    },
  );
});

describe("resolveSweepPolicy", () => {
  it("combines the three settings", () => {
    expect(
      resolveSweepPolicy({ sessionRetention: "12h", maxRunsPerJob: 3 }, { sessionRetention: "1h" }),
    ).toEqual({ cronRetentionMs: 12 * HOUR, hookRetentionMs: HOUR, maxRunsPerJob: 3 });
    expect(resolveSweepPolicy()).toEqual({ cronRetentionMs: 24 * HOUR, hookRetentionMs: null });
  });

  it("reports every invalid setting once", () => {
    const { reports, options } = collect();
    resolveSweepPolicy(
      { sessionRetention: "x", maxRunsPerJob: 0 },
      { sessionRetention: "y" },
      options,
    );
    expect(reports.map((r) => r.setting).sort()).toEqual([
      "cron.maxRunsPerJob",
      "cron.sessionRetention",
      "hooks.sessionRetention",
    ]);
  });
});
