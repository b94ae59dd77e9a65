import type { EntryView } from "@session-reaper/store";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { planSweep, SweepPlanner } from "./plan-sweep";
import type { SweepPolicy } from "./types";

const HOUR = 3_600_000;
const NOW = Date.UTC(2026, 1, 14, 10, 30);
const DEFAULT: SweepPolicy = { cronRetentionMs: 24 * HOUR, hookRetentionMs: null };

function view(key: string, ageMs?: number, sessionId?: string): EntryView {
  const v: EntryView = { key };
  if (ageMs !== undefined) v.updatedAt = NOW - ageMs;
  if (sessionId !== undefined) v.sessionId = sessionId;
  return v;
}

describe("planSweep", () => {
  it("removes only expired cron runs at the default retention", () => {
    const plan = planSweep(
      [
        view("agent:main:cron:job1:run:old", 25 * HOUR),
        view("agent:main:cron:job1:run:new", 1 * HOUR),
        view("agent:main:cron:job1", 25 * HOUR),
        view("agent:main:telegram:dm:42", 100 * HOUR),
        view("agent:main:hook:gmail", 100 * HOUR),
      ],
      DEFAULT,
      NOW,
    );
    expect([...plan.remove]).toEqual([["agent:main:cron:job1:run:old", "expired"]]);
    expect(plan.kept).toBe(4);
    expect(plan.nextExpiryAt).toBe(NOW - HOUR + 24 * HOUR);
  });

  it("uses a strict cutoff and counts a missing updatedAt as epoch 0", () => {
    const plan = planSweep(
      [
        view("agent:a:cron:j:run:edge", HOUR),
        view("agent:a:cron:j:run:past", HOUR + 1),
        view("agent:a:cron:j:run:nostamp"),
      ],
      { cronRetentionMs: HOUR, hookRetentionMs: null },
      NOW,
    );
    expect([...plan.remove.keys()]).toEqual([
      "agent:a:cron:j:run:past",
      "agent:a:cron:j:run:nostamp",
    ]);
    expect(plan.nextExpiryAt).toBe(NOW);
  });

  it("applies hook retention independently of cron retention", () => {
    const plan = planSweep(
      [
        view("agent:main:hook:old", 2 * HOUR),
        view("agent:main:hook:fresh", 5 * 60_000),
        view("agent:main:cron:j:run:r", 500 * HOUR),
        view("agent:main:hook:a:b", 500 * HOUR),
      ],
      { cronRetentionMs: null, hookRetentionMs: HOUR },
      NOW,
    );
    expect([...plan.remove]).toEqual([["agent:main:hook:old", "expired"]]);
    expect(plan.nextExpiryAt).toBe(NOW - 5 * 60_000 + HOUR);
  });

  it("keeps the newest maxRunsPerJob runs of each (agent, job)", () => {
    const entries = [
      view("agent:a:cron:daily:run:1", 4 * HOUR),
      view("agent:a:cron:daily:run:2", 3 * HOUR),
      view("agent:a:cron:daily:run:3", 2 * HOUR),
      view("agent:a:cron:daily:run:4", 1 * HOUR),
      view("agent:b:cron:daily:run:1", 4 * HOUR),
      view("agent:b:cron:daily:run:2", 3 * HOUR),
      view("agent:b:cron:daily:run:3", 30 * HOUR),
      view("agent:a:cron:daily", 0),
    ];
    const plan = planSweep(entries, { ...DEFAULT, maxRunsPerJob: 2 }, NOW);
    expect([...plan.remove]).toEqual([
      ["agent:a:cron:daily:run:1", "over-limit"],
      ["agent:a:cron:daily:run:2", "over-limit"],
      ["agent:b:cron:daily:run:3", "expired"],
    ]);
  });

  it("breaks updatedAt ties by store order (later is newer) and ranks missing stamps oldest", () => {
    const plan = planSweep(
      [
        view("agent:a:cron:j:run:first", HOUR),
        view("agent:a:cron:j:run:nostamp"),
        view("agent:a:cron:j:run:second", HOUR),
      ],
      { cronRetentionMs: null, hookRetentionMs: null, maxRunsPerJob: 1 },
      NOW,
    );
    expect([...plan.remove]).toEqual([
      ["agent:a:cron:j:run:first", "over-limit"],
      ["agent:a:cron:j:run:nostamp", "over-limit"],
    ]);
    expect(plan.nextExpiryAt).toBeNull();
  });

  it("counts the keys of one run together and matches keys case-insensitively", () => {
    const plan = planSweep(
      [
        view("AGENT:Main:CRON:J:RUN:R1", 3 * HOUR),
        view("agent:main:cron:j:run:r1:thread:x", 1 * HOUR),
        view("agent:main:cron:j:run:r2", 2 * HOUR),
      ],
      { ...DEFAULT, maxRunsPerJob: 1 },
      NOW,
    );
    // r1 is the most recent run thanks to its thread key, so r2 goes.
    expect([...plan.remove]).toEqual([["agent:main:cron:j:run:r2", "over-limit"]]);
  });

  it("ignores a maxRunsPerJob that is not a positive integer", () => {
    const entries = [view("agent:a:cron:j:run:1", HOUR), view("agent:a:cron:j:run:2", HOUR)];
    for (const maxRunsPerJob of [0, -1, 1.5, Number.NaN]) {
      expect(planSweep(entries, { ...DEFAULT, maxRunsPerJob }, NOW).remove.size).toBe(0);
    }
  });

  it("uses the last view of a duplicated key", () => {
    const plan = planSweep(
      [view("agent:a:cron:j:run:1", 100 * HOUR), view("agent:a:cron:j:run:1", HOUR)],
      DEFAULT,
      NOW,
    );
    expect(plan.remove.size).toBe(0);
    expect(plan.kept).toBe(1);
  });

  it("removes nothing when every rule is off", () => {
    const plan = planSweep(
      [view("agent:a:cron:j:run:1"), view("agent:a:hook:x")],
      { cronRetentionMs: null, hookRetentionMs: null },
      NOW,
    );
    expect(plan).toEqual({ remove: new Map(), kept: 2, nextExpiryAt: null });
  });
});

