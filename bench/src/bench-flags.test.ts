import { describe, expect, it } from "vitest";
import { F1, F2, parseBenchFlags } from "./bench-flags";

describe("parseBenchFlags", () => {
  it("defaults to F1, F2, keys and rss with 5 rounds", () => {
    const flags = parseBenchFlags([]);
    expect([...flags.sections]).toEqual(["f1", "f2", "keys", "rss"]);
    expect(flags.rounds).toBe(5);
    expect(flags.keyCount).toBe(1_000_000);
    expect(flags.f1).toEqual({ ...F1, seed: 1 });
    expect(flags.f2).toMatchObject({ entries: 3000, bytesPerEntry: 36_864 });
    expect(F2.entries * F2.bytesPerEntry).toBeGreaterThan(100 * 2 ** 20);
    expect(flags.custom).toBeUndefined();
  });

  it("selects sections with --only (repeated or comma-separated)", () => {
    expect([...parseBenchFlags(["--only", "f1,keys", "--only", "rss"]).sections]).toEqual([
      "f1",
      "keys",
      "rss",
    ]);
    expect(parseBenchFlags(["--rounds", "7", "--keys", "1_000"])).toMatchObject({
      rounds: 7,
      keyCount: 1000,
    });
  });

  it("turns a custom size into the custom fixture", () => {
    const flags = parseBenchFlags(["--entries", "500", "--bytes-per-entry", "2000", "--seed", "4"]);
    expect(flags.custom).toEqual({ name: "custom", entries: 500, bytesPerEntry: 2000, seed: 4 });
    expect([...flags.sections]).toEqual(["custom", "rss"]);
    expect([...parseBenchFlags(["--entries", "9", "--only", "custom"]).sections]).toEqual([
      "custom",
    ]);
  });

  it.each([
    [["--only", "f3"], /unknown section "f3"/],
    [["--only", "custom"], /needs --entries/],
    [["--rounds", "0"], /at least 1/],
    [["--rounds=-2"], /non-negative integer/],
    [["--entries", "1e3"], /non-negative integer/],
    [["--bogus"], /Unknown option/],
  ])("rejects %j", (argv, message) => {
    expect(() => parseBenchFlags(argv)).toThrow(message);
  });
});
