import { mkdir, readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import {
  createTempHome,
  removeTempDir,
  runBin,
  snapshotTree,
  storePathOf,
  writeKnownStore,
} from "./helpers";

// The corrupt shapes of SPEC §6; each must fail with STORE_CORRUPT and keep its bytes.
const CORRUPT: Record<string, string> = {
  truncated: '{\n  "agent:x:cron:j:run:r": {\n    "sessionId": "a",\n    "updatedAt": 1',
  empty: "",
  array: "[]",
  null: "null",
  trailing: '{"agent:x:cron:j:run:r": {"updatedAt": 1}} garbage',
  bom: '\uFEFF{"agent:x:cron:j:run:r": {"updatedAt": 1}}',
  nan: '{"agent:x:cron:j:run:r": {"updatedAt": NaN}}',
  comments: '{ // old\n "agent:x:cron:j:run:r": {"updatedAt": 1}}',
};

let home: string;
let stateDir: string;

beforeEach(async () => {
  ({ home, stateDir } = await createTempHome());
});

afterEach(() => removeTempDir(home));

/** Writes each corrupt variant as its own agent's store, with a transcript of an old run. */
async function writeCorruptStores(): Promise<Record<string, string>> {
  const paths: Record<string, string> = {};
  for (const [name, text] of Object.entries(CORRUPT)) {
    const path = storePathOf(stateDir, `bad-${name}`);
    await mkdir(join(path, ".."), { recursive: true });
    await writeFile(path, text);
    await writeFile(join(path, "..", "a.jsonl"), "{}\n");
    paths[name] = path;
  }
  return paths;
}

describe("corrupt stores", () => {
  it("sweep exits 1, names each corrupt store and its code, still sweeps the good ones", async () => {
    const good = await writeKnownStore(stateDir, "good");
    const corrupt = await writeCorruptStores();
    const corruptDirs = Object.keys(corrupt).map((name) => join(stateDir, "agents", `bad-${name}`));
    const before = await Promise.all(corruptDirs.map((dir) => snapshotTree(dir)));

    const result = await runBin(["sweep"], { home });
    expect(result.code).toBe(1);
    for (const path of Object.values(corrupt)) {
      expect(result.stdout).toMatch(new RegExp(`^${path}: FAILED STORE_CORRUPT: `, "m"));
      expect(result.stderr).toContain(`${path} (STORE_CORRUPT)`);
    }
    const count = Object.keys(CORRUPT).length;
    expect(result.stderr).toContain(`${count} of ${count + 1} stores could not be swept`);
    expect(result.stdout).toMatch(
      new RegExp(`^total: ${count + 1} stores, ${count} FAILED, `, "m"),
    );
    // The good store was swept; every corrupt store dir is byte-for-byte as before.
    expect(JSON.parse(await readFile(good.storePath, "utf8"))[good.expiredKey]).toBeUndefined();
    expect(await Promise.all(corruptDirs.map((dir) => snapshotTree(dir)))).toEqual(before);
  });

  it("sweep --json marks the failed store and keeps ok false", async () => {
    await writeKnownStore(stateDir, "good");
    const corrupt = await writeCorruptStores();
    const result = await runBin(
      ["sweep", "--json", "--agent", "bad-truncated", "--agent", "good"],
      {
        home,
      },
    );
    expect(result.code).toBe(1);
    const report = JSON.parse(result.stdout);
    expect(report.ok).toBe(false);
    expect(report.totals).toMatchObject({ stores: 2, failed: 1, removed: 1 });
    const failed = report.stores.find((s: { agentId: string }) => s.agentId === "bad-truncated");
    expect(failed).toMatchObject({
      storePath: corrupt.truncated,
      status: "failed",
      error: { code: "STORE_CORRUPT" },
      removed: 0,
    });
    expect(await readFile(corrupt.truncated as string, "utf8")).toBe(CORRUPT.truncated);
  });

  it("stats exits 1 for a corrupt store and reports the rest", async () => {
    const good = await writeKnownStore(stateDir, "good");
    const corrupt = await writeCorruptStores();
    const before = await snapshotTree(home);
    const result = await runBin(["stats", "--json"], { home });
    expect(result.code).toBe(1);
    const report = JSON.parse(result.stdout);
    expect(report.ok).toBe(false);
    expect(report.totals.failed).toBe(Object.keys(corrupt).length);
    const goodStats = report.stores.find(
      (s: { storePath: string }) => s.storePath === good.storePath,
    );
    expect(goodStats).toMatchObject({ error: null, entries: { total: 5 } });
    expect(await snapshotTree(home)).toEqual(before);
  });
});
