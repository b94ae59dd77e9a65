import { describe, expect, it } from "vitest";
import { generateStore, RUN_AGE_SPREAD_MS } from "./generate-store";

const NOW = Date.UTC(2026, 1, 14, 10, 30);
const RUN_KEY = /^agent:main:cron:([0-9a-f-]{36}):run:([0-9a-f-]{36})$/;
const BASE_KEY = /^agent:main:cron:([0-9a-f-]{36})$/;
const HOOK_KEY = /^agent:main:hook:[0-9a-f-]{36}$/;

function memberBytes(key: string, entry: unknown): number {
  return Buffer.byteLength(JSON.stringify({ [key]: entry }, null, 2)) - 2;
}

describe("generateStore", () => {
  it("is deterministic for a seed and nowMs, and differs across seeds", () => {
    const a = JSON.stringify(generateStore({ entries: 300, seed: 7, nowMs: NOW }));
    const b = JSON.stringify(generateStore({ entries: 300, seed: 7, nowMs: NOW }));
    const c = JSON.stringify(generateStore({ entries: 300, seed: 8, nowMs: NOW }));
    expect(a).toBe(b);
    expect(c).not.toBe(a);
  });

  it("produces the key-kind proportions: 50% runs, 5% base cron, 10% hook, rest chat", () => {
    const store = generateStore({ entries: 2000, nowMs: NOW });
    const keys = Object.keys(store);
    expect(keys).toHaveLength(2000);
    const runs = keys.filter((k) => RUN_KEY.test(k));
    const bases = keys.filter((k) => BASE_KEY.test(k));
    const hooks = keys.filter((k) => HOOK_KEY.test(k));
    expect(runs).toHaveLength(1000);
    expect(bases).toHaveLength(100);
    expect(hooks).toHaveLength(200);
    const chats = keys.filter((k) => !runs.includes(k) && !bases.includes(k) && !hooks.includes(k));
    expect(chats).toHaveLength(700);
    expect(chats).toContain("agent:main:main");
    for (const key of chats) expect(key).not.toMatch(/:cron:|:hook:/);
  });

  it("gives every base cron key the entry of its job's newest run", () => {
    const store = generateStore({ entries: 1000, nowMs: NOW });
    const newestByJob = new Map<string, { sessionId: string; updatedAt: number }>();
    for (const [key, entry] of Object.entries(store)) {
      const m = RUN_KEY.exec(key);
      if (!m) continue;
      expect(m[2]).toBe(entry.sessionId);
      const prev = newestByJob.get(m[1] as string);
      if (!prev || prev.updatedAt < entry.updatedAt) newestByJob.set(m[1] as string, entry);
    }
    const bases = Object.keys(store).filter((k) => BASE_KEY.test(k));
    expect(bases.length).toBe(50);
    for (const key of bases) {
      const jobId = BASE_KEY.exec(key)?.[1] as string;
      expect(store[key]?.sessionId).toBe(newestByJob.get(jobId)?.sessionId);
      expect(store[key]?.updatedAt).toBe(newestByJob.get(jobId)?.updatedAt);
    }
  });

  it("spreads run updatedAt over the last 48 h, about half older than 24 h", () => {
    const store = generateStore({ entries: 4000, nowMs: NOW });
    const runs = Object.entries(store).filter(([k]) => RUN_KEY.test(k));
    for (const [, e] of runs) {
      expect(e.updatedAt).toBeLessThanOrEqual(NOW);
      expect(e.updatedAt).toBeGreaterThan(NOW - RUN_AGE_SPREAD_MS);
      expect(e.sessionStartedAt).toBeLessThan(e.updatedAt);
    }
    const expired = runs.filter(([, e]) => e.updatedAt < NOW - 24 * 3_600_000).length;
    expect(expired / runs.length).toBeGreaterThan(0.45);
    expect(expired / runs.length).toBeLessThan(0.55);
  });

  it.each([
    [700, 0.03],
    [8_000, 0.01],
    [36_864, 0.01],
  ])("sizes members to ~%i bytes (within %f on average)", (bytesPerEntry, tolerance) => {
    const entries = bytesPerEntry > 10_000 ? 100 : 1000;
    const store = generateStore({ entries, bytesPerEntry, nowMs: NOW });
    const text = JSON.stringify(store, null, 2);
    const average = Buffer.byteLength(text) / entries;
    expect(Math.abs(average - bytesPerEntry) / bytesPerEntry).toBeLessThan(tolerance);
    // Large entries hit the target exactly, except base keys (a run entry under a shorter key).
    if (bytesPerEntry > 1000) {
      for (const [key, entry] of Object.entries(store)) {
        if (BASE_KEY.test(key)) continue;
        expect(memberBytes(key, entry)).toBe(bytesPerEntry);
      }
    }
  });

  it("carries delivery context, model, tokens, padding and some non-ASCII text", () => {
    const store = generateStore({ entries: 200, bytesPerEntry: 2000, nowMs: NOW });
    const text = JSON.stringify(store, null, 2);
    expect(JSON.parse(text)).toEqual(store);
    expect(text).toMatch(/[\u3040-\u30ff\u4e00-\u9fff]/); // CJK
    expect(text).toMatch(/\p{Extended_Pictographic}/u); // emoji
    for (const entry of Object.values(store)) {
      expect(entry.sessionId).toMatch(/^[0-9a-f-]{36}$/);
      expect(entry).toMatchObject({
        deliveryContext: { channel: expect.any(String), to: expect.any(String) },
        model: expect.any(String),
        inputTokens: expect.any(Number),
        totalTokens: expect.any(Number),
        systemPromptReport: { promptExcerpt: expect.any(String) },
      });
    }
  });

  it("handles tiny and empty stores and rejects a bad entry count", () => {
    expect(generateStore({ entries: 0, nowMs: NOW })).toEqual({});
    expect(Object.keys(generateStore({ entries: 3, nowMs: NOW }))).toHaveLength(3);
    expect(() => generateStore({ entries: -1 })).toThrow(RangeError);
    expect(() => generateStore({ entries: 1.5 })).toThrow(RangeError);
  });
});
