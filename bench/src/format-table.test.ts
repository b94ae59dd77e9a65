import { describe, expect, it } from "vitest";
import { formatTable, median, ms } from "./format-table";

describe("median", () => {
  it("takes the middle value, or the mean of the middle two", () => {
    expect(median([5, 1, 3])).toBe(3);
    expect(median([4, 1, 3, 2])).toBe(2.5);
    expect(median([])).toBeNaN();
  });
});

describe("formatTable", () => {
  it("renders an aligned Markdown table", () => {
    expect(formatTable(["a", "bb"], [["xxx", "1"]])).toBe(
      ["| a   | bb |", "|-----|----|", "| xxx | 1  |"].join("\n"),
    );
  });
});

describe("ms", () => {
  it("keeps three significant figures or so", () => {
    expect([ms(1234.5), ms(12.345), ms(1.2345)]).toEqual(["1235", "12.3", "1.23"]);
  });
});
