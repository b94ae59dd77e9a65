import { readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { createFileBackend, type SessionStoreBackend } from "@session-reaper/core";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import {
  entry,
  gate,
  HOUR,
  MINUTE,
  makeTempDir,
  NOW,
  sleep,
  storeDirNames,
  storeKeys,
  waitUntil,
  writeStore,
} from "../test/store-fixtures";
import { createReaperPlugin } from "./create-reaper-plugin";

let dir = "";
let cleanup: () => Promise<void> = async () => {};

beforeEach(async () => {
  ({ dir, cleanup } = await makeTempDir());
});
afterEach(() => cleanup());

const storeOf = (agent: string): string => join(dir, "agents", agent, "sessions", "sessions.json");

async function seedAgent(agent: string): Promise<string> {
  const storePath = storeOf(agent);
  await writeStore(storePath, {
    [`agent:${agent}:main`]: entry(`${agent}-chat`, 30 * 24 * HOUR),
    [`agent:${agent}:cron:job:run:old`]: entry(`${agent}-old`, 25 * HOUR),
    [`agent:${agent}:cron:job:run:new`]: entry(`${agent}-new`, 1 * HOUR),
  });
  return storePath;
}

function recordingLogger() {
  const lines: { level: string; fields: unknown; message?: string }[] = [];
  const at = (level: string) => (fields: unknown, message?: string) => {
    lines.push({ level, fields, ...(message === undefined ? {} : { message }) });
  };
  return {
    lines,
    logger: { debug: at("debug"), info: at("info"), warn: at("warn"), error: at("error") },
  };
}

// A file backend that can hold a removal until the test opens the gate.
function gatedBackend(hold: Promise<void>): {
  backend: SessionStoreBackend;
  entered: Promise<void>;
} {
  const inner = createFileBackend();
  const entering = gate();
  return {
    entered: entering.opened,
    backend: {
      name: "gated-file",
      async removeEntries(storePath, select, options) {
        entering.open();
        await hold;
        return inner.removeEntries(storePath, select, options);
      },
    },
  };
}

describe("createReaperPlugin", () => {
  it("sweeps every store on a tick; the throttle and unchanged-store skip spare the next ticks", async () => {
    const stores = [await seedAgent("a"), await seedAgent("b")];
    const plugin = createReaperPlugin({ stores });

    const first = await plugin.onTick(NOW);
    expect(first?.map((result) => [result.swept, result.pruned, result.archived])).toEqual([
      [true, 1, 1],
      [true, 1, 1],
    ]);
    for (const [index, agent] of ["a", "b"].entries()) {
      const storePath = stores[index] as string;
      expect(await storeKeys(storePath)).toEqual([
        `agent:${agent}:cron:job:run:new`,
        `agent:${agent}:main`,
      ]);
      const names = await storeDirNames(storePath);
      expect(names).toContain(`${agent}-old.jsonl.deleted.2026-02-14T10-30-00.000Z`);
      expect(names).not.toContain(`${agent}-old.jsonl`);
    }

    // The default throttle is half the default 5-minute interval.
    const soon = await plugin.onTick(NOW + 2 * MINUTE);
    expect(soon?.map((result) => result.skipped)).toEqual(["throttled", "throttled"]);
    // Past the throttle, a store nobody touched since the sweep's own write is not read again.
    const later = await plugin.onTick(NOW + 3 * MINUTE);
    expect(later?.map((result) => result.skipped)).toEqual(["unchanged", "unchanged"]);
    // Once the kept run is due (it is 1 h old at NOW, so after NOW + 23 h), it is read and pruned.
    const due = await plugin.onTick(NOW + 23 * HOUR + MINUTE);
    expect(due?.map((result) => [result.swept, result.pruned])).toEqual([
      [true, 1],
      [true, 1],
    ]);
  });

  it("skips a tick while the previous one still runs", async () => {
    const storePath = await seedAgent("a");
    const release = gate();
    const { backend, entered } = gatedBackend(release.opened);
    const plugin = createReaperPlugin({ stores: [storePath], backend });

    const first = plugin.onTick(NOW);
    await entered;
    expect(await plugin.onTick(NOW)).toBeNull();
    release.open();
    const results = await first;
    expect(results?.[0]?.pruned).toBe(1);
    expect(await storeKeys(storePath)).toEqual(["agent:a:cron:job:run:new", "agent:a:main"]);
  });

  it("stop() waits for the store being swept and sweeps no further store", async () => {
    const storeA = await seedAgent("a");
    const storeB = await seedAgent("b");
    const bytesB = await readFile(storeB, "utf8");
    const release = gate();
    const { backend, entered } = gatedBackend(release.opened);
    const plugin = createReaperPlugin({ stores: [storeA, storeB], backend });

    const tick = plugin.onTick(NOW);
    await entered;
    let stopped = false;
    const stopping = plugin.stop().then(() => {
      stopped = true;
    });
    await sleep(50);
    expect(stopped).toBe(false);
    release.open();
    await stopping;
    expect(await storeKeys(storeA)).toEqual(["agent:a:cron:job:run:new", "agent:a:main"]);
    expect(await readFile(storeB, "utf8")).toBe(bytesB);
    expect((await tick)?.map((result) => result.storePath)).toEqual([storeA]);
  });

  it("reports a corrupt store and still sweeps the others", async () => {
    const corrupt = storeOf("broken");
    await writeStore(corrupt, {});
    await writeFile(corrupt, '{"agent:broken:cron:j:run:r": {"sessionId": "x", "updatedAt": 1}');
    const good = await seedAgent("good");
    const { lines, logger } = recordingLogger();
    const plugin = createReaperPlugin({ stores: [corrupt, good], logger });

    const results = await plugin.onTick(NOW);
    expect(results?.[0]?.error?.code).toBe("STORE_CORRUPT");
    expect(results?.[0]?.swept).toBe(false);
    expect(await readFile(corrupt, "utf8")).toBe(
      '{"agent:broken:cron:j:run:r": {"sessionId": "x", "updatedAt": 1}',
    );
    expect(results?.[1]?.pruned).toBe(1);
    expect(await storeKeys(good)).toEqual(["agent:good:cron:job:run:new", "agent:good:main"]);
    const failure = lines.find((line) => line.message === "session sweep failed");
    expect(failure?.level).toBe("warn");
    expect(failure?.fields).toMatchObject({ storePath: corrupt, code: "STORE_CORRUPT" });
    const summary = lines.find((line) => line.message === "session sweep tick finished");
    expect(summary?.fields).toMatchObject({ stores: 2, pruned: 1, failed: 1 });
  });

  it("re-resolves the stores on every tick, sweeps each file once, and survives a failing resolver", async () => {
    const storeA = await seedAgent("a");
    const found: string[] = [storeA, `${storeA}/../sessions.json`];
    let failNext = false;
    const { lines, logger } = recordingLogger();
    const plugin = createReaperPlugin({
      logger,
      minIntervalMs: 0,
      resolveStores: () => {
        if (failNext) throw new Error("agents dir unreadable");
        return found;
      },
    });

    expect((await plugin.onTick(NOW))?.map((result) => result.storePath)).toEqual([storeA]);
    found.push(await seedAgent("b"));
    expect((await plugin.onTick(NOW + 1))?.map((result) => result.pruned)).toEqual([0, 1]);
    failNext = true;
    expect(await plugin.onTick(NOW + 2)).toEqual([]);
    expect(
      lines.some((line) => line.level === "warn" && /could not list/.test(line.message ?? "")),
    ).toBe(true);
  });

  it("dry run reports the same removals and changes no file", async () => {
    const storePath = await seedAgent("a");
    const before = await readFile(storePath, "utf8");
    const namesBefore = await storeDirNames(storePath);
    const plugin = createReaperPlugin({ stores: [storePath], dryRun: true });

    const [result] = (await plugin.onTick(NOW)) ?? [];
    expect(result).toMatchObject({
      dryRun: true,
      pruned: 1,
      prunedKeys: ["agent:a:cron:job:run:old"],
    });
    expect(result?.archivedPaths).toEqual([join(storePath, "..", "a-old.jsonl")]);
    expect(await readFile(storePath, "utf8")).toBe(before);
    expect(await storeDirNames(storePath)).toEqual(namesBefore);
  });

  it("never rejects, even when the logger throws", async () => {
    const storePath = await seedAgent("a");
    const explode = () => {
      throw new Error("logger down");
    };
    const plugin = createReaperPlugin({
      stores: [storePath],
      logger: { debug: explode, info: explode, warn: explode, error: explode },
    });
    const results = await plugin.onTick(NOW);
    expect(results?.[0]?.pruned).toBe(1);
  });

  it("start() ticks on its own timer until stop()", async () => {
    const storePath = await seedAgent("a");
    const plugin = createReaperPlugin({
      stores: [storePath],
      intervalMs: 20,
      minIntervalMs: 0,
      now: () => NOW,
    });
    plugin.start();
    plugin.start();
    await waitUntil(async () => !(await storeKeys(storePath)).includes("agent:a:cron:job:run:old"));
    await plugin.stop();

    // Nothing sweeps after stop(): an expired run written now stays.
    await writeStore(storePath, {
      "agent:a:cron:job:run:late": entry("a-late", 48 * HOUR),
    });
    await sleep(150);
    expect(await storeKeys(storePath)).toEqual(["agent:a:cron:job:run:late"]);
  });

  it("rejects an interval that is not a positive number or longer than a timer can wait", () => {
    expect(() => createReaperPlugin({ stores: [], intervalMs: 0 })).toThrow(RangeError);
    expect(() => createReaperPlugin({ stores: [], intervalMs: Number.NaN })).toThrow(RangeError);
    // setInterval would fire every millisecond for a longer period.
    expect(() => createReaperPlugin({ stores: [], intervalMs: 2 ** 31 })).toThrow(RangeError);
    expect(() => createReaperPlugin({ stores: [], intervalMs: 2 ** 31 - 1 })).not.toThrow();
  });
});
