import { type ChildProcess, spawn } from "node:child_process";
import { readdir } from "node:fs/promises";
import { fileURLToPath } from "node:url";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import {
  createFileBackend,
  createReaper,
  type SessionStoreBackend,
  sweepCronRunSessions,
} from "../src/index";
import { createTempStore, entry, type TempStore } from "./support/temp-store";

const HOUR = 3_600_000;
const NOW = Date.UTC(2026, 1, 14, 10, 30);
const HOLDER = fileURLToPath(new URL("./fixtures/hold-store-lock.mjs", import.meta.url));

let t: TempStore;
beforeEach(async () => {
  t = await createTempStore();
});
afterEach(async () => {
  await t.cleanup();
});

/** An expired run (sessionId s) and a chat: what most tests here start from. */
const VALID_STORE = {
  "agent:main:cron:j:run:r": entry("s", NOW - 30 * HOUR),
  "agent:main:chat": entry("c", NOW),
};
const valid = JSON.stringify(VALID_STORE, null, 2);

/** Writes VALID_STORE and the run's transcript s.jsonl; returns the store's bytes. */
async function seedValidStore(): Promise<Buffer> {
  await t.write(VALID_STORE);
  await t.file("s.jsonl");
  return t.readBytes();
}
const corruptStores: Record<string, string> = {
  truncated: valid.slice(0, valid.length - 7),
  empty: "",
  array: "[]",
  null: "null",
  "trailing garbage": `${valid} x`,
  BOM: `\uFEFF${valid}`,
  NaN: '{ "agent:main:cron:j:run:r": { "updatedAt": NaN } }',
  comments: `// sessions\n${valid}`,
};

describe("a corrupt store", () => {
  it.each(Object.entries(corruptStores))(
    "(%s) is reported as STORE_CORRUPT, left unchanged, and does not advance the throttle",
    async (_name, text) => {
      await t.file("sessions.json", text);
      const before = await t.readBytes();
      for (const cronConfig of [{}, { maxRunsPerJob: 1 }]) {
        const reaper = createReaper({ cronConfig });
        for (const options of [
          { nowMs: NOW },
          { nowMs: NOW + 1 },
          { nowMs: NOW + 2, dryRun: true },
        ]) {
          const result = await reaper.sweep(t.storePath, options);
          expect(result.swept).toBe(false);
          expect(result.skipped).toBeUndefined();
          expect(result.error?.code).toBe("STORE_CORRUPT");
          expect(result.error?.message).toContain(t.storePath);
        }
      }
      expect(await t.readBytes()).toEqual(before);
      expect(await readdir(t.dir)).toEqual(["sessions.json"]);
    },
  );
});

function holdLock(storePath: string): Promise<ChildProcess> {
  const child = spawn(process.execPath, [HOLDER, storePath], {
    stdio: ["pipe", "pipe", "inherit"],
  });
  return new Promise((resolve, reject) => {
    child.once("error", reject);
    child.once("exit", (code) => reject(new Error(`lock holder exited early (${code})`)));
    child.stdout?.on("data", (chunk: Buffer) => {
      if (chunk.toString().includes("locked")) resolve(child);
    });
  });
}

function release(child: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    child.removeAllListeners("exit");
    child.once("exit", () => resolve());
    child.stdin?.end();
  });
}

describe("a store locked by another process", () => {
  it("times out with STORE_LOCK_TIMEOUT, changes nothing, and keeps the throttle", async () => {
    const before = await seedValidStore();
    const reaper = createReaper({ backend: createFileBackend({ timeoutMs: 300 }) });
    const holder = await holdLock(t.storePath);
    try {
      const result = await reaper.sweep(t.storePath, { nowMs: NOW });
      expect(result).toMatchObject({ swept: false, pruned: 0, archived: 0 });
      expect(result.error?.code).toBe("STORE_LOCK_TIMEOUT");
      expect(await t.readBytes()).toEqual(before);
      expect((await readdir(t.dir)).sort()).toEqual([
        "s.jsonl",
        "sessions.json",
        "sessions.json.lock",
      ]);
    } finally {
      await release(holder);
    }
    // Not throttled: the very next tick sweeps for real.
    const retry = await reaper.sweep(t.storePath, { nowMs: NOW + 1 });
    expect(retry).toMatchObject({ swept: true, pruned: 1, archived: 1 });
  }, 30_000);
});

