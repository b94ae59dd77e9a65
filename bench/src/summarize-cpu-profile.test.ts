import { describe, expect, it } from "vitest";
import { type CpuProfile, summarizeCpuProfile } from "./summarize-cpu-profile";

const frame = (functionName: string, url = "file:///x/dist/a.js", lineNumber = 0) => ({
  functionName,
  url,
  lineNumber,
});

describe("summarizeCpuProfile", () => {
  it("sums self and inclusive time per function, counting recursion once", () => {
    const profile: CpuProfile = {
      nodes: [
        { id: 1, callFrame: frame("(root)", ""), children: [2, 4] },
        { id: 2, callFrame: frame("outer"), children: [3] },
        { id: 3, callFrame: frame("outer"), children: [5] },
        { id: 4, callFrame: frame("(idle)", "") },
        { id: 5, callFrame: frame("leaf", "file:///x/dist/b.js", 9) },
      ],
      samples: [5, 5, 3, 4],
      timeDeltas: [1000, 2000, 500, 4000],
    };
    const { totalMs, functions } = summarizeCpuProfile(profile);
    expect(totalMs).toBe(7.5);
    const byName = Object.fromEntries(functions.map((f) => [f.name, f]));
    expect(byName["leaf x/dist/b.js:10"]).toEqual({
      name: "leaf x/dist/b.js:10",
      selfMs: 3,
      totalMs: 3,
    });
    expect(byName["outer x/dist/a.js:1"]).toMatchObject({ selfMs: 0.5, totalMs: 3.5 });
    expect(byName["(idle)"]).toMatchObject({ selfMs: 4, totalMs: 4 });
    expect(byName["(root)"]).toBeUndefined();
  });
});
