import { spawnSync } from "node:child_process";
import { mkdir, readdir, readFile, stat, writeFile } from "node:fs/promises";
import { join, relative } from "node:path";
import { createSampleStateDir } from "@session-reaper/bench";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import {
  BIN,
  childEnv,
  createTempHome,
  DAY,
  HOUR,
  removeTempDir,
  runBin,
  snapshotTree,
  storePathOf,
  writeKnownStore,
} from "./helpers";

let home: string;
let stateDir: string;
let main: Awaited<ReturnType<typeof writeKnownStore>>;
let work: Awaited<ReturnType<typeof writeKnownStore>>;

beforeEach(async () => {
  ({ home, stateDir } = await createTempHome());
  main = await writeKnownStore(stateDir, "main");
  work = await writeKnownStore(stateDir, "work");
});

afterEach(() => removeTempDir(home));

async function exists(path: string): Promise<boolean> {
  return stat(path).then(
    () => true,
    () => false,
  );
}

async function readStore(path: string): Promise<Record<string, unknown>> {
  return JSON.parse(await readFile(path, "utf8")) as Record<string, unknown>;
}

/** Asserts the known store lost exactly its expired run, and its files moved as expected. */
async function expectSwept(known: typeof main): Promise<void> {
  const { [known.expiredKey]: _gone, ...rest } = known.store;
  expect(await readStore(known.storePath)).toEqual(rest);
  expect(await exists(known.files.expiredTranscript)).toBe(false);
  const names = await readdir(known.dir);
  expect(names.filter((n) => n.startsWith(`${known.agentId}-old.jsonl.deleted.`))).toHaveLength(1);
  expect(await exists(known.files.oldArchive)).toBe(false);
  for (const keep of [
    "keptTranscript",
    "hookTranscript",
    "newArchive",
    "backup",
    "temp",
  ] as const) {
    expect(await exists(known.files[keep]), keep).toBe(true);
  }
}