describe("bad input and broken backends", () => {
  it("reports a missing or empty store path as INVALID_STORE_PATH instead of rejecting", async () => {
    const warnings: unknown[] = [];
    const log = { warn: (fields: unknown) => warnings.push(fields) };
    const missing = await sweepCronRunSessions({
      sessionStorePath: undefined as unknown as string,
      log,
    });
    expect(missing).toMatchObject({ swept: false, pruned: 0, storePath: "undefined" });
    expect(missing.error?.code).toBe("INVALID_STORE_PATH");
    expect(missing.error?.message).toMatch(/non-empty string, got undefined/);
    expect(warnings).toHaveLength(1);
    const none = await sweepCronRunSessions(undefined as never);
    expect(none.error?.code).toBe("INVALID_STORE_PATH");
    const empty = await createReaper().sweep("  ");
    expect(empty.error).toMatchObject({ code: "INVALID_STORE_PATH" });
  });

  it("reports a backend that breaks its contract in the result; the store is left as it was", async () => {
    const before = await seedValidStore();
    // Returns removals without remainingSessionIds and never touches the file.
    const broken: SessionStoreBackend = {
      name: "broken",
      removeEntries: async () =>
        ({ removed: [{ key: "agent:main:cron:j:run:r", sessionId: "s" }] }) as never,
    };
    const result = await createReaper({ backend: broken }).sweep(t.storePath, { nowMs: NOW });
    expect(result.swept).toBe(false);
    expect(result.error?.code).toBe("SWEEP_FAILED");
    expect(result.error?.message).toBe(
      'Session store backend "broken" broke its contract: its removal result has no `remainingSessionIds` set',
    );
    expect(await t.readBytes()).toEqual(before);
    expect((await readdir(t.dir)).sort()).toEqual(["s.jsonl", "sessions.json"]);

    // An array where a set belongs is no set: `has` is what protects the transcripts.
    const arrays: SessionStoreBackend = {
      name: "arrays",
      removeEntries: async () =>
        ({
          removed: [{ key: "agent:main:cron:j:run:r", sessionId: "s" }],
          remainingSessionIds: new Set(["c"]),
          remainingSessionFiles: ["s.jsonl"],
          written: false,
        }) as never,
    };
    const second = await createReaper({ backend: arrays }).sweep(t.storePath, { nowMs: NOW });
    expect(second).toMatchObject({ swept: false, archived: 0 });
    expect(second.error?.message).toBe(
      'Session store backend "arrays" broke its contract: its removal result has a `remainingSessionFiles` that is not a set (leave it out, or give a set)',
    );
    expect((await readdir(t.dir)).sort()).toEqual(["s.jsonl", "sessions.json"]);
  });

  it("reports a removal by age without the facts its plan needs as a broken contract", async () => {
    const before = await seedValidStore();
    const outcome = {
      removed: [{ key: "agent:main:cron:j:run:r", sessionId: "s" }],
      remainingSessionIds: new Set(["c"]),
      written: false,
      entriesBefore: 2,
      oldestKept: { cronRun: null, hook: null },
    };
    const broken = (name: string, result: object): SessionStoreBackend => ({
      name,
      removeEntries: async () => {
        throw new Error("removeByAge is there: never called");
      },
      removeByAge: async () => result as never,
    });
    const cases: [string, object, string][] = [
      ["no-count", { ...outcome, entriesBefore: undefined }, "no `entriesBefore` count"],
      ["small-count", { ...outcome, entriesBefore: 0 }, "no `entriesBefore` count"],
      ["no-oldest", { ...outcome, oldestKept: undefined }, "no `oldestKept`"],
      ["bad-oldest", { ...outcome, oldestKept: { cronRun: "1", hook: null } }, "no `oldestKept`"],
    ];
    for (const [name, result, problem] of cases) {
      const swept = await createReaper({ backend: broken(name, result) }).sweep(t.storePath, {
        nowMs: NOW,
      });
      expect(swept).toMatchObject({ swept: false, archived: 0, error: { code: "SWEEP_FAILED" } });
      expect(swept.error?.message).toMatch(
        new RegExp(`^Session store backend "${name}" broke its contract: its removal by age has `),
      );
      expect(swept.error?.message).toContain(problem);
    }
    // The same result, whole, is a sweep.
    const whole = await createReaper({ backend: broken("whole", outcome) }).sweep(t.storePath, {
      nowMs: NOW,
    });
    expect(whole).toMatchObject({ swept: true, pruned: 1, entriesBefore: 2, entriesAfter: 1 });
    expect(await t.readBytes()).toEqual(before);
  });
});
