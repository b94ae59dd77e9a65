import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { formatArchiveStamp, parseArchiveFileName, parseArchiveStamp } from "./archive-stamp";

describe("archive stamps", () => {
  it("formats ISO-8601 UTC with every colon replaced by a dash (SPEC §1.4)", () => {
    const ms = Date.parse("2026-02-14T10:30:00.123Z");
    expect(formatArchiveStamp(ms)).toBe("2026-02-14T10-30-00.123Z");
    expect(parseArchiveStamp("2026-02-14T10-30-00.123Z")).toBe(ms);
  });

  it("round-trips every time in years 0000-9999", () => {
    const min = Date.parse("0000-01-01T00:00:00.000Z");
    const max = Date.parse("9999-12-31T23:59:59.999Z");
    fc.assert(
      fc.property(fc.integer({ min, max }), (ms) => {
        expect(parseArchiveStamp(formatArchiveStamp(ms))).toBe(ms);
      }),
    );
  });

  it("rejects stamps that are not exactly a valid time", () => {
    for (const bad of [
      "2026-02-14T10:30:00.123Z",
      "2026-02-14T10-30-00Z",
      "2026-02-30T10-30-00.000Z",
      "2026-13-01T10-30-00.000Z",
      "2026-02-14T24-00-00.000Z",
      "2026-02-14T10-30-00.123",
      " 2026-02-14T10-30-00.123Z",
      "",
    ]) {
      expect(parseArchiveStamp(bad), bad).toBeNull();
    }
    expect(() => formatArchiveStamp(Number.NaN)).toThrow(RangeError);
    expect(() => formatArchiveStamp(Date.parse("+010000-01-01T00:00:00Z"))).toThrow(RangeError);
  });

  it("splits archive file names, including the collision counter", () => {
    const ms = Date.parse("2026-02-14T10:30:00.123Z");
    expect(parseArchiveFileName("abc.jsonl.deleted.2026-02-14T10-30-00.123Z")).toEqual({
      originalName: "abc.jsonl",
      reason: "deleted",
      archivedAtMs: ms,
      counter: 0,
    });
    expect(parseArchiveFileName("a.b.jsonl.reset.2026-02-14T10-30-00.123Z.7")).toEqual({
      originalName: "a.b.jsonl",
      reason: "reset",
      archivedAtMs: ms,
      counter: 7,
    });
    for (const other of [
      "abc.jsonl",
      "sessions.json.bak.1760000000000",
      "abc.jsonl.deleted.2026-02-14T10-30-00.123Z.0",
      "abc.jsonl.deleted.2026-02-14T10-30-00.123Z.x",
      "abc.jsonl.deleted.yesterday",
      ".deleted.2026-02-14T10-30-00.123Z",
      "abc.jsonl.removed.2026-02-14T10-30-00.123Z",
    ]) {
      expect(parseArchiveFileName(other), other).toBeNull();
    }
  });
});
