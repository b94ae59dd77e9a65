import { describe, expect, it } from "vitest";
import { isTrimmedSpace, segmentIs } from "./key-segments";

// The scanner's per-code-unit shortcuts must agree with String.prototype.trim / toLowerCase for
// every UTF-16 code unit, or the fast functions would drift from the spec's definition.
describe("key-segments against the built-ins, for every BMP code unit", () => {
  it("isTrimmedSpace matches String.prototype.trim", () => {
    const mismatches: number[] = [];
    for (let code = 0; code <= 0xffff; code++) {
      if (isTrimmedSpace(code) !== (String.fromCharCode(code).trim() === "")) mismatches.push(code);
    }
    expect(mismatches).toEqual([]);
  });

  it("segmentIs matches toLowerCase for every single-letter word", () => {
    const letters = "abcdefghijklmnopqrstuvwxyz";
    const mismatches: string[] = [];
    for (let code = 0; code <= 0xffff; code++) {
      const char = String.fromCharCode(code);
      const lower = char.toLowerCase();
      for (const letter of letters) {
        if (segmentIs(char, 0, 1, letter) !== (lower === letter))
          mismatches.push(`${code}/${letter}`);
      }
    }
    expect(mismatches).toEqual([]);
  });
});