// Keys drawn from a small alphabet so jobs, runs, duplicates and case variants collide often.
const keyArb = fc.oneof(
  fc
    .tuple(
      fc.constantFrom("agent", "AGENT"),
      fc.constantFrom("a", "b"),
      fc.constantFrom("j1", "J1", "j2"),
      fc.constantFrom("r1", "r2", "r3", "r4", "r5"),
      fc.constantFrom("", ":thread:t"),
    )
    .map(([head, agent, job, run, suffix]) => `${head}:${agent}:cron:${job}:run:${run}${suffix}`),
  fc.constantFrom("agent:a:cron:j1", "agent:b:hook:h1", "agent:a:hook:h2", "agent:a:main", "x"),
);
const entriesArb = fc.array(
  fc.record(
    { key: keyArb, updatedAt: fc.integer({ min: 0, max: 100 * HOUR }) },
    { requiredKeys: ["key"] },
  ),
  { maxLength: 30 },
);
const policyArb = fc.record(
  {
    cronRetentionMs: fc.option(fc.integer({ min: 0, max: 50 * HOUR }), { nil: null }),
    hookRetentionMs: fc.option(fc.integer({ min: 0, max: 50 * HOUR }), { nil: null }),
    maxRunsPerJob: fc.integer({ min: 1, max: 4 }),
  },
  { requiredKeys: ["cronRetentionMs", "hookRetentionMs"] },
);
const nowArb = fc.integer({ min: 0, max: 150 * HOUR });

