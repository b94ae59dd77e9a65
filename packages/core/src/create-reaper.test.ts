import type { EntryView } from "@session-reaper/store";
import { describe, expect, it } from "vitest";
import { createMemoryBackend, createRecordingLogger } from "../test/support/memory-backend";
import { MIN_SWEEP_INTERVAL_MS } from "./constants";
import { createReaper } from "./create-reaper";
import type { InvalidSettingReport } from "./resolve-sweep-policy";

const HOUR = 3_600_000;
const NOW = Date.UTC(2026, 1, 14, 10, 30);
// Paths in a directory that does not exist: the transcript steps find nothing to touch.
const A = "/nonexistent-session-reaper-test/a/sessions.json";
const B = "/nonexistent-session-reaper-test/b/sessions.json";

function v(key: string, ageMs: number, sessionId?: string): EntryView {
  return sessionId === undefined
    ? { key, updatedAt: NOW - ageMs }
    : { key, updatedAt: NOW - ageMs, sessionId };
}

function store() {
  return [
    v("agent:main:cron:job:run:old", 25 * HOUR, "s-old"),
    v("agent:main:cron:job:run:new", 1 * HOUR, "s-new"),
    v("agent:main:cron:job", 1 * HOUR, "s-new"),
    v("agent:main:chat", 100 * HOUR, "s-chat"),
  ];
}

