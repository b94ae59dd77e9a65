import { readFileSync } from "node:fs";
import { readFile, stat, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import {
  entry,
  HOUR,
  makeTempDir,
  NOW,
  storeDirNames,
  storeKeys,
  writeStore,
} from "../test/store-fixtures";
import {
  createOpenClawHostBackend,
  type HostUpdateSessionStore,
} from "./create-openclaw-host-backend";
import { createReaperPlugin } from "./create-reaper-plugin";

let dir = "";
let cleanup: () => Promise<void> = async () => {};
beforeEach(async () => {
  ({ dir, cleanup } = await makeTempDir());
});
afterEach(() => cleanup());

interface HostCall {
  storePath: string;
  skipMaintenance: boolean | undefined;
}

// Stand-in for the Gateway's writer with the behaviour its 2026.7.35 code has: one queue per
// store path, an unparsable file read as {}, save skipped when `skipSaveWhenResult` says so.
function hostWriter(): { update: HostUpdateSessionStore; calls: HostCall[] } {
  const calls: HostCall[] = [];
  const queues = new Map<string, Promise<unknown>>();
  const update: HostUpdateSessionStore = (storePath, mutator, options) => {
    calls.push({ storePath, skipMaintenance: options?.skipMaintenance });
    const run = async () => {
      let store: Record<string, unknown> = {};
      try {
        const parsed: unknown = JSON.parse(await readFile(storePath, "utf8"));
        if (parsed && typeof parsed === "object" && !Array.isArray(parsed)) {
          store = parsed as Record<string, unknown>;
        }
      } catch {
        // The host treats a missing or unreadable store as empty.
      }
      const result = await mutator(store);
      if (!options?.skipSaveWhenResult?.(result)) {
        await writeFile(storePath, JSON.stringify(store, null, 2));
      }
      return result;
    };
    const next = (queues.get(storePath) ?? Promise.resolve()).then(run, run);
    queues.set(
      storePath,
      next.catch(() => {}),
    );
    return next;
  };
  return { update, calls };
}

const storePathOf = () => join(dir, "agents", "main", "sessions", "sessions.json");

async function seed(): Promise<string> {
  const storePath = storePathOf();
  await writeStore(storePath, {
    "agent:main:cron:nightly": entry("shared", 30 * HOUR),
    "agent:main:cron:nightly:run:r1": entry("shared", 30 * HOUR),
    "agent:main:cron:nightly:run:r2": entry("alone", 26 * HOUR),
    "agent:main:cron:nightly:run:r3": entry("fresh", 2 * HOUR),
    "agent:main:main": { ...entry("chat", 100 * HOUR), sessionFile: "chat.jsonl" },
  });
  return storePath;
}

describe("createOpenClawHostBackend", () => {
  it("removes the selected entries inside the host's writer and skips host maintenance", async () => {
    const storePath = await seed();
    const { update, calls } = hostWriter();
    const backend = createOpenClawHostBackend(update);

    const result = await backend.removeEntries(
      storePath,
      (view) => view.key.includes(":run:") && (view.updatedAt ?? 0) < NOW - 24 * HOUR,
      { dryRun: false },
    );
    expect(result.removed.map((view) => view.key)).toEqual([
      "agent:main:cron:nightly:run:r1",
      "agent:main:cron:nightly:run:r2",
    ]);
    expect(result.removed[1]).toEqual({
      key: "agent:main:cron:nightly:run:r2",
      sessionId: "alone",
      updatedAt: NOW - 26 * HOUR,
    });
    expect([...result.remainingSessionIds].sort()).toEqual(["chat", "fresh", "shared"]);
    expect(result.remainingSessionFiles).toEqual(new Set(["chat.jsonl"]));
    expect(result.written).toBe(true);
    expect(result.entriesBefore).toBe(5);
    expect(await storeKeys(storePath)).toEqual([
      "agent:main:cron:nightly",
      "agent:main:cron:nightly:run:r3",
      "agent:main:main",
    ]);
    expect(calls).toHaveLength(1);
    expect(calls[0]?.storePath).toBe(storePath);
    expect(calls[0]?.skipMaintenance).toBe(true);
  });

  it("reports its selection, the objects it returns, before the host saves the store", async () => {
    const storePath = await seed();
    const before = await readFile(storePath, "utf8");
    const { update } = hostWriter();
    const backend = createOpenClawHostBackend(update);
    const reported: { selection: object; storeThen: string }[] = [];
    const result = await backend.removeEntries(storePath, (view) => view.key.includes(":run:"), {
      dryRun: false,
      onSelected: (selection) => {
        // Runs inside the mutator; readFileSync sees what the host has saved so far.
        reported.push({ selection, storeThen: readFileSync(storePath, "utf8") });
      },
    });
    expect(reported).toHaveLength(1);
    expect(reported[0]?.storeThen).toBe(before);
    const selection = reported[0]?.selection as typeof result;
    expect(selection.removed).toBe(result.removed);
    expect(selection.remainingSessionIds).toBe(result.remainingSessionIds);
    expect(selection.remainingSessionFiles).toBe(result.remainingSessionFiles);
    expect(result.removed).toHaveLength(3);
    expect(await storeKeys(storePath)).toEqual(["agent:main:cron:nightly", "agent:main:main"]);
  });

  it("does not let the host write when nothing is selected or in a dry run", async () => {
    const storePath = await seed();
    const before = await readFile(storePath, "utf8");
    const mtimeBefore = (await stat(storePath)).mtimeMs;
    const backend = createOpenClawHostBackend(hostWriter().update);

    const none = await backend.removeEntries(storePath, () => false, { dryRun: false });
    expect(none).toMatchObject({ removed: [], written: false });
    // Only `true` selects: a truthy value by mistake removes nothing.
    const truthy = (() => "yes") as unknown as () => boolean;
    const sloppy = await backend.removeEntries(storePath, truthy, { dryRun: false });
    expect(sloppy).toMatchObject({ removed: [], written: false });
    const dry = await backend.removeEntries(storePath, () => true, { dryRun: true });
    expect(dry.removed).toHaveLength(5);
    expect(dry.written).toBe(false);
    expect([...dry.remainingSessionIds]).toEqual([]);
    expect(await readFile(storePath, "utf8")).toBe(before);
    expect((await stat(storePath)).mtimeMs).toBe(mtimeBefore);
  });

  it("reports a corrupt store that the host would read as empty, and writes nothing", async () => {
    const storePath = storePathOf();
    await writeStore(storePath, {});
    for (const text of ['{"agent:main:cron:j:run:r": ', "[]", ""]) {
      await writeFile(storePath, text);
      const backend = createOpenClawHostBackend(hostWriter().update);
      await expect(
        backend.removeEntries(storePath, () => true, { dryRun: false }),
      ).rejects.toMatchObject({ code: "STORE_CORRUPT" });
      expect(await readFile(storePath, "utf8")).toBe(text);
    }
  });

  it("treats a missing store as empty and does not create it", async () => {
    const storePath = storePathOf();
    const backend = createOpenClawHostBackend(hostWriter().update);
    const result = await backend.removeEntries(storePath, () => true, { dryRun: false });
    expect(result).toMatchObject({ removed: [], written: false });
    await expect(stat(storePath)).rejects.toMatchObject({ code: "ENOENT" });
    expect(await backend.identify?.(storePath)).toBeNull();
  });

  it("applies maxRunsPerJob in one pass of the host's writer", async () => {
    const storePath = await seed();
    const { update, calls } = hostWriter();
    const plugin = createReaperPlugin({
      stores: [storePath],
      cronConfig: { sessionRetention: "100h", maxRunsPerJob: 1 },
      backend: createOpenClawHostBackend(update),
    });
    const [result] = (await plugin.onTick(NOW)) ?? [];
    expect(result?.removed.map(({ key, reason }) => [key, reason])).toEqual([
      ["agent:main:cron:nightly:run:r1", "over-limit"],
      ["agent:main:cron:nightly:run:r2", "over-limit"],
    ]);
    expect(calls).toHaveLength(1);
    expect(await storeKeys(storePath)).toEqual([
      "agent:main:cron:nightly",
      "agent:main:cron:nightly:run:r3",
      "agent:main:main",
    ]);
  });

  it("drives a full sweep: transcripts of removed sessions are archived unless still referenced", async () => {
    const storePath = await seed();
    const plugin = createReaperPlugin({
      stores: [storePath],
      backend: createOpenClawHostBackend(hostWriter().update),
    });
    const [result] = (await plugin.onTick(NOW)) ?? [];
    expect(result?.pruned).toBe(2);
    expect(result?.archived).toBe(1);
    const names = await storeDirNames(storePath);
    expect(names).toContain("alone.jsonl.deleted.2026-02-14T10-30-00.000Z");
    expect(names).toContain("shared.jsonl");
    expect(names).toContain("fresh.jsonl");
  });
});
