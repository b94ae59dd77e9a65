import { rmSync } from "node:fs";
import { readdir } from "node:fs/promises";
import type { EntryView } from "@session-reaper/store";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import {
  type BackendRemoveResult,
  type BackendSelection,
  createFileBackend,
  createReaper,
  type SessionStoreBackend,
} from "../src/index";
import { createTempStore, entry, expectedStamp, type TempStore } from "./support/temp-store";

const HOUR = 3_600_000;
const NOW = Date.UTC(2026, 1, 14, 10, 30);
const ARCHIVED = `.deleted.${expectedStamp(NOW)}`;

let t: TempStore;
beforeEach(async () => {
  t = await createTempStore();
  await t.write({
    "agent:main:cron:j:run:a": entry("a", NOW - 30 * HOUR),
    "agent:main:cron:j:run:b": entry("b", NOW - 30 * HOUR),
    "agent:main:chat": entry("c", NOW),
  });
  for (const id of ["a", "b", "c"]) await t.file(`${id}.jsonl`);
});
afterEach(async () => {
  await t.cleanup();
});

/** The store dir once the transcripts of a and b are archived (c stays in use). */
const BOTH_ARCHIVED = [`a.jsonl${ARCHIVED}`, `b.jsonl${ARCHIVED}`, "c.jsonl", "sessions.json"];
const listing = async () => (await readdir(t.dir)).sort();
const pause = (ms: number) => new Promise((resume) => setTimeout(resume, ms));
const view = (id: string): EntryView => ({ key: `agent:main:cron:j:run:${id}`, sessionId: id });
const selectionOf = (ids: string[]): BackendSelection => ({
  removed: ids.map(view),
  remainingSessionIds: new Set(["c"]),
});
const resultOf = (selection: BackendSelection): BackendRemoveResult => ({
  ...selection,
  remainingSessionIds: selection.remainingSessionIds,
  written: true,
});

/** A backend whose removal by age reports `selections` one after another, then does `finish`. */
function reporting(
  selections: BackendSelection[],
  finish: () => Promise<BackendRemoveResult>,
): SessionStoreBackend {
  return {
    name: "reporting",
    removeEntries: async () => {
      throw new Error("not used: removeByAge is there");
    },
    removeByAge: async (_storePath, _cutoffs, { onSelected }) => {
      for (const selection of selections) {
        onSelected?.(selection);
        await pause(30); // long enough for the transcripts to be checked
      }
      return { entriesBefore: 3, oldestKept: { cronRun: null, hook: null }, ...(await finish()) };
    },
  };
}

