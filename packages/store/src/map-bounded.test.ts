import { setTimeout as sleep } from "node:timers/promises";
import { describe, expect, it } from "vitest";
import { mapBounded } from "./map-bounded";

describe("mapBounded", () => {
  it("keeps the input order and never has more than `limit` calls in flight", async () => {
    let inFlight = 0;
    let peak = 0;
    const items = Array.from({ length: 40 }, (_, i) => i);
    const results = await mapBounded(items, 3, async (item, index) => {
      inFlight++;
      peak = Math.max(peak, inFlight);
      // Later items finish first, so completion order differs from input order.
      await sleep(40 - item);
      inFlight--;
      return `${item}@${index}`;
    });
    expect(results).toEqual(items.map((i) => `${i}@${i}`));
    expect(peak).toBe(3);
  });

  it("rejects with the first error and starts no new calls after it", async () => {
    const started: number[] = [];
    const boom = new Error("boom");
    const outcome = mapBounded([0, 1, 2, 3, 4, 5], 2, async (item) => {
      started.push(item);
      await sleep(1);
      if (item === 1) throw boom;
      return item;
    });
    await expect(outcome).rejects.toBe(boom);
    await sleep(20);
    expect(started).toEqual([0, 1, 2]);
  });

  it("handles no items and a limit below one", async () => {
    expect(await mapBounded([], 4, async () => 1)).toEqual([]);
    expect(await mapBounded([1, 2], 0, async (x) => x * 2)).toEqual([2, 4]);
  });
});
