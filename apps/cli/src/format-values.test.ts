import { describe, expect, it } from "vitest";
import { formatAge, formatBytes, formatCount, formatCountOf, formatElapsed } from "./format-values";

describe("formatCount", () => {
  it("groups thousands with commas", () => {
    expect(formatCount(0)).toBe("0");
    expect(formatCount(1234567)).toBe("1,234,567");
  });
});

describe("formatBytes", () => {
  it("uses decimal units with one decimal above 1000 B", () => {
    expect(formatBytes(0)).toBe("0 B");
    expect(formatBytes(999)).toBe("999 B");
    expect(formatBytes(1000)).toBe("1.0 kB");
    expect(formatBytes(13_245_000)).toBe("13.2 MB");
    expect(formatBytes(2_500_000_000)).toBe("2.5 GB");
  });
});

describe("formatAge", () => {
  it("shows the two largest units, dropping a zero second unit", () => {
    expect(formatAge(3 * 86_400_000 + 2 * 3_600_000 + 59 * 60_000)).toBe("3d2h");
    expect(formatAge(2 * 86_400_000 + 30_000)).toBe("2d");
    expect(formatAge(5 * 3_600_000 + 12 * 60_000 + 9000)).toBe("5h12m");
    expect(formatAge(42_900)).toBe("42s");
  });

  it("handles sub-second, future and unknown ages", () => {
    expect(formatAge(999)).toBe("0s");
    expect(formatAge(-5000)).toBe("0s");
    expect(formatAge(null)).toBe("unknown age");
  });
});

describe("formatElapsed", () => {
  it("uses ms below a second and seconds with one decimal above", () => {
    expect(formatElapsed(35.4)).toBe("35ms");
    expect(formatElapsed(1234)).toBe("1.2s");
  });
});

describe("formatCountOf", () => {
  it("uses the plural unless the count is exactly one", () => {
    expect(formatCountOf(0, "store")).toBe("0 stores");
    expect(formatCountOf(1, "store")).toBe("1 store");
    expect(formatCountOf(2000, "archive")).toBe("2,000 archives");
  });
});