describe("archiving started on a backend's selection", () => {
  it("renames nothing when the file backend's pass fails after reporting its selection", async () => {
    const file = createFileBackend();
    const { removeByAge } = file;
    if (!removeByAge) throw new Error("the file backend removes by age");
    let reported = 0;
    const losesItsLock: SessionStoreBackend = {
      ...file,
      name: "loses-its-lock",
      // While the new store syncs, another process takes the lock away: the pass must fail.
      removeByAge: (storePath, cutoffs, options) =>
        removeByAge(storePath, cutoffs, {
          ...options,
          onSelected: (selection) => {
            reported++;
            options.onSelected?.(selection);
            rmSync(`${storePath}.lock`, { recursive: true });
          },
        }),
    };
    const before = await t.readBytes();
    const result = await createReaper({ backend: losesItsLock }).sweep(t.storePath, {
      nowMs: NOW,
    });
    expect(reported).toBe(1);
    expect(result).toMatchObject({ swept: false, error: { code: "STORE_LOCK_COMPROMISED" } });
    expect(await t.readBytes()).toEqual(before);
    expect(await listing()).toEqual(["a.jsonl", "b.jsonl", "c.jsonl", "sessions.json"]);
  });

  it("renames nothing when a backend fails after reporting its selection", async () => {
    const backend = reporting([selectionOf(["a", "b"])], async () => {
      throw new Error("write failed");
    });
    const result = await createReaper({ backend }).sweep(t.storePath, { nowMs: NOW });
    expect(result).toMatchObject({ swept: false, archived: 0 });
    expect(await listing()).toEqual(["a.jsonl", "b.jsonl", "c.jsonl", "sessions.json"]);
  });

  it("archives by the selection the pass resolved with, after a retry", async () => {
    const first = selectionOf(["a"]);
    const second = selectionOf(["b"]);
    const backend = reporting([first, second], async () => resultOf(second));
    const result = await createReaper({ backend }).sweep(t.storePath, { nowMs: NOW });
    expect(result).toMatchObject({ swept: true, archived: 1, prunedKeys: [view("b").key] });
    expect(await listing()).toEqual(["a.jsonl", `b.jsonl${ARCHIVED}`, "c.jsonl", "sessions.json"]);
  });

  it("archives by the result when it is not the selection reported", async () => {
    const reported = selectionOf(["a"]);
    // The same sets, another removed array of the same length.
    const backend = reporting([reported], async () => ({
      ...resultOf(reported),
      removed: [view("b")],
    }));
    const result = await createReaper({ backend }).sweep(t.storePath, { nowMs: NOW });
    expect(result).toMatchObject({ swept: true, archived: 1 });
    expect(await listing()).toEqual(["a.jsonl", `b.jsonl${ARCHIVED}`, "c.jsonl", "sessions.json"]);
  });

  it("archives by the result when its remaining references are not the ones reported", async () => {
    // Same removed array; the result's remaining sessionIds (then sessionFiles) keep a in use.
    const byId = selectionOf(["a"]);
    const first = reporting([byId], async () => ({
      ...resultOf(byId),
      remainingSessionIds: new Set(["a", "c"]),
    }));
    expect(await createReaper({ backend: first }).sweep(t.storePath, { nowMs: NOW })).toMatchObject(
      { swept: true, archived: 0 },
    );
    const byFile = { ...selectionOf(["a"]), remainingSessionFiles: new Set<string>() };
    const second = reporting([byFile], async () => ({
      ...resultOf(byFile),
      remainingSessionFiles: new Set(["a.jsonl"]),
    }));
    expect(
      await createReaper({ backend: second }).sweep(t.storePath, { nowMs: NOW }),
    ).toMatchObject({ swept: true, archived: 0 });
    expect(await listing()).toEqual(["a.jsonl", "b.jsonl", "c.jsonl", "sessions.json"]);
  });

  it("archives by the result when the reported array grew before the pass resolved", async () => {
    const grown = selectionOf(["a"]);
    const backend = reporting([grown], async () => {
      grown.removed.push(view("b"));
      return resultOf(grown);
    });
    const result = await createReaper({ backend }).sweep(t.storePath, { nowMs: NOW });
    expect(result).toMatchObject({ swept: true, archived: 2 });
    expect(await listing()).toEqual(BOTH_ARCHIVED);
  });

  it("ignores a malformed selection and archives by the result", async () => {
    const result = selectionOf(["a"]);
    const backend = reporting([null as never, { removed: "a" } as never], async () =>
      resultOf(result),
    );
    const swept = await createReaper({ backend }).sweep(t.storePath, { nowMs: NOW });
    expect(swept).toMatchObject({ swept: true, archived: 1 });
    expect(await listing()).toEqual([`a.jsonl${ARCHIVED}`, "b.jsonl", "c.jsonl", "sessions.json"]);
  });

  it("archives what the reported selection names once the pass succeeds", async () => {
    const selection = selectionOf(["a", "b"]);
    const backend = reporting([selection], async () => resultOf(selection));
    const result = await createReaper({ backend }).sweep(t.storePath, { nowMs: NOW });
    expect(result).toMatchObject({ swept: true, archived: 2 });
    expect(await listing()).toEqual(BOTH_ARCHIVED);
  });
});