describe("createReaper with an in-memory backend", () => {
  it("removes expired runs through the port and reports them", async () => {
    const backend = createMemoryBackend({ [A]: store() });
    const reaper = createReaper({ backend, now: () => NOW });
    const result = await reaper.sweep(A);
    expect(result).toMatchObject({
      swept: true,
      pruned: 1,
      dryRun: false,
      prunedKeys: ["agent:main:cron:job:run:old"],
      removed: [
        {
          key: "agent:main:cron:job:run:old",
          reason: "expired",
          sessionId: "s-old",
          updatedAt: NOW - 25 * HOUR,
        },
      ],
      entriesBefore: 4,
      entriesAfter: 3,
      archived: 0,
      archivesRemoved: 0,
      nextExpiryAt: NOW - HOUR + 24 * HOUR,
      storePath: A,
    });
    expect(result.error).toBeUndefined();
    expect([...(backend.stores.get(A)?.keys() ?? [])]).toEqual([
      "agent:main:cron:job:run:new",
      "agent:main:cron:job",
      "agent:main:chat",
    ]);
    expect(backend.calls).toMatchObject({ removeEntries: 1, removeSelected: 0, writes: 1 });
  });

  it("throttles each path for 5 min, independently, unless forced", async () => {
    const backend = createMemoryBackend({ [A]: store(), [B]: store() }, { identify: false });
    const reaper = createReaper({ backend });
    expect((await reaper.sweep(A, { nowMs: NOW })).swept).toBe(true);
    const throttled = await reaper.sweep(A, { nowMs: NOW + MIN_SWEEP_INTERVAL_MS - 1 });
    expect(throttled).toMatchObject({ swept: false, skipped: "throttled", pruned: 0 });
    expect(backend.calls.removeEntries).toBe(1);
    expect((await reaper.sweep(B, { nowMs: NOW + 1 })).swept).toBe(true);
    const forced = await reaper.sweep(A, { nowMs: NOW + 2, force: true });
    expect(forced.swept).toBe(true);
    expect(forced.skipped).toBeUndefined();
    // The forced sweep restarted A's window.
    expect((await reaper.sweep(A, { nowMs: NOW + MIN_SWEEP_INTERVAL_MS })).skipped).toBe(
      "throttled",
    );
    expect((await reaper.sweep(A, { nowMs: NOW + 2 + MIN_SWEEP_INTERVAL_MS })).swept).toBe(true);
    expect(backend.calls.removeEntries).toBe(4);
  });

  it("does nothing when every rule is off, and still advances the throttle", async () => {
    const backend = createMemoryBackend({ [A]: store() });
    const reaper = createReaper({ backend, cronConfig: { sessionRetention: false } });
    const result = await reaper.sweep(A, { nowMs: NOW });
    expect(result).toMatchObject({ swept: false, skipped: "disabled", pruned: 0 });
    expect((await reaper.sweep(A, { nowMs: NOW + 1 })).skipped).toBe("throttled");
    expect(backend.calls).toMatchObject({ removeEntries: 0, identify: 0 });
    expect(backend.stores.get(A)?.size).toBe(4);
  });

  it("reports a failed pass, warns, and leaves the throttle where it was", async () => {
    const backend = createMemoryBackend({ [A]: store() });
    const { lines, logger } = createRecordingLogger();
    const reaper = createReaper({ backend, logger });
    backend.failNext(
      A,
      Object.assign(new Error("corrupt at byte 3"), { code: "STORE_CORRUPT", path: A }),
    );
    const failed = await reaper.sweep(A, { nowMs: NOW });
    expect(failed).toMatchObject({
      swept: false,
      pruned: 0,
      error: { code: "STORE_CORRUPT", message: "corrupt at byte 3" },
    });
    expect(lines.filter((l) => l.level === "warn").map((l) => l.msg)).toEqual([
      "session sweep failed",
    ]);
    const retry = await reaper.sweep(A, { nowMs: NOW + 1 });
    expect(retry).toMatchObject({ swept: true, pruned: 1 });
  });

  it("reports errors without a code as SWEEP_FAILED", async () => {
    const backend = createMemoryBackend({ [A]: store() });
    backend.failNext(A, "boom");
    const result = await createReaper({ backend }).sweep(A, { nowMs: NOW });
    expect(result.error).toEqual({ code: "SWEEP_FAILED", message: "boom" });
  });

  it("skips an unchanged store before nextExpiryAt without a removal pass", async () => {
    const backend = createMemoryBackend({ [A]: store() });
    const reaper = createReaper({ backend });
    // First sweep removes the old run: the store changed, so nothing is remembered yet.
    expect((await reaper.sweep(A, { nowMs: NOW })).pruned).toBe(1);
    const second = await reaper.sweep(A, { nowMs: NOW + MIN_SWEEP_INTERVAL_MS });
    expect(second).toMatchObject({ swept: true, pruned: 0 });
    expect(backend.calls.removeEntries).toBe(2);

    const nextExpiryAt = NOW - HOUR + 24 * HOUR;
    const skipped = await reaper.sweep(A, { nowMs: NOW + 2 * MIN_SWEEP_INTERVAL_MS });
    expect(skipped).toMatchObject({ swept: false, skipped: "unchanged", nextExpiryAt });
    expect(backend.calls.removeEntries).toBe(2);
    // Skipping counts as a sweep for the throttle.
    expect((await reaper.sweep(A, { nowMs: NOW + 2 * MIN_SWEEP_INTERVAL_MS + 1 })).skipped).toBe(
      "throttled",
    );

    // Once the next entry is due, the store is read again and the run goes.
    const due = await reaper.sweep(A, { nowMs: nextExpiryAt + 1 });
    expect(due).toMatchObject({ swept: true, prunedKeys: ["agent:main:cron:job:run:new"] });
    expect(backend.calls.removeEntries).toBe(3);
  });

  it("reads again when another writer changed the store", async () => {
    const backend = createMemoryBackend({ [A]: store().slice(1) });
    const reaper = createReaper({ backend });
    expect((await reaper.sweep(A, { nowMs: NOW })).pruned).toBe(0);
    backend.put(A, v("agent:main:cron:job:run:stale", 30 * HOUR));
    const result = await reaper.sweep(A, { nowMs: NOW + MIN_SWEEP_INTERVAL_MS });
    expect(result.prunedKeys).toEqual(["agent:main:cron:job:run:stale"]);
    expect(backend.calls.removeEntries).toBe(2);
  });

  it("force also bypasses the unchanged-store skip", async () => {
    const backend = createMemoryBackend({ [A]: store().slice(1) });
    const reaper = createReaper({ backend });
    await reaper.sweep(A, { nowMs: NOW });
    expect((await reaper.sweep(A, { nowMs: NOW + 1, force: true })).swept).toBe(true);
    expect(backend.calls.removeEntries).toBe(2);
  });

  it("a dry run reports the plan, changes nothing and does not advance the throttle", async () => {
    const backend = createMemoryBackend({ [A]: store() });
    const reaper = createReaper({ backend });
    const dry = await reaper.sweep(A, { nowMs: NOW, dryRun: true });
    expect(dry).toMatchObject({
      swept: true,
      dryRun: true,
      pruned: 1,
      prunedKeys: ["agent:main:cron:job:run:old"],
    });
    expect(backend.stores.get(A)?.size).toBe(4);
    expect(backend.calls.writes).toBe(0);
    // A dry run that found work must not let the real sweep skip the store as "unchanged".
    const real = await reaper.sweep(A, { nowMs: NOW + 1 });
    expect(real).toMatchObject({ swept: true, dryRun: false, prunedKeys: dry.prunedKeys });
  });

  it("applies maxRunsPerJob through removeSelected", async () => {
    const backend = createMemoryBackend({
      [A]: [
        v("agent:main:cron:job:run:1", 3 * HOUR),
        v("agent:main:cron:job:run:2", 2 * HOUR),
        v("agent:main:cron:job:run:3", 1 * HOUR),
      ],
    });
    const reaper = createReaper({ backend, cronConfig: { maxRunsPerJob: 2 } });
    const result = await reaper.sweep(A, { nowMs: NOW });
    expect(result.removed).toEqual([
      { key: "agent:main:cron:job:run:1", reason: "over-limit", updatedAt: NOW - 3 * HOUR },
    ]);
    expect(backend.calls).toMatchObject({ removeSelected: 1, removeEntries: 0 });
  });

  it("warns and applies only the age rules when the backend lacks removeSelected", async () => {
    const backend = createMemoryBackend(
      {
        [A]: [
          v("agent:main:cron:job:run:1", 30 * HOUR),
          v("agent:main:cron:job:run:2", 2 * HOUR),
          v("agent:main:cron:job:run:3", 1 * HOUR),
        ],
      },
      { selectAll: false },
    );
    const { lines, logger } = createRecordingLogger();
    const reaper = createReaper({ backend, logger, cronConfig: { maxRunsPerJob: 1 } });
    const result = await reaper.sweep(A, { nowMs: NOW });
    expect(result.prunedKeys).toEqual(["agent:main:cron:job:run:1"]);
    expect(lines.some((l) => l.level === "warn" && /maxRunsPerJob/.test(l.msg ?? ""))).toBe(true);
  });

  it("sweepAll sweeps each distinct resolved path once, in order", async () => {
    const backend = createMemoryBackend({ [A]: store(), [B]: store() });
    const reaper = createReaper({ backend, now: () => NOW });
    const results = await reaper.sweepAll([
      A,
      "/nonexistent-session-reaper-test/x/../a/sessions.json",
      B,
      A,
    ]);
    expect(results.map((r) => [r.storePath, r.pruned])).toEqual([
      [A, 1],
      [B, 1],
    ]);
    expect(backend.calls.removeEntries).toBe(2);
  });

  it("logs one info line per sweep that removed something, debug otherwise", async () => {
    const backend = createMemoryBackend({ [A]: store() });
    const { lines, logger } = createRecordingLogger();
    const reaper = createReaper({ backend, logger });
    await reaper.sweep(A, { nowMs: NOW });
    await reaper.sweep(A, { nowMs: NOW + 1 });
    await reaper.sweep(A, { nowMs: NOW + MIN_SWEEP_INTERVAL_MS });
    const info = lines.filter((l) => l.level === "info");
    expect(info).toHaveLength(1);
    expect(info[0]?.msg).toBe("session sweep removed entries");
    expect(info[0]?.obj).toMatchObject({
      storePath: A,
      backend: "memory",
      pruned: 1,
      expired: 1,
      overLimit: 0,
      entriesBefore: 4,
      entriesAfter: 3,
    });
    expect(typeof info[0]?.obj.durationMs).toBe("number");
    expect(lines.filter((l) => l.level === "debug").map((l) => l.msg)).toEqual([
      "session sweep skipped",
      "session sweep found nothing to remove",
    ]);
  });

  it("survives a logger that throws or lacks methods", async () => {
    const backend = createMemoryBackend({ [A]: store() });
    const reaper = createReaper({
      backend,
      logger: {
        info: () => {
          throw new Error("logger down");
        },
      },
    });
    expect(await reaper.sweep(A, { nowMs: NOW })).toMatchObject({ swept: true, pruned: 1 });
  });

  it("sweeps anyway when identify throws", async () => {
    const backend = createMemoryBackend({ [A]: store() });
    backend.identify = () => {
      throw new Error("stat failed");
    };
    const reaper = createReaper({ backend });
    expect((await reaper.sweep(A, { nowMs: NOW })).pruned).toBe(1);
    expect((await reaper.sweep(A, { nowMs: NOW + MIN_SWEEP_INTERVAL_MS })).swept).toBe(true);
    expect(backend.calls.removeEntries).toBe(2);
  });

  it("reports invalid settings once, at creation, and uses the safe defaults", async () => {
    const reports: InvalidSettingReport[] = [];
    const { lines, logger } = createRecordingLogger();
    const backend = createMemoryBackend({ [A]: store() });
    const reaper = createReaper({
      backend,
      logger,
      cronConfig: { sessionRetention: "forever", maxRunsPerJob: 0 },
      hooksConfig: { sessionRetention: "nope" },
      onInvalid: (r) => reports.push(r),
    });
    expect(reaper.policy).toEqual({ cronRetentionMs: 24 * HOUR, hookRetentionMs: null });
    expect(reports.map((r) => r.setting)).toEqual([
      "cron.sessionRetention",
      "hooks.sessionRetention",
      "cron.maxRunsPerJob",
    ]);
    await reaper.sweep(A, { nowMs: NOW });
    expect(lines.filter((l) => l.msg === "invalid session reaper setting ignored")).toHaveLength(3);
  });
});