describe("sweep", () => {
  it("sweeps every agent store under ~/.openclaw and prints a line per store and a total", async () => {
    const result = await runBin(["sweep"], { home });
    expect(result.stderr).toBe("");
    expect(result.code).toBe(0);
    const lines = result.stdout.trimEnd().split("\n");
    expect(lines[0]).toBe("Policy: cron runs: older than 1d · hooks: off · runs per job: no cap");
    for (const [index, known] of [main, work].entries()) {
      expect(lines[index + 1]).toMatch(
        new RegExp(
          `^${known.storePath}: 5 → 4 entries, removed 1, archived 1 transcript, deleted 1 archive, \\d+ B → \\d+ B, \\d+ms$`,
        ),
      );
    }
    expect(lines[3]).toMatch(
      /^total: 2 stores, 10 → 8 entries, removed 2, archived 2 transcripts, deleted 2 archives, /,
    );
    expect(lines).toHaveLength(4);
    await expectSwept(main);
    await expectSwept(work);
  });

  it("--json prints one document with stable fields", async () => {
    const result = await runBin(["sweep", "--json"], { home });
    expect(result.code).toBe(0);
    const report = JSON.parse(result.stdout);
    expect(Object.keys(report)).toEqual([
      "command",
      "ok",
      "dryRun",
      "nowMs",
      "now",
      "stateDir",
      "policy",
      "stores",
      "totals",
    ]);
    expect(report).toMatchObject({
      command: "sweep",
      ok: true,
      dryRun: false,
      stateDir,
      policy: {
        cronRetentionMs: DAY,
        hookRetentionMs: null,
        maxRunsPerJob: null,
        configPath: null,
      },
      totals: {
        stores: 2,
        failed: 0,
        entriesBefore: 10,
        entriesAfter: 8,
        removed: 2,
        transcriptsArchived: 2,
        archivesDeleted: 2,
      },
    });
    const store = report.stores[0];
    expect(Object.keys(store).sort()).toEqual(
      [
        "agentId",
        "archivedTranscripts",
        "archivesDeleted",
        "bytesAfter",
        "bytesBefore",
        "deletedArchives",
        "durationMs",
        "entriesAfter",
        "entriesBefore",
        "error",
        "removed",
        "removedEntries",
        "skipped",
        "status",
        "storePath",
        "transcriptsArchived",
      ].sort(),
    );
    expect(store).toMatchObject({
      storePath: main.storePath,
      agentId: "main",
      status: "swept",
      skipped: null,
      error: null,
      entriesBefore: 5,
      entriesAfter: 4,
      removed: 1,
      bytesAfter: (await stat(main.storePath)).size,
      archivedTranscripts: [main.files.expiredTranscript],
      deletedArchives: [main.files.oldArchive],
    });
    expect(store.bytesBefore).toBeGreaterThan(store.bytesAfter);
    expect(store.removedEntries).toHaveLength(1);
    expect(store.removedEntries[0]).toMatchObject({
      key: main.expiredKey,
      reason: "expired",
      sessionId: "main-old",
    });
    expect(store.removedEntries[0].ageMs).toBeGreaterThanOrEqual(48 * HOUR);
    expect(store.removedEntries[0].ageMs).toBeLessThan(49 * HOUR);
    expect(report.totals.bytesAfter).toBe(
      (await stat(main.storePath)).size + (await stat(work.storePath)).size,
    );
  });

  it("--dry-run lists keys with age and reason, then files, and changes nothing", async () => {
    const before = await snapshotTree(home);
    const result = await runBin(["sweep", "--dry-run", "--agent", "main"], { home });
    expect(result.code).toBe(0);
    expect(await snapshotTree(home)).toEqual(before);
    const lines = result.stdout.trimEnd().split("\n");
    expect(lines[0]).toMatch(/^Dry run: nothing is changed\. Policy: /);
    expect(lines[1]).toMatch(
      new RegExp(
        `^${main.storePath}: 5 → 4 entries, would remove 1, would archive 1 transcript, would delete 1 archive, `,
      ),
    );
    expect(lines[2]).toMatch(new RegExp(`^  remove   ${main.expiredKey}  2d +expired$`));
    expect(lines[3]).toBe(`  archive  ${main.files.expiredTranscript}`);
    expect(lines[4]).toBe(`  delete   ${main.files.oldArchive}`);
    expect(lines[5]).toMatch(/^total: 1 store, 5 → 4 entries, would remove 1, /);
    expect(lines).toHaveLength(6);
  });

  it("--dry-run --json reports the same plan and changes nothing", async () => {
    const before = await snapshotTree(home);
    const result = await runBin(["sweep", "--dry-run", "--json"], { home });
    expect(result.code).toBe(0);
    expect(await snapshotTree(home)).toEqual(before);
    const report = JSON.parse(result.stdout);
    expect(report.dryRun).toBe(true);
    expect(
      report.stores.map((s: { removedEntries: { key: string }[] }) =>
        s.removedEntries.map((e) => e.key),
      ),
    ).toEqual([[main.expiredKey], [work.expiredKey]]);
    expect(report.stores[1].archivedTranscripts).toEqual([work.files.expiredTranscript]);
    expect(report.stores[1].deletedArchives).toEqual([work.files.oldArchive]);
  });

  it("--store sweeps only the given file (relative to the cwd)", async () => {
    const before = await readFile(work.storePath);
    const result = await runBin(["sweep", "--store", relative(home, main.storePath)], { home });
    expect(result.code).toBe(0);
    expect(result.stdout).toContain(`${main.storePath}: 5 → 4 entries, removed 1,`);
    expect(result.stdout).not.toContain(work.storePath);
    await expectSwept(main);
    expect(await readFile(work.storePath)).toEqual(before);
  });

  it("--state-dir and --agent pick one agent elsewhere; $OPENCLAW_STATE_DIR is honoured", async () => {
    const other = join(home, "other-state");
    const known = await writeKnownStore(other, "ops");
    const flag = await runBin(["sweep", "--state-dir", other, "--agent", "ops"], { home });
    expect(flag.code).toBe(0);
    expect(flag.stdout).toContain(`${known.storePath}: 5 → 4 entries`);
    await expectSwept(known);

    const viaEnv = await runBin(["sweep", "--json"], { home, env: { OPENCLAW_STATE_DIR: other } });
    expect(viaEnv.code).toBe(0);
    expect(JSON.parse(viaEnv.stdout)).toMatchObject({
      stateDir: other,
      totals: { stores: 1, removed: 0 },
    });
    // The default dir was never looked at.
    expect((await readStore(main.storePath))[main.expiredKey]).toBeDefined();
  });

  it("--hook-retention with a bare number means hours", async () => {
    const result = await runBin(["sweep", "--json", "--agent", "main", "--hook-retention", "48"], {
      home,
    });
    expect(result.code).toBe(0);
    const report = JSON.parse(result.stdout);
    expect(report.policy.hookRetentionMs).toBe(48 * HOUR);
    expect(report.stores[0].removedEntries.map((e: { key: string }) => e.key).sort()).toEqual(
      [main.expiredKey, "agent:main:hook:gmail"].sort(),
    );
    expect(await exists(main.files.hookTranscript)).toBe(false);
  });

  it("--max-runs-per-job removes older runs as over-limit even with retention off", async () => {
    const result = await runBin(
      ["sweep", "--json", "--agent", "main", "--retention", "off", "--max-runs-per-job", "1"],
      { home },
    );
    expect(result.code).toBe(0);
    const removed = JSON.parse(result.stdout).stores[0].removedEntries;
    expect(removed).toEqual([
      expect.objectContaining({ key: main.expiredKey, reason: "over-limit" }),
    ]);
  });

  it("reads the policy from --config (JSON5) and lets flags override it", async () => {
    const config = join(home, "openclaw.json");
    await writeFile(config, `{ cron: { sessionRetention: "30m", maxRunsPerJob: 10 }, // JSON5\n}`);
    const fromFile = await runBin(["sweep", "--dry-run", "--json", "--config", config], { home });
    expect(fromFile.code).toBe(0);
    const planned = JSON.parse(fromFile.stdout);
    expect(planned.policy).toEqual({
      cronRetentionMs: 30 * 60_000,
      hookRetentionMs: null,
      maxRunsPerJob: 10,
      configPath: config,
    });
    // 30 minutes also expires the 1-hour-old run.
    expect(planned.totals.removed).toBe(4);

    const storeBytes = await readFile(main.storePath);
    const mtime = (await stat(main.storePath)).mtimeMs;
    const overridden = await runBin(["sweep", "--json", "--config", config, "--retention", "7d"], {
      home,
    });
    expect(overridden.code).toBe(0);
    const report = JSON.parse(overridden.stdout);
    expect(report.policy.cronRetentionMs).toBe(7 * DAY);
    expect(report.totals.removed).toBe(0);
    // Nothing to remove: the store is not rewritten.
    expect(await readFile(main.storePath)).toEqual(storeBytes);
    expect((await stat(main.storePath)).mtimeMs).toBe(mtime);
  });

  it("reports a state dir without stores and exits 0", async () => {
    const empty = join(home, "empty-state");
    await mkdir(join(empty, "agents", "main", "sessions"), { recursive: true });
    const result = await runBin(["sweep", "--state-dir", empty], { home });
    expect(result.code).toBe(0);
    expect(result.stdout).toBe(
      `No session stores found (looked for ${join(empty, "agents", "*", "sessions", "sessions.json")}); nothing to do.\n`,
    );
    const json = await runBin(["sweep", "--state-dir", empty, "--json"], { home });
    expect(JSON.parse(json.stdout)).toMatchObject({ ok: true, stores: [], totals: { stores: 0 } });
  });

  it("stops quietly when stdout is closed early (| head)", async () => {
    const big = join(home, "big");
    await createSampleStateDir({ stateDir: big, agents: ["a", "b"], entries: 3000 });
    // The dry-run listing (~200 kB) is far larger than a pipe buffer, so `head -1` closes it early.
    const script = `"${process.execPath}" "${BIN}" sweep --dry-run --state-dir "${big}" | head -1; echo "exit:\${PIPESTATUS[0]}"`;
    const result = spawnSync("bash", ["-c", script], { encoding: "utf8", env: childEnv(home) });
    expect(result.stdout).toMatch(/^Dry run: nothing is changed\..*\nexit:0\n$/);
    expect(result.stderr).toBe("");
  });

  it("skips, and says so, when every rule is off", async () => {
    const before = await snapshotTree(home);
    const result = await runBin(["sweep", "--agent", "work", "--retention", "off"], { home });
    expect(result.code).toBe(0);
    expect(result.stdout).toContain(
      `${storePathOf(stateDir, "work")}: skipped (every rule is off)`,
    );
    expect(await snapshotTree(home)).toEqual(before);
  });
});
