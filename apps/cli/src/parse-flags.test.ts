import { describe, expect, it } from "vitest";
import { checkInterval, checkLockTimeout, checkMaxRuns, checkRetention } from "./parse-flags";

const HOUR = 3_600_000;

describe("checkRetention", () => {
  it("reads durations, bare numbers as hours, and off", () => {
    expect(checkRetention("7d")).toEqual({ ok: true, value: 7 * 24 * HOUR });
    expect(checkRetention("1h30m")).toEqual({ ok: true, value: 1.5 * HOUR });
    expect(checkRetention("48")).toEqual({ ok: true, value: 48 * HOUR });
    expect(checkRetention(" OFF ")).toEqual({ ok: true, value: false });
  });

  it.each(["abc", "-1h", "", "1h 30m", "Infinity"])("rejects %j with a hint", (raw) => {
    const result = checkRetention(raw);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.problem).toMatch(/24h.*bare number means hours.*off/);
  });
});

describe("checkMaxRuns", () => {
  it("accepts whole numbers from 1 and off", () => {
    expect(checkMaxRuns("1")).toEqual({ ok: true, value: 1 });
    expect(checkMaxRuns("250")).toEqual({ ok: true, value: 250 });
    expect(checkMaxRuns("off")).toEqual({ ok: true, value: false });
  });

  it.each(["0", "-3", "1.5", "abc", "1e3", "", "99999999999999999999"])("rejects %j", (raw) => {
    expect(checkMaxRuns(raw).ok).toBe(false);
  });
});

describe("checkInterval", () => {
  it("accepts durations of at least 1s", () => {
    expect(checkInterval("1s")).toEqual({ ok: true, value: 1000 });
    expect(checkInterval("5m")).toEqual({ ok: true, value: 5 * 60_000 });
  });

  it("rejects 0, sub-second, unit-less and garbage intervals", () => {
    for (const raw of ["0", "0s", "500ms", "30", "soon", "-1m"]) {
      expect(checkInterval(raw).ok, raw).toBe(false);
    }
    const zero = checkInterval("0");
    if (!zero.ok) expect(zero.problem).toContain("at least 1s");
    const bare = checkInterval("30");
    if (!bare.ok) expect(bare.problem).toContain("unit");
  });
});

describe("checkLockTimeout", () => {
  it("accepts 0 and durations with a unit", () => {
    expect(checkLockTimeout("0")).toEqual({ ok: true, value: 0 });
    expect(checkLockTimeout("500ms")).toEqual({ ok: true, value: 500 });
    expect(checkLockTimeout("2m")).toEqual({ ok: true, value: 120_000 });
  });

  it("rejects unit-less, negative and garbage values", () => {
    for (const raw of ["10", "-1s", "later", ""]) expect(checkLockTimeout(raw).ok, raw).toBe(false);
  });
});
