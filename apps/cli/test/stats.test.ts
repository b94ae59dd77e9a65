import { readFile, stat } from "node:fs/promises";
import { createSampleStateDir } from "@session-reaper/bench";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { formatAge } from "../src/format-values";
import {
  createTempHome,
  HOUR,
  removeTempDir,
  runBin,
  snapshotTree,
  writeKnownStore,
} from "./helpers";

let home: string;
let stateDir: string;

beforeEach(async () => {
  ({ home, stateDir } = await createTempHome());
});

afterEach(() => removeTempDir(home));

describe("stats", () => {
  it("prints entries by kind, what would go, files and an age histogram, read-only", async () => {
    const nowMs = Date.now();
    const main = await writeKnownStore(stateDir, "main", nowMs);
    const before = await snapshotTree(home);
    const startedAt = Date.now();
    const result = await runBin(["stats"], { home });
    // The kept run (1 h old) expires 23 h after nowMs, seen from whenever the CLI read its clock.
    const expiryTexts = new Set<string>();
    for (let t = startedAt; t <= Date.now() + 1000; t += 1000) {
      expiryTexts.add(formatAge(nowMs + 23 * HOUR - t));
    }
    expect(result.code).toBe(0);
    expect(result.stderr).toBe("");
    expect(await snapshotTree(home)).toEqual(before);
    const bytes = (await stat(main.storePath)).size;
    const bar = "█".repeat(30);
    expect(result.stdout.split("\n")).toEqual([
      "Policy: cron runs: older than 1d · hooks: off · runs per job: no cap",
      "",
      `${main.storePath} (agent main)`,
      "  entries       5  (cron-run 2 · cron 1 · hook 1 · other 1 · invalid 0)",
      expect.toSatisfy((line: string) =>
        [...expiryTexts].some(
          (text) =>
            line === `  would remove  1  (expired 1 · over-limit 0; next expiry in ${text})`,
        ),
      ),
      `  store         ${bytes} B`,
      "  transcripts   3 files, 57 B",
      "  archives      2 files, 38 B",
      "  cron run ages",
      `    <1h    ${" ".repeat(30)}  0`,
      `    1–6h   ${bar}  1`,
      `    6–24h  ${" ".repeat(30)}  0`,
      `    1–7d   ${bar}  1`,
      `    >7d    ${" ".repeat(30)}  0`,
      "",
      `total: 1 store, 5 entries, would remove 1, ${bytes} B, transcripts 3 files, 57 B, archives 2 files, 38 B`,
      "",
    ]);
  });

  it("--json gives the same figures with stable field names", async () => {
    const main = await writeKnownStore(stateDir, "main");
    const result = await runBin(["stats", "--json", "--hook-retention", "2d"], { home });
    expect(result.code).toBe(0);
    const report = JSON.parse(result.stdout);
    expect(Object.keys(report)).toEqual([
      "command",
      "ok",
      "nowMs",
      "now",
      "stateDir",
      "policy",
      "stores",
      "totals",
    ]);
    expect(report.policy).toEqual({
      cronRetentionMs: 24 * HOUR,
      hookRetentionMs: 48 * HOUR,
      maxRunsPerJob: null,
      configPath: null,
    });
    expect(report.stores).toEqual([
      {
        storePath: main.storePath,
        agentId: "main",
        error: null,
        bytes: (await stat(main.storePath)).size,
        entries: { total: 5, cronRun: 2, cron: 1, hook: 1, other: 1, invalid: 0 },
        wouldRemove: { total: 2, expired: 2, overLimit: 0 },
        nextExpiryAt: expect.any(Number),
        transcripts: { count: 3, bytes: 57 },
        archives: { count: 2, bytes: 38 },
        cronRunAges: [
          { label: "<1h", minMs: 0, maxMs: HOUR, count: 0 },
          { label: "1–6h", minMs: HOUR, maxMs: 6 * HOUR, count: 1 },
          { label: "6–24h", minMs: 6 * HOUR, maxMs: 24 * HOUR, count: 0 },
          { label: "1–7d", minMs: 24 * HOUR, maxMs: 7 * 24 * HOUR, count: 1 },
          { label: ">7d", minMs: 7 * 24 * HOUR, maxMs: null, count: 0 },
        ],
      },
    ]);
    expect(report.totals).toMatchObject({ stores: 1, failed: 0, wouldRemove: { total: 2 } });
  });

  it("agrees with what sweep then removes on a generated OpenClaw state dir", async () => {
    await createSampleStateDir({ stateDir, agents: ["alpha", "beta"], entries: 400, seed: 7 });
    const statsBefore = JSON.parse((await runBin(["stats", "--json"], { home })).stdout);
    const sweep = await runBin(["sweep", "--json"], { home });
    expect(sweep.code).toBe(0);
    const swept = JSON.parse(sweep.stdout);
    const statsAfter = JSON.parse((await runBin(["stats", "--json"], { home })).stdout);

    for (const [i, store] of swept.stores.entries()) {
      const before = statsBefore.stores[i];
      const after = statsAfter.stores[i];
      expect(store.storePath).toBe(before.storePath);
      expect(before.wouldRemove.total).toBeGreaterThan(0);
      // Time only moves forward between the runs, so the sweep removes at least the forecast.
      expect(store.removed).toBeGreaterThanOrEqual(before.wouldRemove.total);
      expect(store.entriesBefore).toBe(before.entries.total);
      expect(after.entries.total).toBe(before.entries.total - store.removed);
      expect(after.entries.cronRun).toBe(before.entries.cronRun - store.removed);
      expect(after.bytes).toBe(store.bytesAfter);
      expect(after.transcripts.count).toBe(before.transcripts.count - store.transcriptsArchived);
      expect(after.archives.count).toBe(
        before.archives.count + store.transcriptsArchived - store.archivesDeleted,
      );
      expect(store.archivesDeleted).toBeGreaterThan(0);
      const text = await readFile(store.storePath, "utf8");
      for (const entry of store.removedEntries) expect(text).not.toContain(`"${entry.key}"`);
    }
  });

  it("reports an empty state dir without failing", async () => {
    const result = await runBin(["stats", "--json", "--state-dir", home], { home });
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout)).toMatchObject({ ok: true, stores: [], stateDir: home });
  });
});