describe("planSweep properties", () => {
  it("removes only cron run and hook keys, and only by an enabled rule", () => {
    fc.assert(
      fc.property(entriesArb, policyArb, nowArb, (entries, policy, now) => {
        const plan = planSweep(entries, policy, now);
        for (const [key, reason] of plan.remove) {
          const lower = key.toLowerCase();
          expect(lower.includes(":run:") || lower.includes(":hook:")).toBe(true);
          if (reason === "over-limit") {
            expect(lower.includes(":run:") && policy.maxRunsPerJob !== undefined).toBe(true);
          }
        }
        expect(plan.kept + plan.remove.size).toBe(new Set(entries.map((e) => e.key)).size);
      }),
    );
  });

  it("planning again over the kept entries removes nothing (the plan is a fixed point)", () => {
    fc.assert(
      fc.property(entriesArb, policyArb, nowArb, (entries, policy, now) => {
        const plan = planSweep(entries, policy, now);
        const kept = entries.filter((e) => !plan.remove.has(e.key));
        expect(planSweep(kept, policy, now).remove.size).toBe(0);
      }),
    );
  });

  it("nothing kept expires before nextExpiryAt, and something does right after it", () => {
    fc.assert(
      fc.property(entriesArb, policyArb, nowArb, (entries, policy, now) => {
        const plan = planSweep(entries, policy, now);
        const kept = entries.filter((e) => !plan.remove.has(e.key));
        const at = plan.nextExpiryAt;
        if (at === null) {
          expect(planSweep(kept, policy, now + 1000 * HOUR).remove.size).toBe(0);
          return;
        }
        expect(at).toBeGreaterThanOrEqual(now);
        expect(planSweep(kept, policy, at).remove.size).toBe(0);
        expect(planSweep(kept, policy, at + 1).remove.size).toBeGreaterThan(0);
      }),
    );
  });

  it("over-limit runs are never newer than a kept run of the same job", () => {
    fc.assert(
      fc.property(entriesArb, nowArb, (entries, now) => {
        const noAge = { cronRetentionMs: null, hookRetentionMs: null, maxRunsPerJob: 2 };
        const plan = planSweep(entries, noAge, now);
        const latest = new Map<string, EntryView>();
        for (const e of entries) latest.set(e.key, e);
        const jobOf = (key: string) => key.toLowerCase().split(":run:")[0] ?? "";
        const runOf = (key: string) => key.toLowerCase().split(":").slice(0, 6).join(":");
        const runs = new Map<string, { job: string; at: number; removed: boolean }>();
        for (const [key, v] of latest) {
          if (!key.toLowerCase().includes(":run:")) continue;
          const run = runs.get(runOf(key)) ?? {
            job: jobOf(key),
            at: Number.NEGATIVE_INFINITY,
            removed: plan.remove.has(key),
          };
          run.at = Math.max(run.at, v.updatedAt ?? Number.NEGATIVE_INFINITY);
          // All keys of one run share one fate.
          expect(plan.remove.has(key)).toBe(run.removed);
          runs.set(runOf(key), run);
        }
        for (const a of runs.values()) {
          const keptInJob = [...runs.values()].filter((b) => b.job === a.job && !b.removed);
          expect(keptInJob.length).toBeLessThanOrEqual(2);
          if (a.removed) {
            expect(keptInJob.length).toBe(2);
            for (const b of keptInJob) expect(b.at).toBeGreaterThanOrEqual(a.at);
          }
        }
      }),
    );
  });
});

describe("SweepPlanner", () => {
  it("plans distinct keys added one by one exactly as planSweep does, and add() gives the age verdict", () => {
    fc.assert(
      fc.property(entriesArb, policyArb, nowArb, fc.boolean(), (entries, policy, now, capped) => {
        const distinct = [...new Map(entries.map((e) => [e.key, e])).values()];
        const used: SweepPolicy = capped
          ? policy
          : { cronRetentionMs: policy.cronRetentionMs, hookRetentionMs: policy.hookRetentionMs };
        const planner = new SweepPlanner(used, now);
        const verdicts = distinct.map((e) => planner.add(e));
        const plan = planner.plan();
        const reference = planSweep(distinct, used, now);
        expect([...plan.remove]).toEqual([...reference.remove]);
        expect(plan.kept).toBe(reference.kept);
        expect(plan.nextExpiryAt).toBe(reference.nextExpiryAt);
        distinct.forEach((e, i) => {
          // The age rules decide at once; the per-job cap only adds "over-limit" at the end.
          expect(verdicts[i] === "expired").toBe(reference.remove.get(e.key) === "expired");
        });
      }),
    );
  });

  it("classifies nothing and removes nothing when no rule is enabled", () => {
    const planner = new SweepPlanner({ cronRetentionMs: null, hookRetentionMs: null }, NOW);
    expect(planner.add(view("agent:main:cron:j:run:r", 1000 * HOUR))).toBeNull();
    expect(planner.plan()).toEqual({ remove: new Map(), kept: 1, nextExpiryAt: null });
  });
});
